-- The booked rows as at a close, one canonical text line per row (docs/ledger-format.md,
-- "Closing, locks and corrections"): fields in schema order, NULL as \N, joined by U+001F;
-- decimals at their fixed scale, dates ISO. Dated tables: rows dated from $input_from (null:
-- all history) to $period_end, i.e. the close's own period, the earlier rows being covered by
-- the previous close's input hash; undated reference tables: rows imported up to $watermark.
-- Bookkeeping columns (source_file, source_line, import_id) are not part of the content.
-- Returns the lines sorted by table, then bytewise; a table's digest is the SHA-256 of its
-- lines joined by \n (fundbook.close.canonical hashes them with hashlib; in SQL alone:
-- sha256(string_agg(line, chr(10) ORDER BY line)) per table, the same digest, much slower).
WITH canon AS (
    SELECT 'funds' AS tbl, concat_ws(chr(31), fund_id, name, kind, currency,
           coalesce(vintage::VARCHAR, '\N'), coalesce(manager, '\N'),
           coalesce(programme_id, '\N'), coalesce(investment_period_end::VARCHAR, '\N')) AS line
    FROM funds WHERE import_id <= $watermark
    UNION ALL
    SELECT 'investors', concat_ws(chr(31), investor_id, name, kind, coalesce(fund_id, '\N'))
    FROM investors WHERE import_id <= $watermark
    UNION ALL
    SELECT 'companies', concat_ws(chr(31), company_id, name, theme, hk_nexus::VARCHAR, country)
    FROM companies WHERE import_id <= $watermark
    UNION ALL
    SELECT 'commitments', concat_ws(chr(31), fund_id, investor_id, date::VARCHAR,
           amount::VARCHAR, currency, amount_fund::VARCHAR)
    FROM commitments WHERE date BETWEEN coalesce($input_from, DATE '0001-01-01') AND $period_end
    UNION ALL
    SELECT 'transactions', concat_ws(chr(31), txn_id, date::VARCHAR, fund_id, type,
           coalesce(investor_id, '\N'), coalesce(holding_id, '\N'), amount::VARCHAR, currency,
           coalesce(memo, '\N'), amount_fund::VARCHAR)
    FROM transactions WHERE date BETWEEN coalesce($input_from, DATE '0001-01-01') AND $period_end
    UNION ALL
    SELECT 'valuations', concat_ws(chr(31), date::VARCHAR, fund_id, holding_id,
           fair_value::VARCHAR, currency, fair_value_fund::VARCHAR)
    FROM valuations WHERE date BETWEEN coalesce($input_from, DATE '0001-01-01') AND $period_end
    UNION ALL
    SELECT 'fx_rates', concat_ws(chr(31), date::VARCHAR, currency, hkd_per_unit::VARCHAR)
    FROM fx_rates WHERE date BETWEEN coalesce($input_from, DATE '0001-01-01') AND $period_end
)
SELECT tbl AS part, line FROM canon ORDER BY tbl, line;
