-- The columns of the snapshot tables (one per level), in schema order.
SELECT table_name, column_name
FROM information_schema.columns
WHERE table_schema = 'main' AND starts_with(table_name, $prefix)
ORDER BY table_name, ordinal_position;
