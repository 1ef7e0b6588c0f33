"""The demo's commentary for its last closed quarter (commentary/<quarter>[.<lang>].md)."""

from __future__ import annotations

QUARTER = "2026Q3"
# By file name: English, and Traditional Chinese. Words only: every figure of a report comes
# from the book, so the commentary points to them rather than repeating them.
COMMENTARY = {
    f"{QUARTER}.md": """\
## The quarter in brief

The guidance fund called capital for its sub-funds' first investments, and a **later closing**
of the Victoria Digital Transformation Fund admitted a new limited partner, equalised as the
partnership agreement provides.

- Sub-funds younger than twelve months show their IRR as *n.m.*: read TVPI first.
- Compliance findings, their first dates and trends are set out in the compliance section.

Questions on this report: the Innovation and Technology Commission's fund office.
""",
    f"{QUARTER}.zh-Hant.md": """\
## 本季概要

引導基金為子基金的首批投資催繳資本；Victoria Digital Transformation Fund
進行**後續交割**，接納一名新有限合夥人，並按合夥協議進行均衡調整。

- 成立未滿十二個月的子基金，其內部回報率顯示為 *n.m.*（不具意義）：
  請先參閱總值對實繳資本倍數（TVPI）。
- 合規結果、首次發生日期及趨勢，載於合規一節。

如對本報告有任何查詢，請聯絡創新科技署基金辦公室。
""",
}
