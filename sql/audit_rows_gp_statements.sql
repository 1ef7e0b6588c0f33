-- The gp_statements rows as at a close (received on or before its period end: what the book
-- knew then), every column, fixed order.
SELECT * FROM gp_statements WHERE received_date <= $period_end ORDER BY ALL;
