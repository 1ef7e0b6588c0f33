-- Frames for metrics: the calls noticed on or before $as_of, in the fund's currency.
SELECT call_id, fund_id, kind, notice_date, due_date,
       CAST(for_investments AS DECIMAL(38,2)) AS for_investments,
       CAST(for_fees AS DECIMAL(38,2)) AS for_fees,
       CAST(for_expenses AS DECIMAL(38,2)) AS for_expenses,
       CAST(for_other AS DECIMAL(38,2)) AS for_other,
       memo, source_file, source_line
FROM calls
WHERE notice_date <= $as_of
ORDER BY fund_id, notice_date, call_id
