-- Access tokens of the web dashboard (`fundbook token issue`, `fundbook serve`). Not ledger data:
-- the hash chain leaves this table out (fundbook.store.chain.NOT_HASHED), so that issuing or
-- revoking a token between closes leaves `audit verify` of the figures as it was.
CREATE TABLE IF NOT EXISTS access_tokens (
    token_id     VARCHAR PRIMARY KEY,   -- public handle (`token revoke TOKEN_ID`), not a secret
    token_sha256 VARCHAR NOT NULL,      -- SHA-256 hex of the token; the token itself is never kept
    kind         VARCHAR NOT NULL,      -- staff | investor
    investor_id  VARCHAR,               -- the investor an investor token reads (null: staff)
    label        VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP              -- null while the token is valid
);
