"""Who is asking: a token (Authorization: Bearer) or a session cookie from the login form.

The cookie holds a random session id, never the token nor its hash: a session lives in the
server's memory only (a restart signs everyone out), for `SESSION_SECONDS` at most, and is
checked against the book's valid tokens at every request, so revoking a token ends its
sessions too. The cookie is HttpOnly (no script reads it), Secure and SameSite=Strict (never
sent by another site's page or form).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from fundbook.store.tokens import Access, token_hash

COOKIE = "fundbook_session"
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class Session:
    token_sha256: str
    expires: float


class Sessions:
    """The sessions of the login form, by id (in memory)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, token_sha256: str) -> str:
        """A new session for the token of this hash; its id goes into the cookie."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            now = time.time()
            self._sessions = {k: s for k, s in self._sessions.items() if s.expires > now}
            self._sessions[session_id] = Session(token_sha256, now + SESSION_SECONDS)
        return session_id

    def token_of(self, session_id: str) -> str | None:
        """The token hash of a live session, else None."""
        with self._lock:
            found = self._sessions.get(session_id)
        if found is None or found.expires <= time.time():
            return None
        return found.token_sha256

    def end(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, else None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def access_of(
    tokens: dict[str, Access],
    sessions: Sessions,
    authorization: str | None,
    session_id: str | None,
) -> Access | None:
    """The access of the request's bearer token or session, when still valid."""
    token = bearer(authorization)
    if token is not None:
        return tokens.get(token_hash(token))
    if session_id:
        digest = sessions.token_of(session_id)
        if digest is not None:
            return tokens.get(digest)
    return None


def cookie_header(session_id: str, max_age: int = SESSION_SECONDS) -> str:
    """The Set-Cookie value of a session (an empty id and age 0 end it)."""
    return f"{COOKIE}={session_id}; Max-Age={max_age}; Path=/; HttpOnly; Secure; SameSite=Strict"
