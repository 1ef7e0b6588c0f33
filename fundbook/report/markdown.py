"""A small, safe Markdown subset for the commentary: every character of the input is escaped.

Headings (`#` to `###`), paragraphs (blank lines between), bullet (`-`, `*`) and numbered
(`1.`) lists, `**bold**`, `*italic*`, and a line break at a line ending with two spaces or a
backslash. Anything else (links, images, HTML, code) is shown as the text it is: the renderer
emits only the tags it names, around text it has escaped first.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,9}[.)]\s+(.*)$")
# on escaped text (no `<`, `&` from the input survives unescaped): bold first, then italic
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
# Headings inside a report start below the report's own h2 sections.
_HEADING_TAG = {1: "h3", 2: "h4", 3: "h5"}


def inline(text: str) -> str:
    """One line's text escaped, with **bold** and *italic* as tags."""
    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def _lines_html(lines: list[str]) -> str:
    """Lines of one paragraph or item: a hard break after a line ending in 2 spaces or `\\`."""
    out = []
    for i, line in enumerate(lines):
        brk = i < len(lines) - 1 and (line.endswith("  ") or line.endswith("\\"))
        text = line[:-1] if line.endswith("\\") and brk else line
        out.append(inline(text.strip()) + ("<br>" if brk else ""))
    return "\n".join(out)


def render_markdown(text: str) -> Markup:
    """`text` as HTML: blocks of headings, paragraphs and lists, all input escaped."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[list[str]] = []
    kind = ""

    def flush() -> None:
        nonlocal para, items, kind
        if para:
            blocks.append(f"<p>{_lines_html(para)}</p>")
        if items:
            body = "".join(f"<li>{_lines_html(item)}</li>" for item in items)
            blocks.append(f"<{kind}>{body}</{kind}>")
        para, items, kind = [], [], ""

    for line in text.splitlines():
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            tag = _HEADING_TAG[len(heading.group(1))]
            blocks.append(f"<{tag}>{inline(heading.group(2))}</{tag}>")
        elif bullet or numbered:
            wanted = "ul" if bullet else "ol"
            if para or kind != wanted:
                flush()
            kind = wanted
            items.append([(bullet or numbered).group(1)])  # type: ignore[union-attr]
        elif items and line.startswith((" ", "\t")):
            items[-1].append(line)  # an item's continuation line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return Markup("\n".join(blocks))  # noqa: S704 - every piece above was escaped
