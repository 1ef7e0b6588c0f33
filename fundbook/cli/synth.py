"""The `fundbook synth` command: write a synthetic ledger book of any size."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from fundbook.cli.output import emit, format_option
from fundbook.synth.generator import generate_book
from fundbook.synth.shape import SHAPES


@click.command("synth")
@click.option(
    "--transactions",
    "-n",
    type=click.IntRange(min=100),
    default=100_000,
    show_default=True,
    help="About how many transactions to write.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed; the same seed writes the same bytes.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for the ledger CSV files (created if missing).",
)
@click.option(
    "--shape",
    type=click.Choice(sorted(SHAPES)),
    default="default",
    show_default=True,
    help="default: ~1,000 large sub-funds per 1M transactions; many-small: ~2,600 young "
    "sub-funds of ~25 LPs and ~25 holdings each.",
)
@format_option
def synth_cmd(transactions: int, seed: int, out: Path, shape: str, fmt: str) -> None:
    """Write a valid synthetic book (funds of funds, sub-funds, thousands of investors).

    The book follows the ledger format (contract v1) and imports without a validation error.
    """
    counts = generate_book(out, transactions=transactions, seed=seed, shape=shape)
    if fmt == "table":
        click.echo(f"wrote a synthetic book (seed {seed}) to {out}")
    emit(pl.DataFrame({"file": [f"{k}.csv" for k in counts], "rows": list(counts.values())}), fmt)


COMMANDS = [synth_cmd]
