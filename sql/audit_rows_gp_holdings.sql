-- The gp_holdings rows as at a close (those of a statement received on or before its period
-- end), every column, fixed order.
SELECT h.* FROM gp_holdings h
WHERE EXISTS (
    SELECT 1 FROM gp_statements s
    WHERE s.statement_date = h.statement_date AND s.fund_id = h.fund_id
      AND s.holding_id = h.holding_id AND s.received_date <= $period_end
)
ORDER BY ALL;
