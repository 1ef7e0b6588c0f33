-- Every ledger folder the book was kept from: an audit pack is never written over one.
SELECT value FROM book_meta WHERE key = 'ledger_dir'
UNION SELECT ledger_dir FROM imports
UNION SELECT ledger_dir FROM closes WHERE ledger_dir IS NOT NULL;
