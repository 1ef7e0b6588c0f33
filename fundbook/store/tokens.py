"""Access tokens of the web dashboard: issued once, kept as their SHA-256, revocable, listed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb

from fundbook.core.errors import FundbookError, NotFound
from fundbook.core.table import Rows
from fundbook.store.db import rows, scalar, sql

STAFF = "staff"
INVESTOR = "investor"


@dataclass(frozen=True)
class Access:
    """Who a valid token lets in: staff (everything) or one investor (its own pages)."""

    token_id: str
    kind: str
    investor_id: str | None = None

    @property
    def staff(self) -> bool:
        return self.kind == STAFF


@dataclass(frozen=True)
class Issued:
    """A token just issued: `token` is shown once and never stored."""

    token_id: str
    token: str
    access: Access


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def issue_token(
    con: duckdb.DuckDBPyConnection, investor_id: str | None = None, label: str | None = None
) -> Issued:
    """A new random token: staff when `investor_id` is None, else that investor's (who must
    be in the book). The caller holds the book's write lock (`store.db.open_book`)."""
    if investor_id is not None and not scalar(
        con, sql("investor_exists"), {"investor_id": investor_id}
    ):
        raise NotFound(f"no investor {investor_id!r} in the book (see investors.csv)")
    token = secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    while scalar(con, sql("token_exists"), {"token_id": token_id}):
        token_id = secrets.token_hex(4)
    kind = STAFF if investor_id is None else INVESTOR
    con.execute(
        sql("token_insert"),
        {
            "token_id": token_id,
            "token_sha256": token_hash(token),
            "kind": kind,
            "investor_id": investor_id,
            "label": label,
            "created_at": _now(),
        },
    )
    return Issued(token_id, token, Access(token_id, kind, investor_id))


def revoke_token(con: duckdb.DuckDBPyConnection, token_id: str) -> None:
    """Revoke the valid token `token_id` (the caller holds the book's write lock)."""
    done = con.execute(sql("token_revoke"), {"token_id": token_id, "revoked_at": _now()})
    if not done.fetchall():
        raise FundbookError(
            f"no valid token {token_id!r}: see `fundbook token list` (a revoked token stays "
            "revoked)"
        )


def list_tokens(con: duckdb.DuckDBPyConnection) -> Rows:
    """Every token (id, kind, investor, label, created, revoked), never the token or its hash."""
    return rows(con, sql("token_list"))


def valid_tokens(con: duckdb.DuckDBPyConnection) -> dict[str, Access]:
    """The tokens not revoked, by their hash."""
    found = con.execute(sql("token_valid")).fetchall()
    return {digest: Access(token_id, kind, inv) for digest, token_id, kind, inv in found}
