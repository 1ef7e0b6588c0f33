"""The demo's commentary for its last closed quarter (commentary/<quarter>[.<lang>].md)."""

from __future__ import annotations

QUARTER = "2026Q3"
# By file name: English, and Traditional Chinese. Words only (every figure of a report comes
# from the book), and nothing of one fund: every LP report of the quarter shows it.
COMMENTARY = {
    f"{QUARTER}.md": """\
## The quarter in brief

The sub-funds called capital for their first investments, and a **later closing** admitted new
limited partners, equalised as each partnership agreement provides.

- Funds younger than twelve months show their IRR as *n.m.*: read TVPI first.
- Compliance findings, their first dates and trends are set out in the compliance section.

Questions on this report: the Innovation and Technology Commission's fund office.
""",
    f"{QUARTER}.zh-Hant.md": """\
## 本季概要

各子基金為首批投資催繳資本；一項**後續交割**接納了新的有限合夥人，並按合夥協議進行均衡調整。

- 成立未滿十二個月的基金，其內部回報率顯示為 *n.m.*（不具意義）：請先參閱 TVPI。
- 合規結果、首次發生日期及趨勢，載於合規一節。

如對本報告有任何查詢，請聯絡創新科技署基金辦公室。
""",
}
