-- fundbook schema v1: the book of record. Money is DECIMAL, never float.
-- Large tables carry no PRIMARY KEY (DuckDB ART indexes slow bulk import);
-- uniqueness is enforced by the validator before anything is written.

CREATE TABLE IF NOT EXISTS book_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS import_id_seq START 1;

CREATE TABLE IF NOT EXISTS imports (
    import_id    INTEGER PRIMARY KEY,
    imported_at  TIMESTAMP NOT NULL,
    ledger_dir   VARCHAR NOT NULL,
    new_rows     BIGINT NOT NULL,
    counts_json  VARCHAR NOT NULL,   -- new rows per file
    content_hash VARCHAR NOT NULL    -- SHA-256 of the ledger files as read
);
ALTER TABLE imports ADD COLUMN IF NOT EXISTS imported_by VARCHAR;  -- login name

CREATE TABLE IF NOT EXISTS funds (
    fund_id               VARCHAR NOT NULL,
    name                  VARCHAR NOT NULL,
    kind                  VARCHAR NOT NULL,   -- guidance_fund | sub_fund | co_investment | programme
    currency              VARCHAR NOT NULL,
    vintage               INTEGER,
    manager               VARCHAR,
    programme_id          VARCHAR,            -- optional: the fund of kind programme it belongs to
    investment_period_end DATE,               -- optional: end of the investment period
    source_file           VARCHAR NOT NULL,
    source_line           INTEGER NOT NULL,
    import_id             INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS investors (
    investor_id VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,   -- government | social_capital
    fund_id     VARCHAR,            -- set when the investor is itself a fund of this book
    strategic   BOOLEAN,            -- optional: a strategic investor of the programme (>= HK$3bn)
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS companies (
    company_id  VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    theme       VARCHAR NOT NULL,
    hk_nexus    BOOLEAN NOT NULL,
    country     VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS commitments (
    fund_id     VARCHAR NOT NULL,
    investor_id VARCHAR NOT NULL,
    date        DATE NOT NULL,
    amount      DECIMAL(18,2) NOT NULL,   -- in `currency`
    currency    VARCHAR NOT NULL,
    amount_fund DECIMAL(18,2) NOT NULL,   -- in the fund's currency, at the FX rate of `date`
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS transactions (
    txn_id      VARCHAR NOT NULL,
    date        DATE NOT NULL,
    fund_id     VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    investor_id VARCHAR,
    holding_id  VARCHAR,                  -- a company_id or a fund_id of this book
    amount      DECIMAL(18,2) NOT NULL,   -- positive, in `currency`; the type gives direction
    currency    VARCHAR NOT NULL,
    memo        VARCHAR,
    service_start DATE,                   -- fee / expense: the period it pays for (prepaid or
    service_end   DATE,                   -- accrued; both or neither)
    category    VARCHAR,                  -- expense: its category (NULL = other)
    amount_fund DECIMAL(18,2) NOT NULL,   -- in the fund's currency, at the FX rate of `date`
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    import_id   INTEGER NOT NULL,
    quantity    DECIMAL(18,6),            -- investment / proceeds: units bought or sold
    call_id     VARCHAR                   -- contribution / distribution: its call in calls.csv
);

CREATE TABLE IF NOT EXISTS valuations (
    date            DATE NOT NULL,
    fund_id         VARCHAR NOT NULL,
    holding_id      VARCHAR NOT NULL,
    fair_value      DECIMAL(18,2) NOT NULL,   -- in `currency` (zero allowed: written off)
    currency        VARCHAR NOT NULL,
    fair_value_fund DECIMAL(18,2) NOT NULL,   -- in the fund's currency
    source_file     VARCHAR NOT NULL,
    source_line     INTEGER NOT NULL,
    import_id       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fx_rates (
    date         DATE NOT NULL,
    currency     VARCHAR NOT NULL,
    hkd_per_unit DECIMAL(18,8) NOT NULL,
    source_file  VARCHAR NOT NULL,
    source_line  INTEGER NOT NULL,
    import_id    INTEGER NOT NULL
);

-- Each fund's partnership terms (optional ledger file terms.csv): equalisation (issue 11),
-- fees and carry (issue 12, schema 7). Fractions are DECIMAL(18,8) (0.02 = 2 %).
CREATE TABLE IF NOT EXISTS terms (
    fund_id                     VARCHAR NOT NULL,
    equalisation_rate           DECIMAL(18,8),  -- yearly simple rate (0.08 = 8 %), actual/365
    fee_rate_investment_period  DECIMAL(18,8),
    fee_basis_investment_period VARCHAR,        -- commitment
    fee_rate_after              DECIMAL(18,8),
    fee_basis_after             VARCHAR,        -- net_invested_capital | nav | commitment
    fee_timing                  VARCHAR,        -- quarterly_advance | quarterly_arrears
    fee_offset_pct              DECIMAL(18,8),
    carry_pct                   DECIMAL(18,8),
    hurdle_rate                 DECIMAL(18,8),  -- yearly, compounded annually, actual/365
    catch_up_pct                DECIMAL(18,8),  -- 1 = full catch-up
    waterfall                   VARCHAR,        -- european | american
    gp_investor_id              VARCHAR,        -- the GP's own commitment
    fee_tolerance               DECIMAL(18,2),  -- fund currency
    matching_deadline_months    INTEGER,        -- grant programmes: matching due, months
    valuation_source            VARCHAR,        -- ledger | gp_statement (issue 13, schema 14)
    gp_tolerance                DECIMAL(18,2),  -- fund currency: reconcile's tolerance
    irr_nm_months               INTEGER,        -- IRR "n.m." under this age (issue 14)
    ta_rc_1                     DECIMAL(18,8),  -- forecast (issue 15): rate of contribution, year 1
    ta_rc_2                     DECIMAL(18,8),  -- ... year 2
    ta_rc_3                     DECIMAL(18,8),  -- ... year 3 and later
    ta_bow                      DECIMAL(18,8),  -- the distributions' bow B
    ta_growth                   DECIMAL(18,8),  -- yearly growth G of NAV
    ta_growth_sd                DECIMAL(18,8),  -- yearly standard deviation of G (bands)
    ta_life                     INTEGER,        -- the fund's life L, years
    pme_index                   VARCHAR,        -- the fund's benchmark index (issue 15)
    source_file                 VARCHAR NOT NULL,
    source_line                 INTEGER NOT NULL,
    import_id                   INTEGER NOT NULL
);

-- Side letters: a partner's own terms in a fund (optional ledger file investor_terms.csv).
CREATE TABLE IF NOT EXISTS investor_terms (
    fund_id          VARCHAR NOT NULL,
    investor_id      VARCHAR NOT NULL,
    fee_discount_pct DECIMAL(18,8),       -- 0.25 = a quarter off its management fees
    carry_exempt     BOOLEAN,             -- true: bears no carried interest
    source_file      VARCHAR NOT NULL,
    source_line      INTEGER NOT NULL,
    import_id        INTEGER NOT NULL
);

-- Capital calls and distributions noticed to the partners (optional ledger file calls.csv,
-- issue 14): what each is for, in the fund's currency; the transactions carrying its call_id
-- add up to the sum of the four purpose amounts.
CREATE TABLE IF NOT EXISTS calls (
    call_id         VARCHAR NOT NULL,
    fund_id         VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,         -- capital_call | distribution
    notice_date     DATE NOT NULL,
    due_date        DATE NOT NULL,
    for_investments DECIMAL(18,2) NOT NULL,
    for_fees        DECIMAL(18,2) NOT NULL,
    for_expenses    DECIMAL(18,2) NOT NULL,
    for_other       DECIMAL(18,2) NOT NULL,
    memo            VARCHAR,
    source_file     VARCHAR NOT NULL,
    source_line     INTEGER NOT NULL,
    import_id       INTEGER NOT NULL
);

-- Levels of public market indices (optional ledger file index_levels.csv, issue 15): the
-- public market equivalents compound a fund's flows by them; `name` is the index's display
-- name, the same on every row of an index.
CREATE TABLE IF NOT EXISTS index_levels (
    date        DATE NOT NULL,
    index_id    VARCHAR NOT NULL,
    level       DECIMAL(18,6) NOT NULL,
    name        VARCHAR,
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

-- A sub-fund's GP statement of its holder's interest (optional ledger file gp_statements.csv,
-- issue 13): fund_id is the holder, holding_id the held sub-fund; money in `currency` (the
-- sub-fund's).
CREATE TABLE IF NOT EXISTS gp_statements (
    statement_date    DATE NOT NULL,
    fund_id           VARCHAR NOT NULL,
    holding_id        VARCHAR NOT NULL,
    nav               DECIMAL(18,2) NOT NULL,
    currency          VARCHAR NOT NULL,
    received_date     DATE NOT NULL,
    contributions_itd DECIMAL(18,2),
    distributions_itd DECIMAL(18,2),
    fees_itd          DECIMAL(18,2),
    carry_accrued     DECIMAL(18,2),
    source_file       VARCHAR NOT NULL,
    source_line       INTEGER NOT NULL,
    import_id         INTEGER NOT NULL
);

-- The sub-fund's schedule of investments with its GP statement (optional gp_holdings.csv):
-- the whole sub-fund's cost and fair value of each company, in the sub-fund's currency.
CREATE TABLE IF NOT EXISTS gp_holdings (
    statement_date DATE NOT NULL,
    fund_id        VARCHAR NOT NULL,
    holding_id     VARCHAR NOT NULL,
    company_id     VARCHAR NOT NULL,
    cost           DECIMAL(18,2) NOT NULL,
    fair_value     DECIMAL(18,2) NOT NULL,
    currency       VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    source_line    INTEGER NOT NULL,
    import_id      INTEGER NOT NULL
);

-- Chart of accounts: how each transaction type posts (docs/ledger-format.md).
CREATE TABLE IF NOT EXISTS posting_rules (
    type           VARCHAR PRIMARY KEY,
    debit_account  VARCHAR NOT NULL,
    credit_account VARCHAR NOT NULL
);

-- The double-entry postings: one debit and one credit line per transaction, in the fund's
-- currency, by the posting rules. A view over the append-only transactions, so postings are
-- append-only too, can never disagree with the rows they come from, and cost no second write.
CREATE OR REPLACE VIEW postings AS
SELECT t.txn_id, t.date, t.fund_id, r.debit_account AS account, t.investor_id, t.holding_id,
       t.amount_fund AS debit, 0::DECIMAL(18,2) AS credit, f.currency, t.import_id
FROM transactions t
JOIN posting_rules r ON r.type = t.type
JOIN funds f ON f.fund_id = t.fund_id
UNION ALL
SELECT t.txn_id, t.date, t.fund_id, r.credit_account AS account, t.investor_id, t.holding_id,
       0::DECIMAL(18,2) AS debit, t.amount_fund AS credit, f.currency, t.import_id
FROM transactions t
JOIN posting_rules r ON r.type = t.type
JOIN funds f ON f.fund_id = t.fund_id;

-- Closed periods. Rows dated on or before the latest locked period_end cannot be imported.
CREATE TABLE IF NOT EXISTS period_locks (
    period       VARCHAR PRIMARY KEY,    -- YYYY-MM
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    close_id     INTEGER,
    locked_at    TIMESTAMP NOT NULL
);

-- The quarter's commentary (optional ledger folder commentary/, issue 14): one row per version
-- of a file `<quarter>[.<lang>].md`, its text as written (UTF-8) and the SHA-256 of its bytes;
-- an edited file is booked again as a new version (the latest is the one reports show), and a
-- quarter once closed keeps its commentary (fundbook.store.commentary).
CREATE TABLE IF NOT EXISTS commentary (
    quarter      VARCHAR NOT NULL,   -- 2026Q3
    lang         VARCHAR NOT NULL,   -- en | zh-Hant
    text         VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,   -- commentary/2026Q3.md
    import_id    INTEGER NOT NULL
);
