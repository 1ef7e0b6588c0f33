-- The tables of the open database's main schema (a fundbook book has book_meta among them).
SELECT table_name FROM information_schema.tables
WHERE table_catalog = current_database() AND table_schema = 'main'
