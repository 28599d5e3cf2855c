print("odag-sync-bench: not yet written")
