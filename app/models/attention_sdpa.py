"""Scaled dot-product attention with PyTorch's semantics, as plain numpy functions (no Qt).

``attention_weights`` is ``softmax(QKᵀ·scale + mask)`` and ``scaled_dot_product_attention`` has the
arguments and results of ``torch.nn.functional.scaled_dot_product_attention`` (no dropout), to
1e-12 in float64; a fully masked row gives zeros, as SDPA does. app.models.attention builds the
explorer's stage-by-stage model on these and re-exports them.
"""

from __future__ import annotations

import math

import numpy as np


def softmax(x, axis: int = -1) -> np.ndarray:
    """Stable softmax: subtract each row's max before exp (the result is unchanged, nothing
    overflows). A row that is entirely −∞ (fully masked) gives zeros, not NaN — as PyTorch's
    scaled_dot_product_attention does. A row with +∞ entries (the limit of one score growing
    without bound) puts all its mass on them, shared equally, instead of ∞ − ∞ = NaN."""
    x = np.asarray(x, dtype=float)
    top = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros(x.shape)
    infinite = np.isposinf(top)
    if infinite.any():  # rare: only those rows change (+∞ → 0, the rest → −∞)
        x = np.where(infinite, np.where(np.isposinf(x), 0.0, -np.inf), x)
        top = np.where(infinite, 0.0, top)
    top = np.where(np.isneginf(top), 0.0, top)  # fully masked row: exp(−∞ − 0) = 0
    e = np.exp(x - top)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def causal_mask(n_query: int, n_key: int | None = None) -> np.ndarray:
    """Boolean (L, S), True where attention is allowed: key j ≤ query i (PyTorch's is_causal,
    top-left aligned)."""
    return np.tril(np.ones((n_query, n_query if n_key is None else n_key), dtype=bool))


def additive_mask(allowed: np.ndarray) -> np.ndarray:
    """0 where allowed, −∞ where masked."""
    return np.where(allowed, 0.0, -np.inf)


def _logits(query, key, attn_mask, is_causal, scale):
    q, k = np.asarray(query, dtype=float), np.asarray(key, dtype=float)
    if is_causal and attn_mask is not None:
        raise ValueError("give either attn_mask or is_causal, not both (as PyTorch)")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    logits = (q @ np.swapaxes(k, -1, -2)) * scale
    if is_causal:
        attn_mask = causal_mask(q.shape[-2], k.shape[-2])
    if attn_mask is not None:
        m = np.asarray(attn_mask)
        logits = logits + (additive_mask(m) if m.dtype == bool else m)
    return logits


def attention_weights(query, key, attn_mask=None, is_causal: bool = False, scale: float | None = None):
    """softmax(Q Kᵀ·scale + mask) over the last axis, shape (..., L, S).

    attn_mask: boolean (True = may attend, PyTorch's convention) or additive float, broadcastable
    to (..., L, S). scale defaults to 1/√E (E = last dimension of Q)."""
    return softmax(_logits(query, key, attn_mask, is_causal, scale))


def scaled_dot_product_attention(query, key, value, attn_mask=None, is_causal: bool = False,
                                 scale: float | None = None) -> np.ndarray:
    """The output softmax(QKᵀ·scale + mask)·V, shape (..., L, Ev), with the arguments and semantics
    of torch.nn.functional.scaled_dot_product_attention (no dropout); fully masked rows give 0."""
    return attention_weights(query, key, attn_mask, is_causal, scale) @ np.asarray(value, dtype=float)
