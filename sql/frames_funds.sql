-- Frames for metrics: the funds of the book (no dates to filter).
SELECT fund_id, name, kind, currency, programme_id, investment_period_end, manager
FROM funds
ORDER BY fund_id
