-- The tokens that are not revoked, by hash: what the dashboard accepts.
SELECT token_sha256, token_id, kind, investor_id FROM access_tokens WHERE revoked_at IS NULL
