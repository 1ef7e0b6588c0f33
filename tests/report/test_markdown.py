"""The commentary's Markdown subset: the tags it names, everything else escaped text."""

from __future__ import annotations

import pytest

from fundbook.report.commentary import commentary_for
from fundbook.report.markdown import render_markdown


def test_the_subset() -> None:
    text = (
        "# Title\n\nA **bold** and *italic* line  \nbroken here\n\n"
        "- one\n- two\n  more\n\n1. first\n2. second\n\n### Small"
    )
    assert str(render_markdown(text)) == (
        "<h3>Title</h3>\n"
        "<p>A <strong>bold</strong> and <em>italic</em> line<br>\nbroken here</p>\n"
        "<ul><li>one</li><li>two\nmore</li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>\n"
        "<h5>Small</h5>"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
        ('<a href="javascript:x">y</a>', "<p>&lt;a href=&#34;javascript:x&#34;&gt;y&lt;/a&gt;</p>"),
        ("&amp; &lt;b&gt; &#60;", "<p>&amp;amp; &amp;lt;b&amp;gt; &amp;#60;</p>"),
        (
            "**<img src=x onerror=alert(1)>**",
            "<p><strong>&lt;img src=x onerror=alert(1)&gt;</strong></p>",
        ),
        ("`code` and ![img](x.png)", "<p>`code` and ![img](x.png)</p>"),
        ("2*3*4 and a * b", "<p>2*3*4 and a * b</p>"),
    ],
)
def test_everything_else_is_escaped_text(text: str, shown: str) -> None:
    assert str(render_markdown(text)) == shown


def test_the_language_picks_its_text_and_falls_back_to_english() -> None:
    texts = {"en": "Hello", "zh-Hant": "你好"}
    zh = commentary_for(texts, "zh-Hant")
    assert zh is not None and str(zh.html) == "<p>你好</p>" and not zh.fallback
    only_en = commentary_for({"en": "Hello"}, "zh-Hant")
    assert only_en is not None and only_en.fallback and only_en.lang == "en"
    en = commentary_for(texts, "en")
    assert en is not None and not en.fallback
    assert commentary_for({}, "en") is None and commentary_for({"zh-Hant": "你好"}, "en") is None
