"""HTML and plain-text renderings of explanations and highlighted spans.

A note is untrusted input: every piece of it goes through :func:`html.escape` before it is placed
in HTML, so ``<script>`` comes out as ``&lt;script&gt;``. The renderers keep the whole note, in
order, with its newlines (``white-space: pre-wrap``): stripping the tags from their output and
unescaping it gives back the note exactly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from core.explain.attribution import GAP_TOLERANCE

#: RGB of positive evidence (raised the service) and negative evidence (lowered it).
POSITIVE_RGB = (22, 163, 74)
NEGATIVE_RGB = (220, 38, 38)
#: Strongest background opacity (the word with the largest absolute score).
MAX_ALPHA = 0.75

_BOX_STYLE = ("white-space: pre-wrap; word-wrap: break-word; line-height: 1.9; font-size: 0.95rem; "
              "padding: 0.75rem 1rem; border-radius: 0.5rem; border: 1px solid rgba(128,128,128,0.3); "
              "max-height: 32rem; overflow-y: auto;")
_HAS_ALNUM = re.compile(r"\w", re.UNICODE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")
# GFM turns bare "http://", "www." and e-mail addresses into links, and the UI's ":material/name:" into an icon,
# after escapes are resolved, so a backslash cannot stop them: a word joiner (invisible) inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(https?(?=\\:)|www(?=\\\.)|(?<=[\w.+-])(?=@)|(?<=\\:)(?=material/))")


def _get(item: Any, name: str, index: int) -> Any:
    return getattr(item, name) if hasattr(item, name) else item[index]


def word_color(score: float, max_abs: float) -> str:
    """CSS ``rgba`` background for ``score``: green when positive, red when negative, opacity ∝ |score|."""
    if max_abs <= 0 or score == 0:
        return "transparent"
    r, g, b = POSITIVE_RGB if score > 0 else NEGATIVE_RGB
    alpha = min(1.0, abs(score) / max_abs) * MAX_ALPHA
    return f"rgba({r},{g},{b},{alpha:.3f})"


def _non_overlapping(items: Iterable[Any], start: Callable[[Any], int], end: Callable[[Any], int],
                     n: int) -> list[Any]:
    """Items sorted by start, dropping any that overlaps an earlier (longer-first on ties) one."""
    ordered = sorted(items, key=lambda it: (start(it), -(end(it) - start(it))))
    out, pos = [], 0
    for it in ordered:
        a, b = start(it), end(it)
        if a < pos or b <= a or a < 0 or b > n:
            continue
        out.append(it)
        pos = b
    return out


def heatmap_html(text: str, words: Sequence[Any], max_abs: float | None = None) -> str:
    """The whole note as HTML, each scored word on a background coloured by its score.

    Args:
        text: The note.
        words: Scored words (``WordScore`` or ``(start, end, text, score)`` tuples) with offsets in ``text``.
        max_abs: Score that gets the strongest colour (default: the largest absolute score).

    Returns:
        A ``<div>`` with the escaped note; scored words are ``<span>`` elements whose ``title`` gives the score.
    """
    def score_of(w: Any) -> float:
        return float(_get(w, "score", 3))

    if max_abs is None:
        max_abs = max((abs(score_of(w)) for w in words), default=0.0)
    kept = _non_overlapping(words, lambda w: int(_get(w, "start", 0)), lambda w: int(_get(w, "end", 1)), len(text))
    parts = [f'<div class="nl-heatmap" style="{_BOX_STYLE}">']
    pos = 0
    for w in kept:
        a, b, s = int(_get(w, "start", 0)), int(_get(w, "end", 1)), score_of(w)
        parts.append(html.escape(text[pos:a]))
        piece = html.escape(text[a:b])
        color = word_color(s, max_abs)
        if color == "transparent":
            parts.append(piece)
        else:
            parts.append(f'<span class="nl-w" style="background-color:{color};border-radius:0.2rem;'
                         f'padding:0.05rem 0;" title="{s:+.4f}">{piece}</span>')
        pos = b
    parts.append(html.escape(text[pos:]))
    parts.append("</div>")
    return "".join(parts)


def heatmap_legend_html(what: str = "the service") -> str:
    """A one-line legend for :func:`heatmap_html` (``what``: the output explained)."""
    pos = "rgba({},{},{},{})".format(*POSITIVE_RGB, MAX_ALPHA)
    neg = "rgba({},{},{},{})".format(*NEGATIVE_RGB, MAX_ALPHA)
    chip = "padding:0.1rem 0.4rem;border-radius:0.2rem;"
    return (f'<div class="nl-legend" style="font-size:0.85rem;opacity:0.85;">'
            f'<span style="background-color:{pos};{chip}">raised {html.escape(what)}</span> '
            f'<span style="background-color:{neg};{chip}">lowered it</span> '
            f'&nbsp;stronger colour = stronger effect; hover a word for its score</div>')


def highlight_spans_html(text: str, spans: Iterable[Any], css_class_for: Callable[[Any], str], *,
                         title_for: Callable[[Any], str] | None = None,
                         style_for: Callable[[Any], str] | None = None) -> str:
    """The whole note as escaped HTML with each span wrapped in ``<mark class=...>``.

    Args:
        text: The note.
        spans: Objects with ``start``/``end`` character offsets (``Span``, red-flag triggers, drug entities).
            Overlapping spans: the earliest (then longest) wins.
        css_class_for: CSS class of a span's ``<mark>``.
        title_for: Optional tooltip of a span.
        style_for: Optional inline style of a span (``st.html`` drops class rules from other elements).
    """
    kept = _non_overlapping(spans, lambda s: int(_get(s, "start", 0)), lambda s: int(_get(s, "end", 1)), len(text))
    parts = [f'<div class="nl-highlight" style="{_BOX_STYLE}">']
    pos = 0
    for sp in kept:
        a, b = int(_get(sp, "start", 0)), int(_get(sp, "end", 1))
        parts.append(html.escape(text[pos:a]))
        attrs = f' class="{html.escape(css_class_for(sp), quote=True)}"'
        if style_for is not None:
            attrs += f' style="{html.escape(style_for(sp), quote=True)}"'
        if title_for is not None:
            attrs += f' title="{html.escape(title_for(sp), quote=True)}"'
        parts.append(f"<mark{attrs}>{html.escape(text[a:b])}</mark>")
        pos = b
    parts.append(html.escape(text[pos:]))
    parts.append("</div>")
    return "".join(parts)


def _aggregate(explanation: Any) -> list[tuple[str, float, int]]:
    """(word, summed score, occurrences) per distinct word (case-insensitive), punctuation left out."""
    acc: dict[str, list[Any]] = {}
    for w in explanation.words:
        if not _HAS_ALNUM.search(w.text):
            continue
        key = w.text.lower()
        entry = acc.setdefault(key, [w.text, 0.0, 0])
        entry[1] += float(w.score)
        entry[2] += 1
    return [(word, score, n) for word, score, n in acc.values()]


def top_words_rows(explanation: Any, k: int = 10) -> list[dict[str, Any]]:
    """Rows for a table: the ``k`` words that most raised the service, then the ``k`` that most lowered it.

    Repeated words are merged (scores summed, occurrences counted); punctuation is left out.
    """
    agg = _aggregate(explanation)
    pos = sorted((r for r in agg if r[1] > 0), key=lambda r: -r[1])[:k]
    neg = sorted((r for r in agg if r[1] < 0), key=lambda r: r[1])[:k]
    rows = []
    for effect, group in (("raised", pos), ("lowered", neg)):
        for word, score, n in group:
            rows.append({"word": word, "effect": effect, "score": round(score, 4), "occurrences": n})
    return rows


def _quote_list(words: Sequence[str]) -> str:
    quoted = [f"“{w}”" for w in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def summary_sentence(explanation: Any, title: str, k: int = 5) -> str:
    """A plain-language summary, e.g. "The words that most raised Cardiology / Pulmonology: “chest”, ..."."""
    agg = _aggregate(explanation)
    pos = [w for w, s, _ in sorted((r for r in agg if r[1] > 0), key=lambda r: -r[1])[:k]]
    neg = [w for w, s, _ in sorted((r for r in agg if r[1] < 0), key=lambda r: r[1])[:3]]
    if not pos and not neg:
        return f"No word in this note moved the score of {title} noticeably."
    parts = []
    if pos:
        parts.append(f"The words that most raised {title}: {_quote_list(pos)}.")
    else:
        parts.append(f"No word raised {title}.")
    if neg:
        parts.append(f"The words that most lowered it: {_quote_list(neg)}.")
    return " ".join(parts)


#: Below this comprehensiveness, removing the top words hardly changes the explained number.
WEAK_COMPREHENSIVENESS = 0.05


def trust_caveats(explanation: Any, what: str, gap_tolerance: float = GAP_TOLERANCE) -> list[str]:
    """Plain warnings about how far to trust ``explanation`` (empty when there is nothing to say).

    Args:
        explanation: A :class:`core.explain.attribution.Explanation`.
        what: The explained quantity ("the probability of Cardiology").
        gap_tolerance: The convergence gap above which the word scores do not add up.
    """
    out = []
    comp = explanation.comprehensiveness
    if comp is not None and explanation.words and comp < WEAK_COMPREHENSIVENESS:
        out.append(f"Removing the top {explanation.top_k} words changes {what} by {comp:+.2f} only: these "
                   "highlights explain little of it, which rests on something other than these words.")
    if explanation.delta is not None and explanation.delta > gap_tolerance:
        out.append(f"The word scores miss the model's score change by {explanation.delta:.0%} (more than "
                   f"{gap_tolerance:.0%} after {explanation.n_steps} steps): read them as approximate.")
    return out


def escape_markdown(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped (for ``st.markdown`` of note words), including
    ``:`` (the UI markdown's ``:red[...]``, ``:material/...:`` icons and emoji shortcodes), and bare URLs and e-mail
    addresses broken by a word joiner so they are not turned into links."""
    return _AUTOLINK.sub("\\1\u2060", _MD_SPECIAL.sub(r"\\\1", text))


def probability_figure(scores: Sequence[Any], threshold: float | None = None, k: int = 5) -> Any:
    """A horizontal plotly bar chart of the ``k`` most probable services (most probable on top).

    Args:
        scores: ``ServiceScore`` objects (``title``, ``probability``), most probable first.
        threshold: Abstention threshold, drawn as a dashed line when given.
    """
    import plotly.graph_objects as go

    top = list(scores)[:k][::-1]
    titles = [s.title for s in top]
    probs = [float(s.probability) for s in top]
    colors = ["#2563eb" if i == len(top) - 1 else "#93c5fd" for i in range(len(top))]
    fig = go.Figure(go.Bar(x=probs, y=titles, orientation="h", marker_color=colors,
                           text=[f"{p:.0%}" for p in probs], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    if threshold:
        fig.add_vline(x=threshold, line_dash="dash", line_color="#6b7280",
                      annotation_text=f"threshold {threshold:.0%}", annotation_position="top")
    fig.update_layout(height=60 + 38 * len(top), margin={"l": 10, "r": 40, "t": 30, "b": 10},
                      xaxis={"range": [0, 1.08], "tickformat": ".0%", "title": None},
                      yaxis={"title": None}, showlegend=False)
    return fig
