-- One new access token (its hash only).
INSERT INTO access_tokens VALUES ($token_id, $token_sha256, $kind, $investor_id, $label, $created_at, NULL)
