// The reconciler: manifests, config, validation, diff, plan, apply, drift, export.
