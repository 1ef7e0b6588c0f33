-- Every access token, oldest first, without its hash.
SELECT token_id, kind, investor_id, label, created_at, revoked_at
FROM access_tokens ORDER BY created_at, token_id
