-- Book the new versions of commentary files (the registered frame new_commentary).
INSERT INTO commentary BY NAME
SELECT *, $import_id AS import_id
FROM new_commentary;
