-- The capital calls and distributions of the close's quarter, per investor (fund's currency),
-- with the equalisation rows of a later closing (catch-ups, recallable distributions, interest),
-- and the call each belongs to (calls.csv: its id and notice date; null without one).
SELECT t.fund_id, t.investor_id, t.txn_id, t.date, t.type,
       t.amount_fund::DECIMAL(38,2) AS amount, t.currency AS txn_currency,
       t.amount::DECIMAL(38,2) AS amount_txn_currency,
       t.call_id, c.notice_date AS call_notice_date
FROM transactions t
LEFT JOIN calls c ON c.call_id = t.call_id
WHERE t.date BETWEEN $quarter_start AND $period_end
  AND t.type IN ('contribution', 'distribution', 'equalisation_contribution',
                 'equalisation_distribution', 'equalisation_interest_received',
                 'equalisation_interest_paid')
ORDER BY t.fund_id, t.investor_id, t.date, t.txn_id;
