-- By name: the file's columns are the table's (ledger/spec.py), whatever their number.
INSERT INTO index_levels BY NAME
SELECT *, $import_id AS import_id
FROM new_rows
