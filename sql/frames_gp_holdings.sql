-- Frames for metrics: the schedules of investments of the GP statements received on or
-- before $as_of, in the sub-fund's currency.
SELECT h.statement_date, h.fund_id, h.holding_id, h.company_id, h.currency,
       CAST(h.cost AS DECIMAL(38,2)) AS cost,
       CAST(h.fair_value AS DECIMAL(38,2)) AS fair_value,
       s.received_date, h.source_file, h.source_line
FROM gp_holdings h
JOIN gp_statements s
  ON s.statement_date = h.statement_date AND s.fund_id = h.fund_id
 AND s.holding_id = h.holding_id
WHERE s.received_date <= $as_of
ORDER BY h.fund_id, h.holding_id, h.statement_date, h.company_id
