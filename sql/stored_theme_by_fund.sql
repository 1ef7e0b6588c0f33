-- `fundbook metrics --by theme --fund F` of a closed day, the fund's own holdings, from its
-- snapshot: the columns and rows in the order metrics.theme_exposure gives them.
SELECT fund_id, theme, currency, holdings, invested, fair_value, share_of_fair_value
FROM snapshot_theme_by_fund
WHERE close_id = $close_id AND fund_id = $fund_id
ORDER BY theme NULLS FIRST
