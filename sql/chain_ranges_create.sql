-- What each event of the chain covers, for the queries that assign rows to events.
CREATE OR REPLACE TEMP TABLE chain_ranges (
    seq INTEGER, lo BIGINT, hi BIGINT, close_id INTEGER, closes BOOLEAN
);
