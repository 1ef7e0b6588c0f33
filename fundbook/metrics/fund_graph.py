"""Funds holding funds of the book: how many passes value every level of the graph."""

from __future__ import annotations

import polars as pl


def fund_levels(links: pl.DataFrame) -> int:
    """How many passes value every fund-of-funds level: the longest chain of funds holding
    funds (`links`: fund_id holds holding_id; 0 when no fund holds a fund; a cycle stops
    after one pass per link)."""
    edges = links.select("fund_id", "holding_id").unique()
    depth, frontier = 0, edges
    while frontier.height and depth <= edges.height:
        depth += 1
        holders = frontier.select(pl.col("fund_id").alias("holding_id")).unique()
        frontier = edges.join(holders, on="holding_id", how="semi")
    return depth
