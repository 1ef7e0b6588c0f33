"""The DuckDB book: schema, import, postings and queries; every statement lives in sql/."""
