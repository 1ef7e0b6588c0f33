-- The postings rows as at a close (dated on or before its period end), every column, fixed order.
SELECT * FROM postings WHERE date <= $period_end ORDER BY ALL;
