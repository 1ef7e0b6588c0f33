"""The cast of the demo book: its sub-funds, investors and the words its names are made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LS, AI, SEMI, DIGI, GREEN, OTHER = (
    "life_health",
    "ai_robotics",
    "semiconductors_smart_devices",
    "digitalisation",
    "future_sustainable",
    "other",
)
THEME_CODES = {"LS": LS, "AI": AI, "SEMI": SEMI, "DIGI": DIGI, "GREEN": GREEN, "OTHER": OTHER}
ITC = "Innovation and Technology Commission"
BREACH_FUND = "sf-gba"


@dataclass(frozen=True)
class SubFund:
    """One ITIF sub-fund: sizes in millions of its currency, themes weighted by repetition."""

    fund_id: str
    name: str
    manager: str
    currency: str
    size_m: int
    gov_m: int
    first_close: date
    themes: tuple[str, ...]
    hk_companies: int
    other_companies: int
    strategic: tuple[tuple[str, int], ...] = ()


def table(text: str) -> list[list[str]]:
    """Rows of a `|`-separated table written in the source, blank lines skipped."""
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def _sub_fund(names: list[str], terms: list[str]) -> SubFund:
    fund_id, name, manager = names
    _, currency, size, gov, close, themes, hk, other = terms
    commits = tuple((i, int(m)) for f, i, m in table(STRATEGIC_COMMITMENTS) if f == fund_id)
    return SubFund(fund_id, name, manager, currency, int(size), int(gov),
                   date.fromisoformat(close), tuple(THEME_CODES[t] for t in themes.split()),
                   int(hk), int(other), commits)  # fmt: skip


SUB_FUND_NAMES = """
sf-lifesci | Harbour Life Sciences Fund I, L.P. | Harbour Bio Capital Limited
sf-airobot | Kowloon AI & Robotics Fund, L.P. | Kowloon Bay Ventures GP Limited
sf-semis | Pearl Delta Semiconductor Fund, L.P. | Silicon Harbour Partners Ltd
sf-digital | Victoria Digital Transformation Fund L.P. | Victoria Peak Capital (GP) Limited
sf-green | Lion Rock Sustainable Futures Fund, L.P. | Lion Rock Climate Partners Limited
sf-deeptech | Science Park Deep Tech Growth Fund L.P. | Tai Po Deep Tech Capital Limited
sf-smartmfg | Tsing Ma Smart Manufacturing Fund, L.P. | Tsing Ma Industrial Partners Limited
sf-gba | Greater Bay Crossover Opportunities Fund, L.P. | Crossover Bay Asset Management Limited
"""
# id | currency | size (m) | government (m) | first close | themes | companies with HK nexus |
# without. sf-gba is the planted mandate breach: mostly non-HK-nexus companies, one in "other".
SUB_FUND_TERMS = """
sf-lifesci  | HKD | 2800 | 680 | 2026-01-16 | LS LS LS AI        |  9 | 2
sf-airobot  | HKD | 3200 | 780 | 2026-01-23 | AI AI AI DIGI      | 10 | 2
sf-semis    | USD |  300 |  72 | 2026-02-06 | SEMI SEMI SEMI AI  |  9 | 2
sf-digital  | HKD | 2400 | 570 | 2026-02-27 | DIGI DIGI AI       |  9 | 2
sf-green    | HKD | 2200 | 530 | 2026-03-13 | GREEN GREEN GREEN SEMI | 8 | 2
sf-deeptech | HKD | 2600 | 620 | 2026-03-27 | SEMI LS GREEN AI   |  9 | 2
sf-smartmfg | HKD | 2500 | 600 | 2026-04-10 | DIGI AI SEMI GREEN |  9 | 2
sf-gba      | HKD | 2100 | 500 | 2026-04-17 | DIGI AI DIGI       |  2 | 8
"""
# Strategic investors' commitments (millions of the sub-fund's currency), each >= HK$3bn in all.
STRATEGIC_COMMITMENTS = """
sf-lifesci  | hk-tech-ventures   | 700
sf-airobot  | hk-tech-ventures   | 800
sf-airobot  | bauhinia-strategic | 750
sf-semis    | hk-tech-ventures   | 50
sf-digital  | hk-tech-ventures   | 650
sf-digital  | bauhinia-strategic | 600
sf-green    | bauhinia-strategic | 650
sf-deeptech | hk-tech-ventures   | 700
sf-deeptech | bauhinia-strategic | 650
sf-smartmfg | hk-tech-ventures   | 500
sf-gba      | bauhinia-strategic | 500
"""
SUB_FUNDS = tuple(
    _sub_fund(names, terms)
    for names, terms in zip(table(SUB_FUND_NAMES), table(SUB_FUND_TERMS), strict=True)
)
# A second sub-fund joins a round of a company held by another (joiner, source).
SYNDICATES = (("sf-deeptech", "sf-semis"), ("sf-airobot", "sf-digital"),
              ("sf-green", "sf-deeptech"), ("sf-lifesci", "sf-deeptech"),
              ("sf-gba", "sf-airobot"))  # fmt: skip
# Sub-funds beside which the guidance fund also invests directly.
DIRECT_BESIDE = ("sf-lifesci", "sf-airobot", "sf-digital", "sf-green")

STRATEGIC = (
    ("hk-tech-ventures", "香港科技創投有限公司"),
    ("bauhinia-strategic", "Bauhinia Strategic Capital Limited"),
)
# The investors flagged strategic=true in investors.csv: the two above (>= HK$3bn each across
# the sub-funds) and, planted, a family office that signed up as one but commits less
# (HK$1.1bn with the default seed): `strategic_investor` fails for it (issue 13).
UNDER_COMMITTED_STRATEGIC = "kwok-family-office"
STRATEGIC_FLAGGED = (*(i for i, _ in STRATEGIC), UNDER_COMMITTED_STRATEGIC)
POOL_LPS = tuple(
    (r[0], r[1])
    for r in table("""
