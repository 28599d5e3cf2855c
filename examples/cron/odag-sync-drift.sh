#!/usr/bin/env bash
# Nightly drift check for node-exporter's textfile collector.
#
#   crontab:  15 2 * * *  /opt/odag-sync/odag-sync-drift.sh
#
# Settings (environment):
#   ODAG_SYNC_PROJECT  the checkout with odag-sync.json and links/   (default: this folder)
#   ODAG_SYNC_ENV      the environment to check                      (default: prod)
#   TEXTFILE_DIR       node-exporter's --collector.textfile.directory (default: /var/lib/node_exporter/textfile)
#   ODAG_TOKEN or --token-file, as for any odag-sync command.
# Alert on odag_sync_drift_detected == 1 or odag_sync_last_run_success == 0.
set -uo pipefail

project=${ODAG_SYNC_PROJECT:-$(dirname "$0")}
environment=${ODAG_SYNC_ENV:-prod}
textfile_dir=${TEXTFILE_DIR:-/var/lib/node_exporter/textfile}
metrics="$textfile_dir/odag_sync.prom"
report="$textfile_dir/odag_sync_drift.json"

cd "$project" || exit 1
mkdir -p "$textfile_dir"
# Write to a temporary file and rename, so the collector never reads half a file.
odag-sync drift --env "$environment" --output prometheus --report "$report.tmp" > "$metrics.tmp"
code=$?
mv "$metrics.tmp" "$metrics"
[ -f "$report.tmp" ] && mv "$report.tmp" "$report"
# 0: no drift, 2: drift (reported in the metrics), anything else: the check itself failed.
if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then exit 0; fi
exit "$code"
