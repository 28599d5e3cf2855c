// The ODAG REST API client: see ODAGClient.swift.
