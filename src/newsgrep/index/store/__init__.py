"""Index storage: location, catalog, durable commits, the run lock, opening for search."""
