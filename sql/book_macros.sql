-- SQL macros stored in the book: fundbook creates none, and one could replace a built-in
-- function that fundbook's own queries call.
SELECT function_name FROM duckdb_functions()
WHERE NOT internal AND function_type IN ('macro', 'table_macro') AND database_name = current_database()
ORDER BY 1;
