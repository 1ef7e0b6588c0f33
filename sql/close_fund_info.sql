-- Reference data of the funds, for reports that read only the snapshot: each fund's row of
-- funds.csv and its partnership terms as booked (every column of terms.csv but fund_id; all
-- null for a fund without terms). The snapshot table declares each terms column
-- (sql/schema_snapshot.sql): a column added to terms.csv and not there is refused by the close.
SELECT f.fund_id, f.name, f.kind, f.currency, f.vintage, f.manager, f.programme_id,
       f.investment_period_end,
       t.* EXCLUDE (fund_id, source_file, source_line, import_id)
FROM funds f
LEFT JOIN terms t ON t.fund_id = f.fund_id
ORDER BY f.fund_id;
