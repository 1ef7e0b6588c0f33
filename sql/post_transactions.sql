-- Double entry for the transactions of one import: a debit line and a credit line each,
-- in the fund's currency, accounts from posting_rules (the chart of accounts).
INSERT INTO postings
SELECT t.txn_id, t.date, t.fund_id, r.debit_account, t.investor_id, t.holding_id,
       t.amount_fund, 0::DECIMAL(18,2), f.currency
FROM transactions t
JOIN posting_rules r ON r.type = t.type
JOIN funds f ON f.fund_id = t.fund_id
WHERE t.import_id = $import_id
UNION ALL
SELECT t.txn_id, t.date, t.fund_id, r.credit_account, t.investor_id, t.holding_id,
       0::DECIMAL(18,2), t.amount_fund, f.currency
FROM transactions t
JOIN posting_rules r ON r.type = t.type
JOIN funds f ON f.fund_id = t.fund_id
WHERE t.import_id = $import_id
