-- The companies rows as at a close (imported up to its watermark), every column, fixed order.
SELECT * FROM companies WHERE import_id <= $watermark ORDER BY ALL;
