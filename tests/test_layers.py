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
    "web": 7,
    "cli": 8,
}
# Layers that must stay pure: what they may not import, outside fundbook and inside it.
PURE = {
    "metrics": {"duckdb", "fundbook.store", "fundbook.ledger", "fundbook.synth"},
    "core": {"duckdb", "click", "jinja2"},
}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "fundbook" else None


def _absolute(rel: Path, node: ast.ImportFrom) -> list[str]:
    """The modules an ImportFrom names, absolute: `from . import x` in fundbook/close/a.py is
    fundbook.close.x; `from fundbook import metrics` is fundbook.metrics."""
    package = ["fundbook", *rel.parts[:-1]]
    if node.level:
        base = package[: len(package) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix, *(f"{prefix}.{a.name}" for a in node.names)]


def _imports(rel: Path, text: str) -> list[str]:
    """Every module the file imports: import, from-import (absolute or relative, and the
    names it takes, which may be modules), and importlib.import_module("...") with a literal
    or f-string prefix."""
    tree = ast.parse(text)
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names += _absolute(rel, node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
        ):
            names += _literal_prefix(node.args[0])
    return names


def _literal_prefix(arg: ast.expr) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return [str(arg.values[0].value).rstrip(".")]
    return []


def _violations(rel: Path, text: str) -> list[str]:
    """What the module at `rel` (relative to the package) imports against the layering."""
    own = rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem
    if own not in RANK:
        return []
    wrong = []
    for name in _imports(rel, text):
        banned = PURE.get(own, set())
        if any(name == b or name.startswith(f"{b}.") for b in banned):
            wrong.append(f"{rel} imports {name} (layer {own} must stay pure)")
        other = _layer(name)
        if other is None or other == own or other not in RANK:
            continue
        if RANK[other] >= RANK[own]:
            wrong.append(f"{rel} imports {name}")
    return wrong


def test_imports_flow_one_way() -> None:
    wrong = [
        w
        for path in PACKAGE.rglob("*.py")
        for w in _violations(path.relative_to(PACKAGE), path.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def test_the_layer_check_sees_every_form_of_import() -> None:
    """Each way of importing upward is caught (in a module pretended to be fundbook/close)."""
    cases = {
        "from fundbook import report": "imports fundbook.report",
        "from ..report import render": "imports fundbook.report",
        "from ..report.render import x": "imports fundbook.report.render",
        "import fundbook.cli": "imports fundbook.cli",
        'importlib.import_module("fundbook.report.render")': "imports fundbook.report.render",
        'importlib.import_module(f"fundbook.cli.{name}")': "imports fundbook.cli",
    }
    for code, expected in cases.items():
        found = _violations(Path("close/probe.py"), code)
        assert any(expected in w for w in found), (code, found)
    found = _violations(Path("metrics/probe.py"), "from fundbook.store.db import sql")
    assert any("must stay pure" in w for w in found), found
    assert _violations(Path("close/probe.py"), "from fundbook.store.db import sql") == []


def test_every_command_is_listed_for_lazy_loading() -> None:
    import importlib

    from fundbook.cli import LAZY_COMMANDS

    found = {}
    for module in {m for m, _ in LAZY_COMMANDS.values()}:
        for command in importlib.import_module(f"fundbook.cli.{module}").COMMANDS:
            found[command.name] = module
    assert found == {name: module for name, (module, _) in LAZY_COMMANDS.items()}
