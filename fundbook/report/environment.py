"""The one Jinja environment of the reports: autoescape, StrictUndefined, user templates first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from fundbook.core.errors import FundbookError
from fundbook.core.resources import resource_dir
from fundbook.report.i18n import DEFAULT_LANGUAGE, N_, check_language, translations
from fundbook.report.localise import filters


def builtin_templates_dir() -> Path:
    """The templates inside an installed wheel, or `reports/templates/` of the repository."""
    return resource_dir("templates", "base.html")


def make_environment(
    user_dir: str | os.PathLike[str] | None = None, lang: str = DEFAULT_LANGUAGE
) -> Environment:
    """The environment in `lang`; templates in `user_dir` override built-in ones of that name."""
    check_language(lang)
    search = [builtin_templates_dir()]
    if user_dir is not None:
        path = Path(user_dir)
        if not path.is_dir():
            raise FundbookError(f"--templates {path}: no such directory")
        search.insert(0, path)
    env = Environment(
        loader=FileSystemLoader([str(p) for p in search]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Every label of a template goes through gettext (`_("...")`): English is the identity
    # (null translations), another language its catalogue; the filters format in its locale.
    found = translations(lang)
    env.filters.update(filters(lang, found.gettext))
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(found, newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.globals["N_"] = N_  # marks a label that a macro translates (`|translate`)
    # a label built in Python (`N_()`): `{{ label|translate }}` translates it and escapes it
    # as text (`_(label)` would trust it as HTML and read any "%" in it as a placeholder)
    env.filters["translate"] = found.gettext
    return env


def render(env: Environment, template: str, report: Any) -> str:
    """Render `template` with the context dataclass as `report`."""
    try:
        return env.get_template(template).render(report=report)
    except TemplateNotFound as exc:
        raise FundbookError(f"template {exc.name} not found") from exc
