-- Every column of every base table of the book, in schema order: what the hash chain covers.
SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES'
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema
 AND t.table_name = c.table_name
WHERE t.table_type = 'BASE TABLE' AND t.table_schema = 'main'
  AND t.table_catalog = current_database()
ORDER BY c.table_name, c.ordinal_position;
