SELECT * EXCLUDE (import_id)
FROM investor_terms
