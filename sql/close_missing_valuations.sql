-- Holdings with a position at $period_end and no valuation dated in the closing month
-- ($month_start .. $period_end). A holding has a position when the fund invested in it, unless
-- its latest valuation is zero and no investment followed (fully exited), or a write_off row
-- dated on or before $period_end closed it (no valuation may follow a write-off).
-- Holdings that are funds of this book are valued from their own NAV, not from valuations.
WITH inv AS (
    SELECT fund_id, holding_id, max(date) AS last_investment
    FROM transactions
    WHERE type = 'investment' AND date <= $period_end
    GROUP BY ALL
), last_val AS (
    SELECT fund_id, holding_id, max(date) AS last_date, arg_max(fair_value_fund, date) AS last_value
    FROM valuations
    WHERE date <= $period_end
    GROUP BY ALL
)
SELECT inv.fund_id, inv.holding_id, last_val.last_date AS last_valuation
FROM inv LEFT JOIN last_val USING (fund_id, holding_id)
WHERE (last_val.last_date IS NULL OR last_val.last_date < $month_start)
  AND NOT coalesce(last_val.last_value = 0 AND last_val.last_date >= inv.last_investment, FALSE)
  AND inv.holding_id NOT IN (SELECT fund_id FROM funds)
  AND NOT EXISTS (
      SELECT 1 FROM transactions AS w
      WHERE w.type = 'write_off' AND w.fund_id = inv.fund_id AND w.holding_id = inv.holding_id
        AND w.date <= $period_end
  )
ORDER BY inv.fund_id, inv.holding_id;
