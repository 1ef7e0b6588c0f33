-- The market indices of the book (index_levels.csv), for `--pme` to name them.
SELECT DISTINCT index_id FROM index_levels ORDER BY index_id
