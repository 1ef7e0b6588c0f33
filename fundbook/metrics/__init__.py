"""Pure metrics: polars DataFrames in, DataFrames out; no database, files or clock."""
