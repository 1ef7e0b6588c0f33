-- Per connection: no progress bar on standard output (fundbook prints its own progress), and
-- DuckDB never installs or loads an extension on its own (no network access, no surprises).
SET enable_progress_bar = false;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
