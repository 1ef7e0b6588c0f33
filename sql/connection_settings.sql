-- Per connection: no progress bar on standard output (fundbook prints its own progress).
-- Extension autoinstall and autoload are off from the moment of connecting
-- (fundbook.store.db.DUCKDB_CONFIG), before DuckDB reads any file.
SET enable_progress_bar = false;
