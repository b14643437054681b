"""The inputs of the attention explorer: tokens from a sentence, toy token vectors seeded by the
token's text, the sinusoidal positional encoding, and the W_Q, W_K, W_V presets. Pure numpy; no Qt.

The residual stream x = e + p keeps the token and its position in separate coordinates — the
token vector e fills the first ⌈d_model/2⌉ coordinates, the positional encoding p the rest. x is
still the sum of the two, but a learner can read each off, and the presets can attend by meaning
or by position exactly.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from functools import lru_cache

import numpy as np

#: longer input is cut here (the heatmap stays usable by zooming; the rest is reported)
MAX_TOKENS = 256
#: base of the sinusoidal positional encoding (Vaswani et al. 2017)
PE_BASE = 10000.0
PRESETS = ("random", "identity", "previous token", "same word")
#: "previous token": at T = 1 the previous key's logit beats its neighbours' by this (weight ≈ 0.99)
PREVIOUS_GAP = 6.0
#: "same word": at T = 1 a token's logit for a copy of its own word; another word gets this × cos angle
SAME_WORD_LOGIT = 8.0

# --- tokens -----------------------------------------------------------------------------------
# The text is cut into grapheme-like clusters first (a base character and what attaches to it:
# combining marks, variation selectors, emoji modifiers and ZWJ sequences, flag pairs), so a token
# never splits what a reader sees as one character. Then: Han ideographs, kana, bopomofo and CJK
# symbols are one token each; words are runs of other letters and digits (with inner apostrophes,
# "didn't", and decimal points or thousands commas between digits, "3.14", "1,000"); any other
# cluster that is not a space is one token.
_CJK = re.compile(r"[\u2E80-\u2FDF\u3005-\u3007\u3021-\u3029\u3040-\u30FF\u3100-\u312F\u31A0-\u31BF"
                  r"\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F]")
_ZWJ, _ZWNJ, _KEYCAP, _EMOJI_STYLE = "\u200d", "\u200c", "\u20e3", "\ufe0f"
_APOSTROPHES, _DECIMAL_MARKS = "'’", ".,"


def _attaches(c: str) -> bool:
    """Whether ``c`` belongs to the cluster before it (it is never drawn on its own)."""
    o = ord(c)
    return (unicodedata.category(c) in ("Mn", "Mc", "Me")  # combining marks, vowel signs, keycap
            or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF  # variation selectors
            or 0x1F3FB <= o <= 0x1F3FF  # skin-tone modifiers
            or 0xE0020 <= o <= 0xE007F  # tag characters (subdivision flags)
            or c in (_ZWJ, _ZWNJ))


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF  # two of these make one flag


def clusters(text: str) -> list[str]:
    """``text`` (NFC) as grapheme-like clusters, spaces included (a simplified UAX #29)."""
    out: list[str] = []
    glue = False  # the previous character was a joiner: this one joins the same cluster
    for c in unicodedata.normalize("NFC", text):
        prev = out[-1] if out else ""
        if prev and not prev[0].isspace() and not c.isspace() and (
                glue or _attaches(c) or (_regional(c) and len(prev) == 1 and _regional(prev))):
            out[-1] = prev + c
        else:
            out.append(c)
        glue = c in (_ZWJ, _ZWNJ)
    return out


def _invisible(c: str) -> bool:
    return c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _kind(cluster: str) -> str:
    """"space", "cjk", "word" (a letter or digit) or "symbol" (punctuation, emoji, …)."""
    if all(_invisible(c) for c in cluster):
        return "space"  # never a token of its own
    base = cluster[0]
    if _CJK.fullmatch(base):
        return "cjk"
    if base.isalnum() and _KEYCAP not in cluster and _EMOJI_STYLE not in cluster:
        return "word"
    return "symbol"


def _tokens(text: str):
    """Yield the tokens of ``text`` one by one (see tokenize)."""
    cl = clusters(text)
    kinds = [_kind(c) for c in cl]
    i, n = 0, len(cl)
    while i < n:
        kind = kinds[i]
        if kind != "word":
            if kind != "space":
                yield cl[i]
            i += 1
            continue
        j = i + 1
        while j < n:
            if kinds[j] == "word":
                j += 1
            elif j + 1 < n and kinds[j + 1] == "word" and (
                    cl[j] in _APOSTROPHES or (cl[j] in _DECIMAL_MARKS and cl[j - 1][0].isdecimal()
                                              and cl[j + 1][0].isdecimal())):
                j += 2
            else:
                break
        yield "".join(cl[i:j])
        i = j


def tokenize(text: str, limit: int = MAX_TOKENS) -> list[str]:
    """Words, numbers, punctuation marks, emoji and single CJK characters, in order (text is
    NFC-normalised first; combining marks and emoji sequences stay with their base character).

    >>> tokenize("The cat didn't sit. 猫坐下了！")
    ['The', 'cat', "didn't", 'sit', '.', '猫', '坐', '下', '了', '！']
    >>> tokenize("π ≈ 3.14 👍🏽")
    ['π', '≈', '3.14', '👍🏽']
    """
    out = []
    for token in _tokens(text):
        if len(out) == limit:
            break
        out.append(token)
    return out


def count_tokens(text: str) -> int:
    return sum(1 for _ in _tokens(text))


def token_seed(token: str) -> int:
    """A stable 64-bit seed for a token: the same word (ignoring case) gets the same seed in every
    run and on every machine (Python's hash() is salted per process, so it cannot be used)."""
    key = unicodedata.normalize("NFC", token).casefold().encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


@lru_cache(maxsize=4096)
def _token_vector(seed: int, dim: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim)
    v.setflags(write=False)
    return v


def token_dims(d_model: int) -> int:
    """How many leading coordinates hold the token vector (the rest hold the position)."""
    return (d_model + 1) // 2


def embed(tokens: list[str], d_model: int) -> np.ndarray:
    """Token vectors, shape (n, d_model): i.i.d. N(0, 1) entries seeded by the token text in the
    first token_dims(d_model) coordinates, zeros in the positional ones. A longer d_model only
    appends entries: the first ones of a word's vector never change."""
    out = np.zeros((len(tokens), d_model))
    dt = token_dims(d_model)
    for i, tok in enumerate(tokens):
        out[i, :dt] = _token_vector(token_seed(tok), dt)
    return out


def positional_encoding(n: int, d_model: int, base: float = PE_BASE) -> np.ndarray:
    """Sinusoidal encoding, shape (n, d_model), in the positional coordinates (zeros elsewhere):
    pair k of those d_p coordinates is (sin(pos·ω_k), cos(pos·ω_k)) with ω_k = base^(−2k/d_p)."""
    out = np.zeros((n, d_model))
    dt = token_dims(d_model)
    dp = d_model - dt
    if dp == 0 or n == 0:
        return out
    m = np.arange(dp)
    omega = base ** (-2.0 * (m // 2) / dp)
    angle = np.arange(n)[:, None] * omega[None, :]
    out[:, dt:] = np.where(m % 2 == 0, np.sin(angle), np.cos(angle))
    return out


# --- weights ----------------------------------------------------------------------------------
def projections(d_model: int, d_k: int, heads: int, preset: int = 0, seed: int = 0) -> np.ndarray:
    """W_Q, W_K, W_V stacked: shape (3, heads, d_model, d_k); Q_h = X @ W[0, h] (rows are tokens),
    then ``shape_qk`` for the presets 2 and 3.

    preset 0 "random": i.i.d. N(0, 1/token_dims) entries seeded by (seed, matrix, head), so with
      unit-variance token coordinates each entry of q and k has variance ≈ 1.
    preset 1 "identity": W = I_{d_model} split by columns, head h sees coordinates h·d_k … (h+1)·d_k − 1
      (with 2 heads: head 1 reads the token vector, head 2 the position).
    preset 2 "previous token": W_Q = W_K = 0; q and k come from the position alone (see shape_qk).
    preset 3 "same word": W_Q = W_K, random on the token coordinates only (a different matrix for
      each head, seeded by the head), so q_i and k_j point the same way exactly when tokens i and j
      are the same word; shape_qk then normalises them.
    V is the identity split for presets 1–3.
    """
    W = np.zeros((3, heads, d_model, d_k))
    dt = token_dims(d_model)
    if preset == 0:
        for which in range(3):
            for h in range(heads):
                rng = np.random.default_rng([int(seed), which, h])
                W[which, h] = rng.standard_normal((d_model, d_k)) / math.sqrt(dt)
        return W
    if preset not in (1, 2, 3):
        raise ValueError(f"preset must be 0…{len(PRESETS) - 1}, got {preset}")
    eye = np.eye(d_model)
    for h in range(heads):
        W[2, h] = eye[:, h * d_k:(h + 1) * d_k]
    if preset == 1:
        W[0] = W[1] = W[2]
    elif preset == 3:
        for h in range(heads):
            W[0, h, :dt] = np.random.default_rng([3, h]).standard_normal((dt, d_k)) / math.sqrt(dt)
        W[1] = W[0]
    return W


def shape_qk(qkv: np.ndarray, preset: int, positional: bool) -> None:
    """Give Q and K of ``qkv`` (3, heads, n, d_k), computed as X·W, the preset's pattern, in place.

    preset 2 "previous token", a rotary position code (as RoPE rotates q and k): with θ = π/n,
      q_i = g·(sin θ(i − 1), cos θ(i − 1)) and k_j = g·(sin θj, cos θj) in the first two coordinates,
      so q_i·k_j = g²·cos θ(i − 1 − j): largest at j = i − 1 (at j = 0 for the first token), and
      since |θ(i − 1 − j)| ≤ π there is no second peak. g² = PREVIOUS_GAP·√d_k / (1 − cos θ): the
      previous key wins by PREVIOUS_GAP after ÷√d_k, for any d_k and sentence length. Without
      positional encoding every token is at position 0: all keys score the same. Needs d_k ≥ 2.
    preset 3 "same word", QK-norm (as OLMo 2 and Gemma 3 normalise q and k): q and k scaled to the
      length g = (SAME_WORD_LOGIT·√d_k)^½, so q_i·k_j = g²·cos(angle) is largest, g², for the
      same word. Needs d_k ≥ 2 and 2 token coordinates (see preset_problem).
    """
    _, heads, n, d_k = qkv.shape
    if n == 0:
        return
    if preset == 2:
        qkv[:2] = 0.0
        if d_k < 2:
            return
        theta = math.pi / n
        g = math.sqrt(PREVIOUS_GAP * math.sqrt(d_k) / (1.0 - math.cos(theta)))
        pos = np.arange(n, dtype=float) if positional else np.zeros(n)
        for which, angle in ((0, theta * (pos - 1)), (1, theta * pos)):
            qkv[which, :, :, 0] = g * np.sin(angle)
            qkv[which, :, :, 1] = g * np.cos(angle)
    elif preset == 3:
        q = qkv[0]
        norm = np.linalg.norm(q, axis=-1, keepdims=True)
        unit = np.divide(q, norm, out=np.zeros_like(q), where=norm > 0)
        qkv[0] = qkv[1] = math.sqrt(SAME_WORD_LOGIT * math.sqrt(d_k)) * unit


def preset_problem(preset: int, d_k: int, heads: int, positional: bool) -> str:
    """Why a preset cannot show its pattern with these sizes (a sentence for the learner), or ""."""
    if preset == 2 and d_k < 2:
        return ("“Previous token” turns a position into an angle of a 2-D vector: it needs d_k ≥ 2. "
                "With d_k = 1 every key scores the same.")
    if preset == 2 and not positional:
        return "“Previous token” reads each token's position: switch positions on, or every key scores the same."
    if preset == 3 and d_k < 2:
        return ("“Same word” compares the directions of q and k: it needs d_k ≥ 2 "
                "(with d_k = 1 every direction is + or −, so unrelated words tie).")
    if preset == 3 and token_dims(heads * d_k) < 2:
        return ("“Same word” needs token vectors of at least 2 coordinates: raise d_k or the number of heads "
                "(heads × d_k ≥ 3).")
    return ""
