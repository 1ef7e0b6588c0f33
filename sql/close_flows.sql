-- The capital calls and distributions of the close's quarter, per investor (fund's currency),
-- with the equalisation rows of a later closing (catch-ups, recallable distributions, interest).
SELECT fund_id, investor_id, txn_id, date, type,
       amount_fund::DECIMAL(38,2) AS amount, currency AS txn_currency,
       amount::DECIMAL(38,2) AS amount_txn_currency
FROM transactions
WHERE date BETWEEN $quarter_start AND $period_end
  AND type IN ('contribution', 'distribution', 'equalisation_contribution',
               'equalisation_distribution', 'equalisation_interest_received',
               'equalisation_interest_paid')
ORDER BY fund_id, investor_id, date, txn_id;
