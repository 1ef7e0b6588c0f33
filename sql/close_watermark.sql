-- The latest import of the book (0 before any): undated reference rows up to it belong to a close.
SELECT coalesce(max(import_id), 0) FROM imports;
