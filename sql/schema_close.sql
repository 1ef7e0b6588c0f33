-- fundbook close schema: closes, capital account statements, reopenings. The figures of a close
-- are in sql/schema_snapshot.sql (one table per level), so that reports read a close without
-- recomputing anything and `audit reproduce` compares figure by figure (docs/architecture.md).

CREATE SEQUENCE IF NOT EXISTS close_id_seq START 1;

CREATE TABLE IF NOT EXISTS closes (
    close_id          INTEGER PRIMARY KEY,
    period            VARCHAR NOT NULL,    -- YYYY-MM closed
    quarter           VARCHAR,             -- YYYYQn when the period ends a quarter, else null
    period_start      DATE NOT NULL,       -- first day covered (the first close: start of history)
    period_end        DATE NOT NULL,       -- last day of the month
    status            VARCHAR NOT NULL,    -- closed | reopened
    closed_at         TIMESTAMP NOT NULL,
    closed_by         VARCHAR NOT NULL,
    ledger_dir        VARCHAR,             -- the ledger imported by the close
    import_id         INTEGER,             -- the import made by the close (null: nothing new)
    import_watermark  INTEGER NOT NULL,    -- undated rows (funds, investors, companies) up to it
    carry_forward     BOOLEAN NOT NULL,    -- --carry-forward-valuations was given
    carried_forward   VARCHAR NOT NULL,    -- JSON list of "fund_id/holding_id" carried forward
    warnings          VARCHAR NOT NULL,    -- JSON list of warning texts
    figure_count      BIGINT NOT NULL,     -- figures of the snapshot_* rows + statement lines
    versions          VARCHAR NOT NULL     -- JSON {package: version} of fundbook and dependencies
    -- The close's hash is its event in audit_chain (sql/schema_audit.sql), which covers this row.
);

-- ILPA capital account statements of a close: one row per (basis, fund, investor), the ILPA
-- lines as columns in their order. investor_id null = the whole fund.
CREATE TABLE IF NOT EXISTS close_statements (
    close_id    INTEGER NOT NULL,
    basis       VARCHAR NOT NULL,    -- period | QTD | YTD | ITD
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    fund_id     VARCHAR NOT NULL,
    investor_id VARCHAR,
    beginning_nav            DECIMAL(38,2) NOT NULL,
    contributions            DECIMAL(38,2) NOT NULL,
    distributions            DECIMAL(38,2) NOT NULL,
    management_fees          DECIMAL(38,2) NOT NULL,
    fee_offsets              DECIMAL(38,2),   -- null: not modelled (no fee terms; schema 12)
    partnership_expenses     DECIMAL(38,2) NOT NULL,
    income                   DECIMAL(38,2) NOT NULL,
    other_income_expense     DECIMAL(38,2) NOT NULL,
    realised_gain            DECIMAL(38,2) NOT NULL,
    unrealised_gain_change   DECIMAL(38,2) NOT NULL,
    fx_translation           DECIMAL(38,2) NOT NULL,   -- issue 11 item 7 (schema 6)
    ending_nav               DECIMAL(38,2) NOT NULL,
    carry_paid               DECIMAL(38,2),   -- null: not modelled (no carry terms)
    carry_accrued_change     DECIMAL(38,2),   -- null: not modelled (no carry terms)
    carry_accrued_balance    DECIMAL(38,2),   -- null: not modelled (no carry terms)
    commitment               DECIMAL(38,2) NOT NULL,
    beginning_unfunded       DECIMAL(38,2) NOT NULL,
    unfunded_contributions   DECIMAL(38,2) NOT NULL,
    recallable_distributions DECIMAL(38,2) NOT NULL,
    ending_unfunded          DECIMAL(38,2) NOT NULL
);

-- The general ledger at the period end (fundbook/metrics/gl_ledger.py, docs/accounting.md): per
-- fund and account, debit minus credit: `balance` before the period's closing entry (the trial
-- balance), `closed_balance` after it (the balance sheet). Written once by its close.
CREATE TABLE IF NOT EXISTS close_ledger (
    close_id        INTEGER NOT NULL,
    fund_id         VARCHAR NOT NULL,
    currency        VARCHAR NOT NULL,
    account         VARCHAR NOT NULL,
    section         VARCHAR NOT NULL,
    balance         DECIMAL(38,2) NOT NULL,
    closed_balance  DECIMAL(38,2) NOT NULL
);

CREATE TABLE IF NOT EXISTS close_reopenings (
    close_id     INTEGER NOT NULL,
    period       VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    reopened_at  TIMESTAMP NOT NULL,
    reopened_by  VARCHAR NOT NULL
);
