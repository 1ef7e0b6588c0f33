-- Everything of the book besides the rows of its main tables, one text line each, for the
-- `catalog` part of the hash chain: views, macros, sequences (their definition, not their
-- counters), indexes, constraints, column defaults, schemas, tables outside `main`, and the
-- columns of audit_chain (the one table whose rows the chain does not hash). Comments too.
SELECT 'view ' || schema_name || '.' || view_name || ' ' || sql || ' comment ' || coalesce(comment::VARCHAR, '-')
FROM duckdb_views() WHERE NOT internal AND NOT temporary AND database_name = current_database()
UNION ALL
SELECT 'macro ' || schema_name || '.' || function_name || ' ' || function_type || ' '
       || coalesce(parameters::VARCHAR, '-') || ' ' || coalesce(macro_definition, '-')
FROM duckdb_functions() WHERE NOT internal AND database_name = current_database()
UNION ALL
SELECT 'sequence ' || schema_name || '.' || sequence_name || ' ' || start_value || ' '
       || min_value || ' ' || max_value || ' ' || increment_by || ' ' || cycle
FROM duckdb_sequences() WHERE NOT temporary AND database_name = current_database()
UNION ALL
SELECT 'index ' || schema_name || '.' || index_name || ' ' || coalesce(sql, '-')
FROM duckdb_indexes() WHERE database_name = current_database()
UNION ALL
SELECT 'constraint ' || schema_name || '.' || table_name || ' ' || constraint_type || ' '
       || coalesce(constraint_column_names::VARCHAR, '-') || ' ' || coalesce(constraint_text, '-')
FROM duckdb_constraints() WHERE database_name = current_database()
UNION ALL
SELECT 'column ' || schema_name || '.' || table_name || '.' || column_name || ' ' || data_type
       || ' default ' || coalesce(column_default, '-') || ' comment ' || coalesce(comment::VARCHAR, '-')
FROM duckdb_columns() WHERE NOT internal AND database_name = current_database()
  AND (schema_name <> 'main' OR table_name = 'audit_chain' OR column_default IS NOT NULL
       OR comment IS NOT NULL)
UNION ALL
SELECT 'schema ' || schema_name || ' comment ' || coalesce(comment::VARCHAR, '-')
FROM duckdb_schemas() WHERE NOT internal AND database_name = current_database()
UNION ALL
SELECT 'table ' || schema_name || '.' || table_name || ' comment ' || coalesce(comment::VARCHAR, '-')
FROM duckdb_tables() WHERE NOT internal AND NOT temporary AND database_name = current_database();