harbour-pension | Harbourfront Retirement Scheme Trustees Limited
jade-life | Jade Harbour Life Assurance Company Limited
pacific-crest-ins | Pacific Crest Insurance (Asia) Ltd
kwok-family-office | Kwok Heritage Family Office Limited
lam-family-trust | The Lam Family Trust, Hong Kong
jiafeng-fo | 嘉峰家族辦公室有限公司
nt-development | 新界發展集團有限公司
harbour-telecom | Victoria Harbour Telecom Holdings Ltd
sai-kung-endowment | Sai Kung University Endowment Fund
al-noor-fo | Al Noor Family Office (HK) Limited
nordic-pension | Nordlys Pension Fund
orient-shipping | Orient Star Shipping & Logistics Group Ltd
hengli-insurance | 恒利人壽保險有限公司
temple-st-capital | Temple Street Capital Partners
""")
)
# The ITVF-style fund's co-investment partners and their commitments (millions of HKD).
ITVF_PARTNERS = tuple(
    (r[0], r[1], int(r[2]))
    for r in table("""
sino-pacific-vp | Sino Pacific Venture Partners Ltd | 200
lionrock-capital | Lion Rock Capital Management Limited | 150
mingde-ventures | 明德創業投資有限公司 | 150
tolo-harbour-vc | Tolo Harbour Venture Capital, L.P. | 100
""")
)

NAME_PREFIX = tuple(
    """
Harbour Kowloon Jade Lantau Aurora Nova Quantum Helix Sapphire Peak Bauhinia Orchid Cyber Ocean
Vertex Lumen Zenith Crimson Tsing Pearl Silver Meridian Apex Halo Kite Orbit Prism Summit Tidal
Willow Cobalt Ember Falcon Granite Indigo Lotus
""".split()
)
NAME_CORE = {
    LS: ("Therapeutics", "Biotech", "MedTech", "Genomics", "Diagnostics", "BioSciences"),
    AI: ("Robotics", "AI", "Vision", "Autonomy", "Intelligence", "Drones"),
    SEMI: ("Semiconductor", "Microelectronics", "Photonics", "Silicon", "Sensors", "Chips"),
    DIGI: ("Digital", "Fintech", "Cloud", "Data", "Smart Logistics", "Industrial IoT"),
    GREEN: ("Energy", "Hydrogen", "Battery", "Materials", "CleanTech", "Carbon"),
    OTHER: ("Consumer Brands", "Property Services", "Food & Beverage", "Retail"),
}
ZH_CITY = tuple("香港 深圳 廣州 東莞 上海 蘇州 杭州".split())
ZH_MID = tuple("卓匯恒創朗銳宏新澄峰瑞智")
ZH_CORE = {
    LS: ("生物醫藥科技", "基因科技", "醫療科技", "康健科技"),
    AI: ("智能機器人", "人工智能科技", "視覺智能科技"),
    SEMI: ("微電子", "芯片科技", "光電科技", "半導體"),
    DIGI: ("數碼科技", "雲計算科技", "智慧物流", "數據科技"),
    GREEN: ("新能源科技", "氫能科技", "綠色材料", "儲能科技"),
    OTHER: ("消費品", "餐飲集團", "零售"),
}
SUFFIX = {"HK": "Limited", "SG": "Pte. Ltd.", "US": "Inc.", "GB": "Ltd", "DE": "GmbH",
          "JP": "K.K.", "KR": "Co., Ltd.", "IL": "Ltd.", "CN": "Co., Ltd."}  # fmt: skip
HK_COUNTRIES = ("HK", "HK", "HK", "CN", "SG", "US", "GB")  # HK nexus: HK, or a key HK function
ABROAD = ("CN", "CN", "US", "SG", "GB", "DE", "JP", "KR", "IL")
HK_SITES = ("INNOPARK, Tai Po", "Yuen Long InnoPark", "Tseung Kwan O InnoPark",
            "Science Park, Sha Tin", "Kwun Tong factory",
            "Advanced Manufacturing Centre, TKO")  # fmt: skip
ROUNDS = ("Series A preferred shares", "Series B preferred shares, lead investor",
          'Series A, co-led with "Jade Harbour Ventures"', "Pre-A round, SAFE",
          "Series C, minority stake")  # fmt: skip

PL_TRADES = tuple(
    (r[0], THEME_CODES[r[1]])
    for r in table("""
Precision Metal Works | OTHER
Food Packaging | OTHER
Injection Moulding | OTHER
Printed Circuit Assembly | DIGI
Smart Textiles | DIGI
Pharmaceutical Filling | OTHER
Cosmetics Manufacturing | OTHER
Electronic Assembly | DIGI
Bakery Automation | DIGI
Watch Components | OTHER
""")
)
PL_DISTRICTS = ("Tsuen Wan", "Kwai Chung", "Tai Po", "Yuen Long", "Tuen Mun", "Chai Wan",
                "Kwun Tong", "San Po Kong", "Fo Tan", "Tseung Kwan O")  # fmt: skip
ZH_PL = ("大埔精密注塑有限公司", "荃灣食品包裝製造有限公司", "葵涌電子裝配廠有限公司",
         "屯門智能紡織有限公司", "火炭精工五金有限公司")  # fmt: skip
PL_LINES = ("SMT line", "automated filling line", "CNC machining cell",
            "vision inspection station", "packaging robot cell",
            "energy-efficient curing oven")  # fmt: skip
