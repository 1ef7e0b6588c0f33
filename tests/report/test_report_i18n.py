"""Reports in Traditional Chinese: the catalogue is complete, the zh-Hant report is Chinese
throughout (headings, dates, quarter, units) and the English default is unchanged."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from report_kit import XSS_NAME

from fundbook.core.errors import FundbookError
from fundbook.report.context import Figure
from fundbook.report.environment import make_environment
from fundbook.report.formatting import FORMATTERS, name
from fundbook.report.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    catalogue_path,
    check_language,
    translations,
)
from fundbook.report.localise import Localised
from fundbook.report.render import board_report, lp_reports

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted() -> set[str | tuple[str, ...]]:
    """Every msgid of the templates and of the Python labels (`N_()`), extracted as
    `make catalogue` does (fundbook/report/locale/babel.cfg), `_partials/` included."""
    with (LOCALE_DIR / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        ROOT,
        method_map,
        options_map,
        directory_filter=lambda path: not Path(path).name.startswith("."),
    )
    return {message for _file, _line, message, _comments, _context in found}


@pytest.fixture(scope="module")
def msgids() -> set[str | tuple[str, ...]]:
    return _extracted()


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_msgid_has_a_translation(msgids, lang):
    """A msgid of a template or an N_() label without a translation fails, named; so does a
    translation that drops or invents a placeholder."""
    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po)
    missing, placeholders = [], []
    for msgid in sorted(msgids, key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalogue.get(key)
        strings = (message.string,) if message else ()
        strings = strings[0] if strings and isinstance(strings[0], tuple) else strings
        if message is None or message.fuzzy or not all(strings):
            missing.append(key)
            continue
        wanted = set(PLACEHOLDER.findall(key))
        placeholders += [key for s in strings if set(PLACEHOLDER.findall(s)) != wanted]
    assert not missing, f"{lang}: {len(missing)} msgids without a translation: {missing}"
    assert not placeholders, f"{lang}: translations with other placeholders: {placeholders}"


def test_the_template_catalogue_is_up_to_date(msgids):
    """messages.pot holds every msgid (`make catalogue` after adding one)."""
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        known = {m.id for m in read_po(pot) if m.id}
    assert msgids <= known


def test_catalogue_counts_the_templates_partials_and_python_labels(msgids):
    """The extraction reaches `_partials/`, report.css and the labels marked in Python."""
    for msgid in (
        "Quarter to date",  # _partials/macros.html
        "Page %(page)s of %(pages)s",  # report.css
        "Ending NAV (net of accrued incentive allocation)",  # report/lp.py
        "Life and health technology",  # core/types.py
    ):
        assert msgid in msgids


def test_zh_hant_lp_report_is_in_chinese(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path, investor_id="lp-a", lang="zh-Hant")
    (html_path,) = result.html
    assert html_path.name.endswith("-zh-Hant.html")
    html = html_path.read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in html
    for text in ("資本賬戶報表", "資本承擔摘要", "計算方法附註", "期末資產淨值", "本季至今"):
        assert text in html
    assert "2026年9月30日" in html and "2026年第三季" in html
    assert "2026-09-30" not in html and "2026Q3" not in html.split("</style>")[1]
    for english in ("Capital account statement", "Notes on methods", "Quarter to date"):
        assert english not in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_english_stays_the_default(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path, investor_id="lp-a")
    (html_path,) = result.html
    assert not html_path.stem.endswith(("-en", "-zh-Hant"))
    html = html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "Capital account statement" in html and "2026-09-30" in html
    assert not re.search(r"[\u4e00-\u9fff]", html)


def test_both_languages_write_side_by_side(tmp_path, tiny_source):
    source = tiny_source()
    en = board_report(source, tmp_path)
    zh = board_report(source, tmp_path, lang="zh-Hant")
    assert en.html[0] != zh.html[0] and zh.html[0].stem == f"{en.html[0].stem}-zh-Hant"
    assert '<html lang="zh-Hant">' in zh.html[0].read_text(encoding="utf-8")


def test_figures_dates_and_quarters_in_the_locale():
    env = make_environment(lang="zh-Hant")
    f = env.filters
    # banker's rounding to cents, as in English (core.money.quantize)
    assert f["fig"](Figure(Decimal("-1234567.805"), "money")) == "(1,234,567.80)"
    assert f["fig"](Figure(Decimal("1234567.815"), "money")) == "1,234,567.82"
    assert f["fig"](Figure(Decimal("8489500000"), "millions")) == "8,489.5百萬"
    assert f["fig"](Figure(Decimal("8489500000"), "mn")) == "8,489.5"
    assert f["fig"](Figure(Decimal("569100000"), "millions_change")) == "+569.1百萬"
    assert f["fig"](Figure(Decimal(0), "millions_change")) == "0.0百萬"
    assert f["fig"](Figure(0.2534, "pct")) == "25.3%"
    assert f["fig"](Figure(-0.00001, "pct")) == "0.0%"
    assert f["fig"](Figure(1.234, "multiple")) == "1.23倍"
    assert f["fig"](Figure(0.012, "pp")) == "+1.2個百分點"
    assert f["fig"](Figure(Decimal("0.07125"), "rate")) == "7.125%"
    assert f["fig"](Figure(None, "not_modelled")) == "未建模"
    assert f["fig"](Figure(None, "pct")) == "—"
    assert f["date"](dt.date(2026, 9, 30)) == "2026年9月30日"
    assert f["date"](dt.datetime(2026, 10, 5, 9, 30)) == "2026年10月5日 09:30 UTC"
    assert f["quarter"]("2026Q3") == "2026年第三季" and f["quarter"]("2026-09") == "2026年9月"
    assert f["theme"]("ai_robotics") == "人工智能與機械人"


def test_english_filters_are_unchanged():
    f = make_environment().filters
    assert f["fig"](Figure(1.234, "multiple")) == "1.23x"
    assert f["date"](dt.date(2026, 9, 30)) == "2026-09-30"
    assert f["quarter"]("2026Q3") == "2026Q3"


def test_a_chinese_name_is_never_split_and_stays_escaped():
    assert str(name("I&T Fund (創科產業引導基金)")) == (
        'I&amp;T Fund (<span class="nobr">創科產業引導基金</span>)'
    )
    assert "<script>" not in str(name(XSS_NAME))


def test_an_unknown_language_is_refused():
    with pytest.raises(FundbookError, match="no such report language"):
        check_language("fr")
    assert translations("en").gettext("Net asset value") == "Net asset value"
    assert translations("zh-Hant").gettext("Net asset value") == "資產淨值"


def test_every_figure_kind_has_a_localised_formatter():
    """A kind added to formatting.FORMATTERS (English) needs its formatter in the locale too."""
    localised = Localised(Locale.parse("zh_Hant_HK"), translations("zh-Hant").gettext)
    assert set(localised.formatters) == set(FORMATTERS)
