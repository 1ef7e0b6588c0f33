"""The board's public market equivalents: the guidance fund, its sub-funds and the programme
against the chosen index, beside the net IRR (read from the snapshot's pme levels)."""

from __future__ import annotations

from typing import Any

from fundbook.core.errors import NotFound
from fundbook.report.context import Figure, PmeRow, PmeTable
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of, one

# figure -> how the board shows it (KS-PME a multiple, as TVPI; the rates in per cent)
PME_KINDS = {"ks_pme": "multiple", "direct_alpha": "pct", "ln_pme_irr": "pct"}
PROGRAMME_ROW = N_("Programme (all sub-funds, pooled in HKD)")


def chosen_indices(source: ReportSource, gf: str, given: str | None) -> list[str]:
    """The indices the section compares with: `given` (report board --pme), else the guidance
    fund's benchmark (terms.csv pme_index), else every index of the book."""
    known = sorted(set(level(source.snapshot, "pme_fund")["index_id"].to_list()))
    if given is not None:
        if given not in known:
            listed = ", ".join(known) if known else "none (no index_levels.csv rows)"
            raise NotFound(f"unknown index {given!r} for --pme; the book's indices: {listed}")
        return [given]
    benchmark = source.names.get(gf, {}).get("pme_index")
    return [str(benchmark)] if benchmark in known else known


def pme_tables(
    source: ReportSource, gf: str, sub_funds: list[str], given: str | None = None
) -> list[PmeTable]:
    """One table per chosen index: the guidance fund, each sub-fund and the programme's pooled
    row, with their net IRR beside (none for the programme: its pooled flows have none)."""
    out = []
    for index_id in chosen_indices(source, gf, given):
        rows = [_fund_row(source, f, index_id) for f in [gf, *sub_funds]]
        rows.append(_programme_row(source, gf, index_id))
        name = next((r.index_name for r in rows if r.index_name), None)
        out.append(PmeTable(index_id, name or index_id, rows))
    return out


def _figures(
    row: dict[str, Any], level_name: str, keys: dict[str, str | None]
) -> dict[str, Figure]:
    """The three PMEs of a stored row, n.m. together when `pme_nm` says so."""
    nm = row.get("pme_nm") is True
    return {
        name: Figure(row.get(name), "nm", figure(row, name, kind, level_name, keys).source)
        if nm and row.get(name) is not None
        else figure(row, name, kind, level_name, keys)
        for name, kind in PME_KINDS.items()
    }


def _fund_row(source: ReportSource, fund_id: str, index_id: str) -> PmeRow:
    keys: dict[str, str | None] = {"fund_id": fund_id, "index_id": index_id}
    row = one(level(source.snapshot, "pme_fund"), fund_id=fund_id, index_id=index_id)
    fund = one(level(source.snapshot, "fund"), fund_id=fund_id)
    net = figure(fund, "net_irr", "pct", "fund", {"fund_id": fund_id})
    return _row(name_of(source.names, fund_id), False, row, _figures(row, "pme_fund", keys), net)


def _programme_row(source: ReportSource, gf: str, index_id: str) -> PmeRow:
    keys: dict[str, str | None] = {"programme": gf, "index_id": index_id}
    row = one(level(source.snapshot, "pme_programme"), programme=gf, index_id=index_id)
    figs = _figures(row, "pme_programme", keys)
    return _row(PROGRAMME_ROW, True, row, figs, None)


def _row(
    name: str, programme: bool, row: dict[str, Any], figs: dict[str, Figure], net: Figure | None
) -> PmeRow:
    return PmeRow(
        name,
        programme,
        figs["ks_pme"],
        figs["direct_alpha"],
        figs["ln_pme_irr"],
        net,
        row.get("pme_undefined"),
        row.get("index_name"),
    )
