// JSON value, strict JSON reader, deterministic writer and the ODAG API models.
