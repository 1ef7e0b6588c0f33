-- The calls rows as at a close (noticed on or before its period end: what the book knew
-- then), every column, fixed order.
SELECT * FROM calls WHERE notice_date <= $period_end ORDER BY ALL;
