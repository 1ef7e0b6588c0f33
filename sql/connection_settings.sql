-- Per connection: no progress bar on standard output (fundbook prints its own progress).
SET enable_progress_bar = false
