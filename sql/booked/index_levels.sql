SELECT * EXCLUDE (import_id)
FROM index_levels
