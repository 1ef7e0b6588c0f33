"""Data flows one way: each layer imports only layers to its left (and core)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fundbook"
RANK = {
    "core": 0,
    "ledger": 1,
    "synth": 1,
    "store": 2,
    "metrics": 3,
    "close": 4,
    "report": 5,
    "demo": 6,
    "cli": 7,
}
PURE = {"metrics": {"duckdb"}, "core": {"duckdb", "click", "jinja2"}}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "fundbook" else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        own = rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem
        if own not in RANK:
            continue
        for name in _imports(path):
            other = _layer(name)
            root = name.split(".")[0]
            if root in PURE.get(own, set()):
                wrong.append(f"{rel} imports {name} (layer {own} must stay pure)")
            if other is None or other == own or other not in RANK:
                continue
            if RANK[other] >= RANK[own]:
                wrong.append(f"{rel} imports {name}")
    assert wrong == []


def test_every_command_is_listed_for_lazy_loading() -> None:
    import importlib

    from fundbook.cli import LAZY_COMMANDS

    found = {}
    for module in {m for m, _ in LAZY_COMMANDS.values()}:
        for command in importlib.import_module(f"fundbook.cli.{module}").COMMANDS:
            found[command.name] = module
    assert found == {name: module for name, (module, _) in LAZY_COMMANDS.items()}
