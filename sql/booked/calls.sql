SELECT * EXCLUDE (import_id)
FROM calls
