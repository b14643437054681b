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
#: gains of the presets: large enough that the pattern wins the softmax at T = 1
SAME_WORD_GAIN = 2.0
PREVIOUS_GAIN = 20.0

# --- tokens -----------------------------------------------------------------------------------
# Han ideographs, kana, bopomofo and CJK symbols are one token each; words are runs of other
# word characters (with inner apostrophes: "didn't"); anything else that is not a space is one token.
_CJK = (r"[\u2E80-\u2FDF\u3005-\u3007\u3021-\u3029\u3040-\u30FF\u3100-\u312F\u31A0-\u31BF"
        r"\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F]")
_WORD = rf"(?:(?!{_CJK})[^\W_])"
_TOKEN = re.compile(rf"{_CJK}|{_WORD}+(?:['’]{_WORD}+)*|\S")


def tokenize(text: str, limit: int = MAX_TOKENS) -> list[str]:
    """Words, punctuation marks and single CJK characters, in order (text is NFC-normalised first).

    >>> tokenize("The cat didn't sit. 猫坐下了！")
    ['The', 'cat', "didn't", 'sit', '.', '猫', '坐', '下', '了', '！']
    """
    return _TOKEN.findall(unicodedata.normalize("NFC", text))[:limit]


def count_tokens(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(unicodedata.normalize("NFC", text)))


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
    """W_Q, W_K, W_V stacked: shape (3, heads, d_model, d_k); Q_h = X @ W[0, h] (rows are tokens).

    preset 0 "random": i.i.d. N(0, 1/token_dims) entries seeded by (seed, matrix, head), so with
      unit-variance token coordinates each entry of q and k has variance ≈ 1.
    preset 1 "identity": W = I_{d_model} split by columns, head h sees coordinates h·d_k … (h+1)·d_k − 1
      (with 2 heads: head 1 reads the token vector, head 2 the position).
    preset 2 "previous token": q = g·R(−1 step)·p, k = p on the positional coordinates, so
      q_i·k_j = g·Σ_k cos(ω_k (i − 1 − j)), largest at j = i − 1 (g = PREVIOUS_GAIN·√d_k; with few
      positional coordinates the pattern repeats every ~6 tokens and is less sharp).
    preset 3 "same word": q = k = the token coordinates (head h starts at a different one), so
      q_i·k_j is large when tokens i and j are the same word.
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
    eye = np.eye(d_model)
    for h in range(heads):
        W[2, h] = eye[:, h * d_k:(h + 1) * d_k]
    if preset == 1:
        W[0] = W[1] = W[2]
    elif preset == 2:
        dp = d_model - dt
        pairs = min(dp, d_k) // 2
        omega = PE_BASE ** (-2.0 * np.arange(pairs) / max(dp, 1))
        for h in range(heads):
            for k in range(pairs):
                c, s = math.cos(omega[k]), math.sin(omega[k])
                r = dt + 2 * k  # (sin, cos) coordinates of pair k; p_{i−1} = M p_i, M = [[c, −s], [s, c]]
                gain = PREVIOUS_GAIN * math.sqrt(d_k)  # undo the ÷√d_k: the pattern is as sharp for any d_k
                W[0, h, r:r + 2, 2 * k:2 * k + 2] = gain * np.array([[c, s], [-s, c]])
                W[1, h, r:r + 2, 2 * k:2 * k + 2] = np.eye(2)
    elif preset == 3:
        for h in range(heads):
            for a in range(min(d_k, dt)):
                W[0, h, (h * d_k + a) % dt, a] = SAME_WORD_GAIN
        W[1] = W[0]
    else:
        raise ValueError(f"preset must be 0…{len(PRESETS) - 1}, got {preset}")
    return W
