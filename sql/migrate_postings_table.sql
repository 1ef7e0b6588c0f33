-- Books made before postings became a view kept them as a table: is it still one?
SELECT count(*) FROM information_schema.tables
WHERE table_name = 'postings' AND table_type = 'BASE TABLE'
