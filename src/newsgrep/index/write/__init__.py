"""Writing articles into the index: sessions, worker processes, incremental builds."""
