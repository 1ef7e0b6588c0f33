-- Trial balance per fund, currency and account, from postings dated on or before $as_of.
SELECT fund_id, currency, account,
       sum(debit)::DECIMAL(38,2) AS debit,
       sum(credit)::DECIMAL(38,2) AS credit,
       (sum(debit) - sum(credit))::DECIMAL(38,2) AS balance
FROM postings
WHERE date <= $as_of AND ($fund_id IS NULL OR fund_id = $fund_id)
GROUP BY fund_id, currency, account
ORDER BY fund_id, currency, account
