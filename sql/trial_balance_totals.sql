-- Trial balance totals per fund and currency from postings dated on or before $as_of: debits,
-- credits, their difference and whether they balance (the totals of sql/trial_balance.sql).
SELECT fund_id, currency,
       sum(debit)::DECIMAL(38,2) AS debit,
       sum(credit)::DECIMAL(38,2) AS credit,
       (sum(debit) - sum(credit))::DECIMAL(38,2) AS difference,
       sum(debit) = sum(credit) AS balanced
FROM postings
WHERE date <= $as_of AND ($fund_id IS NULL OR fund_id = $fund_id)
GROUP BY fund_id, currency
ORDER BY fund_id, currency
