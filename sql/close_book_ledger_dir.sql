-- The ledger directory the book was initialised from (null when unknown).
SELECT value FROM book_meta WHERE key = 'ledger_dir';
