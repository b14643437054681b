"""The words the attention explorer shows, as pure functions of the model and the view's state:
plot titles (each in a few versions, longest first, so a narrow plot shows a shorter one instead
of a cut one), the two hover lines and the hint. No Qt here.
"""

from __future__ import annotations

from app.models.attention import AttentionModel

#: the status line when nothing is hovered (two lines, like the hover text)
HINT = ("Click a row to pick the query · Shift+click a column to mask that key",
        "Scroll to zoom · ↑/↓ query · [/] stage · hover a cell for its exact numbers")


def q(text: str) -> str:
    return f"“{text}”"


def num(v: float) -> str:
    """A number as exact as a person can use (10 significant digits), with a real minus sign."""
    return f"{v:.10g}".replace("-", "−")


def stage_title(m: AttentionModel, stage: int, head: int) -> tuple[str, ...]:
    """The heatmap's title at ``stage`` for ``head`` (−1: the average), longest version first."""
    c, h = m.config, max(head, 0)
    if m.n == 0:
        return "Type a sentence to see its attention", "Type a sentence"
    who = f"head {h + 1}"
    if head < 0 and stage != 4:
        long_who = f"head {h + 1}; the average is of weights only"
    else:
        long_who = "average of the heads" if head < 0 else who
    short_who = "average" if head < 0 and stage == 4 else who
    # T by name, not value: the title then stays put while the temperature is dragged
    div = f"(√{c.d_k} · T)" if c.scaled else "T"
    if stage == 0:
        d = f"d<sub>k</sub> = {c.d_k}"
        return (f"Q | K | V ({long_who}): a row per token, {d} columns each", f"Q | K | V ({who}), {d}",
                f"Q | K | V ({who})", "Q | K | V")
    if stage == 1:
        return f"S = QK<sup>T</sup> ({long_who})", f"S = QK<sup>T</sup> ({who})", "S = QK<sup>T</sup>"
    if stage == 2:
        return f"S / {div} ({long_who})", f"S / {div} ({who})", f"S / {div}"
    if stage == 3:
        return (f"S / {div} + M ({long_who}); hatched: −∞", f"S / {div} + M ({who}); hatched: −∞",
                f"S / {div} + M ({who})", f"S / {div} + M")
    if stage == 4:
        return (f"A = softmax(S / {div} + M) ({long_who}); rows sum to 1", f"A = softmax(S / {div} + M) ({short_who})",
                f"A = softmax(S / {div} + M)", f"A ({short_who})")
    return (f"O = A·V ({long_who}): one output row per query", f"O = A·V ({who})", "O = A·V")


def row_titles(m: AttentionModel, query: int, head: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The bar chart's and the weighted sum's titles, longest version first."""
    h, tok = max(head, 0), q(m.tokens[query])
    who, short = ("the average of heads", "average") if head < 0 else (f"head {h + 1}", f"head {h + 1}")
    bars = (f"Query {query} {tok} attends to … ({who})", f"Query {query} {tok} attends to … ({short})",
            f"Query {query} {tok} ({short})", f"Query {query} {tok}")
    total = "o = Σ p<sub>j</sub>·v<sub>j</sub>"
    return bars, (f"{total} (head {h + 1})", total)


def pair_lines(m: AttentionModel, i: int, j: int, head: int) -> tuple[str, str]:
    """Query i → key j: who (line 1), then weight, score and scaled score (line 2). In the
    average view the weight is the heads' mean and the scores are those of head 1, and it says so."""
    h = max(head, 0)
    masked = "" if m.allowed[i, j] else " — masked (−∞)"
    pair = f"query {i} {q(m.tokens[i])} → key {j} {q(m.tokens[j])}{masked}"
    w, s, x = m.head_weights(head)[i, j], m.scores[h, i, j], m.scaled[h, i, j]
    if head < 0:
        return (f"{pair}   (weight: mean of {m.config.heads} heads; scores: head {h + 1})",
                f"mean weight {num(w)}   ·   head {h + 1}: score {num(s)}   ·   scaled {num(x)}")
    return f"{pair}   (head {h + 1})", f"weight {num(w)}   ·   score {num(s)}   ·   scaled {num(x)}"


def entry_lines(m: AttentionModel, stage: int, i: int, j: int, head: int) -> tuple[str, str] | None:
    """The hovered cell at the Q, K, V stage (0) or the output stage (5); None on a gap column."""
    h = max(head, 0)
    if stage == 0:
        d = m.config.d_k
        b, a = divmod(j, d + 1)
        if a == d:
            return None
        return (f"{'QKV'[b]}[{i}, {a}]: token {i} {q(m.tokens[i])}, coordinate {a} (head {h + 1})",
                f"{'QKV'[b]}[{i}, {a}] = {num(m.qkv[b, h, i, a])}")
    return (f"O[{i}, {j}]: the output of query {i} {q(m.tokens[i])}, coordinate {j} (head {h + 1})",
            f"O[{i}, {j}] = {num(m.head_output(h)[i, j])}")
