-- The standing close whose snapshot holds the figures as of $as_of (null: none, compute them):
-- it ends that day, and no undated rows (funds, investors, companies) were imported after it.
-- Dated rows on or before a closed day cannot be booked (period_locks), so nothing else changes
-- what that day's figures are computed from.
SELECT max(c.close_id)
FROM closes c
WHERE c.status = 'closed'
  AND c.period_end = $as_of
  AND NOT EXISTS (SELECT 1 FROM funds WHERE import_id > c.import_watermark)
  AND NOT EXISTS (SELECT 1 FROM investors WHERE import_id > c.import_watermark)
  AND NOT EXISTS (SELECT 1 FROM companies WHERE import_id > c.import_watermark)
