-- Whether a token id is taken (ids are random; a clash is drawn again).
SELECT count(*) FROM access_tokens WHERE token_id = $token_id
