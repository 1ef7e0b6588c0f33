SELECT * EXCLUDE (import_id)
FROM terms
