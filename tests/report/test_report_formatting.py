"""Formatting filters and SVG charts: exact strings, escaping, well-formed SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from fundbook.report.charts import Series, bar_chart, jcurve_chart
from fundbook.report.context import Figure
from fundbook.report.formatting import figure, millions, money, multiple, pct, rate


def test_money_has_separators_two_places_and_parentheses():
    assert money(Decimal("1234567.891")) == "1,234,567.89"
    assert money(Decimal("-1234.5")) == "(1,234.50)"
    assert money(Decimal("0")) == "0.00"
    assert money(None) == "—"


def test_ratios_percentages_multiples_and_undefined():
    assert pct(0.2534) == "25.3%"
    assert pct(-0.05) == "-5.0%"
    assert multiple(1.234) == "1.23x"
    assert multiple(float("nan")) == "—"
    assert pct(None) == "—"
    assert millions(Decimal("1234567890")) == "1,234.6m"


def test_a_rate_of_the_terms_shows_every_booked_place():
    assert rate(Decimal("0.08000000")) == "8.00 %"
    assert rate(Decimal("0.07125")) == "7.125 %"
    assert rate(Decimal("0.1")) == "10.00 %"
    assert rate(Decimal("1")) == "100.00 %"
    assert rate(None) == "—"


def test_figure_formats_by_kind():
    assert figure(Figure(Decimal("10"), "money")) == "10.00"
    assert figure(Figure(0.5, "pct")) == "50.0%"
    assert figure(Figure(2.0, "multiple")) == "2.00x"
    assert figure(Figure(None, "multiple")) == "—"
    assert figure(Figure(12, "count")) == "12"
    assert figure(Figure(Decimal("0.06500000"), "rate")) == "6.50 %"


def test_bar_chart_escapes_labels_and_is_well_formed():
    svg = bar_chart(
        "Exposure <&>",
        ["<script>alert(1)</script> & Co", "B"],
        [Series("Direct", [0.4, None]), Series("Look-through", [0.2, 0.1])],
        lambda v: pct(v),
        target=0.3,
        target_label="Target",
    )
    root = ET.fromstring(str(svg))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script> & Co" in texts
    assert "<script>" not in str(svg)
    assert "40.0%" in texts and "—" in texts


def test_jcurve_chart_is_well_formed_with_negative_values():
    svg = jcurve_chart(
        "J",
        ["2026Q1", "2026Q2", "2026Q3"],
        [-100.0, -50.0, 30.0],
        [-100.0, -150.0, -120.0],
        lambda v: f"{v:.0f}",
    )
    root = ET.fromstring(str(svg))
    assert root.find("{http://www.w3.org/2000/svg}polyline") is not None
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 3
