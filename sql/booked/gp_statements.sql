SELECT * EXCLUDE (import_id)
FROM gp_statements
