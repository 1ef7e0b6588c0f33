-- The transactions rows as at a close (dated on or before its period end, and the fees and
-- expenses dated later, booked by the close, whose service period had begun: accrued by it),
-- every column, fixed order.
SELECT * FROM transactions
WHERE date <= $period_end OR (service_start <= $period_end AND import_id <= $watermark)
ORDER BY ALL;
