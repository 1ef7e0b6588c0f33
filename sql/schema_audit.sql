-- fundbook hash chain: one event per import, close and reopening, each covering every stored table
-- (docs/architecture.md, "The hash chain"). Both tables are append-only.

-- One event of the chain. `digests` is canonical JSON {table: [rows, sha256]} of every base table
-- of the book at the event (tables whose rows are written once: only the rows the event added).
-- `hash` is SHA-256 over the other columns (fundbook.close.chain.event_hash); `prev_hash` links
-- each event to the one before, so the last event's hash stands for the whole book.
CREATE TABLE IF NOT EXISTS audit_chain (
    seq              INTEGER PRIMARY KEY,  -- 1, 2, ... in order
    event            VARCHAR NOT NULL,     -- import | close | reopen
    close_id         INTEGER,              -- the close made or reopened (null: an import)
    period           VARCHAR,              -- its period (YYYY-MM; null: an import)
    import_watermark INTEGER NOT NULL,     -- rows of imports up to it are covered
    digests          VARCHAR NOT NULL,
    prev_hash        VARCHAR,              -- hash of the event before (null: the first)
    hash             VARCHAR NOT NULL
);

-- Where each covered row was at its event: its key (for messages) and 64 bits of the MD5 of its canonical
-- line, so that `audit verify` can name the row that changed, vanished or appeared. The rows of
-- an event are themselves covered by the event's `audit_rows` digest.
CREATE TABLE IF NOT EXISTS audit_rows (
    seq      INTEGER NOT NULL,
    tbl      VARCHAR NOT NULL,
    row_key  VARCHAR NOT NULL,
    row_md5  UBIGINT NOT NULL
);
