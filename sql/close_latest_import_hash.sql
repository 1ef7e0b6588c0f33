-- The ledger content hash of the latest import that booked rows (null before any).
SELECT content_hash FROM imports ORDER BY import_id DESC LIMIT 1;
