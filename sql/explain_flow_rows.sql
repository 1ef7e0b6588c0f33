-- The quarter's capital calls and distributions as the ledger holds them (the transaction's
-- own currency and amount, which the frames do not carry), for `fundbook explain` of a flow.
SELECT txn_id, date, currency AS txn_currency,
       amount::DECIMAL(38,2) AS amount_txn_currency,
       source_file, source_line
FROM transactions
WHERE date BETWEEN $quarter_start AND $period_end
  AND type IN ('contribution', 'distribution')
ORDER BY txn_id;
