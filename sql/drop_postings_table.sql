-- Postings are derived rows: the view in schema.sql recomputes them exactly.
DROP TABLE postings
