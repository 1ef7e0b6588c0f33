-- The definitions of the book's own views (the postings view): covered by the hash chain.
SELECT view_name || ' ' || sql FROM duckdb_views()
WHERE NOT internal AND schema_name = 'main' AND database_name = current_database();
