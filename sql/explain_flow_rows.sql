-- The quarter's capital calls and distributions (and equalisation rows) as the ledger holds
-- them (the transaction's own currency and amount, which the frames do not carry), with the
-- call each belongs to and where the call is booked (calls.csv), for `fundbook explain` of a
-- flow. The rows are those of close_flows.sql.
SELECT t.txn_id, t.date, t.currency AS txn_currency,
       t.amount::DECIMAL(38,2) AS amount_txn_currency,
       t.call_id, c.notice_date AS call_notice_date,
       t.source_file, t.source_line,
       c.source_file AS call_source_file, c.source_line AS call_source_line
FROM transactions t
LEFT JOIN calls c ON c.call_id = t.call_id
WHERE t.date BETWEEN $quarter_start AND $period_end
  AND t.type IN ('contribution', 'distribution', 'equalisation_contribution',
                 'equalisation_distribution', 'equalisation_interest_received',
                 'equalisation_interest_paid')
ORDER BY t.txn_id;
