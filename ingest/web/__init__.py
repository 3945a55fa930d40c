"""The search service: a read-only HTTP API and a search page over ingest.search (`ingest serve`)."""
