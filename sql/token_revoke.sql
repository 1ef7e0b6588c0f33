-- Revoke a token that is still valid; returns the token revoked (none: no such valid token).
UPDATE access_tokens SET revoked_at = $revoked_at
WHERE token_id = $token_id AND revoked_at IS NULL
RETURNING token_id
