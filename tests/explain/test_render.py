"""HTML rendering of explanations: escaping, offsets, colours, tables and sentences."""

import html
import re
from dataclasses import replace

from core.explain.attribution import Explanation, WordScore
from core.explain.render import (
    escape_markdown,
    heatmap_html,
    highlight_spans_html,
    summary_sentence,
    top_words_rows,
    word_color,
)
from core.explain.words import word_spans
from core.spans import Span

TAG = re.compile(r"<[^>]*>")


def visible_text(markup: str) -> str:
    """What a browser shows: tags removed, entities decoded."""
    return html.unescape(TAG.sub("", markup))


def scored(text: str, scores: dict[str, float] | None = None) -> tuple[WordScore, ...]:
    scores = scores or {}
    return tuple(WordScore(a, b, text[a:b], scores.get(text[a:b], 0.0)) for a, b in word_spans(text))


def test_script_and_ampersand_are_escaped():
    text = "Pain <script>alert(1)</script> & fever\n\n<b>bold</b> \"quoted\""
    words = scored(text, {"Pain": 0.5, "script": 0.9, "alert": -0.4, "fever": 0.2, "b": 0.1})
    out = heatmap_html(text, words)
    assert "<script>" not in out and "</script>" not in out and "<b>" not in out
    assert "&lt;" in out and "&amp; " in out
    assert visible_text(out) == text
    plain = heatmap_html(text, scored(text))  # no scores: the tag comes out as escaped text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plain
    assert visible_text(plain) == text


def test_visible_text_equals_note_with_newlines_and_unicode():
    text = "Line one: café 5-FU 0.5 mg.\n\tLine two — don't stop!  \n"
    words = scored(text, {w: (i % 3 - 1) * 0.3 for i, w in enumerate(t for t in text.split())})
    out = heatmap_html(text, words)
    assert visible_text(out) == text
    assert "pre-wrap" in out


def test_offsets_and_tooltips_follow_the_words():
    text = "chest pain with ST elevation"
    words = scored(text, {"chest": 1.0, "elevation": -0.5})
    out = heatmap_html(text, words)
    spans = re.findall(r'<span[^>]*title="([^"]+)"[^>]*>([^<]*)</span>', out)
    assert spans == [("+1.0000", "chest"), ("-0.5000", "elevation")]


def test_colour_sign_and_strength():
    text = "good bad neutral weak"
    out = heatmap_html(text, scored(text, {"good": 2.0, "bad": -2.0, "weak": 0.5}))
    good = re.search(r'background-color:(rgba\([^)]*\))[^>]*>good<', out).group(1)
    bad = re.search(r'background-color:(rgba\([^)]*\))[^>]*>bad<', out).group(1)
    weak = re.search(r'background-color:(rgba\([^)]*\))[^>]*>weak<', out).group(1)
    assert good.startswith("rgba(22,163,74") and bad.startswith("rgba(220,38,38")
    alpha = lambda c: float(c.rstrip(")").split(",")[-1])  # noqa: E731
    assert alpha(good) == alpha(bad) > alpha(weak) > 0
    assert ">neutral<" not in out  # zero score: plain text, no span
    assert word_color(0.0, 1.0) == "transparent" and word_color(1.0, 0.0) == "transparent"


def test_explicit_max_abs_caps_opacity():
    text = "a b"
    out = heatmap_html(text, scored(text, {"a": 10.0, "b": 1.0}), max_abs=1.0)
    assert out.count("rgba(22,163,74,0.750)") == 2


def test_highlight_spans_escapes_and_keeps_text():
    text = "No <i>chest</i> pain & no stroke; sudden weakness."
    spans = [Span(text.index("chest"), text.index("chest") + 5, "TRIGGER", meta={"severity": "high"}),
             Span(text.index("sudden weakness"), text.index("sudden weakness") + 15, "TRIGGER"),
             Span(text.index("sudden"), text.index("sudden") + 6, "TRIGGER")]  # overlaps: dropped
    out = highlight_spans_html(text, spans, lambda s: "nl-flag-" + s.meta.get("severity", "moderate"),
                               title_for=lambda s: '<"x">', style_for=lambda s: "background:#fde68a")
    assert visible_text(out) == text
    assert "<i>" not in out and "&lt;i&gt;" in out
    marks = re.findall(r'<mark class="([^"]+)"[^>]*>([^<]*)</mark>', out)
    assert marks == [("nl-flag-high", "chest"), ("nl-flag-moderate", "sudden weakness")]
    assert 'title="&lt;&quot;x&quot;&gt;"' in out


def test_highlight_accepts_tuples_and_ignores_bad_spans():
    text = "abc def"
    out = highlight_spans_html(text, [(4, 7), (5, 99), (3, 3)], lambda s: "k")
    assert visible_text(out) == text
    assert out.count("<mark") == 1


def explanation(text: str, scores: dict[str, float]) -> Explanation:
    return Explanation(target="cardiology_pulmonology", method="ig", words=scored(text, scores))


def test_top_words_rows_merge_repeats_and_skip_punctuation():
    text = "Chest pain. chest tightness; knee!"
    exp = explanation(text, {"Chest": 0.4, "chest": 0.3, "pain": 0.2, ".": 5.0, "knee": -0.6, "tightness": 0.1})
    rows = top_words_rows(exp, k=2)
    assert rows[0] == {"word": "Chest", "effect": "raised", "score": 0.7, "occurrences": 2}
    assert [r["word"] for r in rows] == ["Chest", "pain", "knee"]
    assert rows[-1]["effect"] == "lowered"


def test_summary_sentence():
    text = "chest pain troponin knee"
    exp = explanation(text, {"troponin": 0.9, "chest": 0.5, "pain": 0.1, "knee": -0.3})
    s = summary_sentence(exp, "Cardiology / Pulmonology")
    assert s.startswith("The words that most raised Cardiology / Pulmonology: “troponin”, “chest” and “pain”.")
    assert "most lowered it: “knee”." in s
    assert "No word" in summary_sentence(explanation("x y", {}), "ENT")


def test_escape_markdown():
    assert escape_markdown("__init__ *x*") == r"\_\_init\_\_ \*x\*"
    # Streamlit's colour directives, icons and emoji shortcodes, and GFM's bare-URL and e-mail links, stay text
    assert escape_markdown(":red[x] :rocket:") == r"\:red\[x\] \:rocket\:"
    assert escape_markdown(":material/skull:") == "\\:\u2060material/skull\\:"
    assert escape_markdown("see http://a.io or www.b.io, c@d.io") == (
        "see http\u2060\\://a\\.io or www\u2060\\.b\\.io, c\u2060@d\\.io")


def test_trust_caveats_name_weak_highlights_and_unconverged_scores():
    from core.explain.render import trust_caveats

    words = (WordScore(0, 5, "chest", 0.8), WordScore(6, 10, "pain", 0.1))
    good = Explanation("x", "ig", words, delta=0.02, n_steps=16, comprehensiveness=0.4, top_k=1)
    assert trust_caveats(good, "the probability") == []
    weak = replace(good, comprehensiveness=0.01)
    (only,) = trust_caveats(weak, "the share of aspirin")
    assert "the share of aspirin by +0.01" in only
    loose = replace(good, delta=0.12, n_steps=32)
    (only,) = trust_caveats(loose, "the probability")
    assert "12%" in only and "32 steps" in only
    assert trust_caveats(replace(good, method="gxi", delta=None, comprehensiveness=None), "p") == []
