"""`fundbook serve` (the read-only web dashboard) and `fundbook token` (who may read it)."""

from __future__ import annotations

import click

from fundbook.cli.options import db_option
from fundbook.cli.output import emit, format_option
from fundbook.store.db import open_book, resolve_db_path
from fundbook.store.tokens import issue_token, list_tokens, revoke_token


@click.command("serve")
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (the loopback unless you say otherwise).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--cache-dir",
    "cache_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the reports rendered for download (default: a temporary folder).",
)
def serve(db: str | None, host: str, port: int, cache_dir: str | None) -> None:
    """Serve the book read-only in the browser; every page needs a token (`fundbook token`)."""
    # the web stack is imported here only: no other command pays for it
    import uvicorn

    from fundbook.web.app import create_app

    path = resolve_db_path(db)
    app = create_app(path, cache_dir=cache_dir)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"fundbook dashboard of {path} at http://{shown}:{port}/ (read-only)")
    click.echo(
        f"sign in with a token: `fundbook token issue --staff --db {path}` (or --investor ID "
        "for one partner's pages); Ctrl-C stops the server"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


@click.group("token")
def token() -> None:
    """Access tokens of the dashboard: issue, revoke, list (stored hashed in the book)."""


@token.command("issue")
@db_option
@click.option("--staff", is_flag=True, help="A staff token: every page of the book.")
@click.option(
    "--investor", "investor_id", default=None, help="An investor's token: its own pages only."
)
@click.option("--label", default=None, help="A note to tell tokens apart in `token list`.")
def issue(db: str | None, staff: bool, investor_id: str | None, label: str | None) -> None:
    """Issue a token and print it once (the book keeps only its SHA-256)."""
    if staff == (investor_id is not None):
        raise click.UsageError("give exactly one of --staff or --investor ID")
    with open_book(resolve_db_path(db)) as con:
        issued = issue_token(con, investor_id, label)
    who = "staff" if staff else f"investor {investor_id}"
    click.echo(f"token {issued.token_id} ({who}); shown once, keep it safe:", err=True)
    click.echo(issued.token)


@token.command("revoke")
@db_option
@click.argument("token_id")
def revoke(db: str | None, token_id: str) -> None:
    """Revoke the token TOKEN_ID (its id from `token list`, not the token)."""
    with open_book(resolve_db_path(db)) as con:
        revoke_token(con, token_id)
    click.echo(f"token {token_id} revoked")


@token.command("list")
@db_option
@format_option
def list_cmd(db: str | None, fmt: str) -> None:
    """Every token: id, kind, investor, label, created, revoked (never the token)."""
    with open_book(resolve_db_path(db), read_only=True) as con:
        found = list_tokens(con)
    emit(found, fmt)


COMMANDS = [serve, token]
