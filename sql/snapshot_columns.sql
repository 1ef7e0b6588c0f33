-- The columns of the snapshot tables (one per level) of this book, in schema order, with types.
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database()
  AND starts_with(table_name, $prefix)
ORDER BY table_name, ordinal_position;
