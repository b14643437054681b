"""Scaled dot-product attention on a sentence you type, stage by stage. Pure numpy; no Qt.

Pipeline (shapes for n tokens, h heads, d_k dimensions per head, d_model = h·d_k):

    tokens ──embed──▶ X (n, d_model) ──W_Q, W_K, W_V (h, d_model, d_k)──▶ Q, K, V (h, n, d_k)
    S = QKᵀ (h, n, n) ──× scale──▶ S·scale ──+ M (0 or −∞)──▶ logits ──softmax──▶ A ──·V──▶ O (h, n, d_k)

``scale = 1 / (√d_k · T)`` with temperature T (``1 / T`` with the √d_k scaling switched off), so
at T = 1 the weights are exactly PyTorch's ``softmax(QKᵀ/√d_k + mask)`` and the output is
``torch.nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=causal, scale=scale)``.

Tokens, toy embeddings, positional encoding and the weight presets are in attention_embed; the
PyTorch-semantics functions (softmax, masks, SDPA) in attention_sdpa.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from app.models.attention_embed import (  # noqa: F401  (re-exported: the model's public inputs)
    MAX_TOKENS,
    PE_BASE,
    PRESETS,
    clusters,
    count_tokens,
    embed,
    positional_encoding,
    preset_problem,
    projections,
    shape_qk,
    token_dims,
    token_seed,
    tokenize,
)
from app.models.attention_sdpa import (  # noqa: F401  (re-exported: PyTorch's functions)
    additive_mask,
    attention_weights,
    causal_mask,
    scaled_dot_product_attention,
    softmax,
)
from app.models.params import ParamSpec

DEFAULT_SENTENCE = "The cat sat on the mat because it was tired."
#: hand-editing Q, K, V entries is offered for sentences up to this many tokens
MAX_EDIT_TOKENS = 6
#: a hand-edited entry must lie in [−MAX_ENTRY, MAX_ENTRY]: scores stay finite (≤ d_k·10¹²)
MAX_ENTRY = 1e6
STAGES = ("Q, K, V", "QKᵀ", "÷ √d_k", "+ mask", "softmax", "· V")
#: how many coordinates of the value and output vectors the derivation's live step shows
ROW_DIMS = 3


# --- the explorer's model ----------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """Everything numeric the pipeline depends on (the sentence and hand edits live beside it)."""

    d_k: int = 8
    heads: int = 2
    temperature: float = 1.0
    causal: bool = False
    positional: bool = True
    scaled: bool = True
    seed: int = 0
    preset: int = 0

    @property
    def d_model(self) -> int:
        return self.heads * self.d_k

    @property
    def scale(self) -> float:
        """The factor on QKᵀ: 1/(√d_k·T), or 1/T without the √d_k scaling (SDPA's ``scale=``)."""
        return (1.0 / math.sqrt(self.d_k) if self.scaled else 1.0) / self.temperature

    @classmethod
    def from_params(cls, params: dict[str, float]) -> Config:
        p = {k: PARAMS[k].clamp(v) for k, v in params.items() if k in PARAMS}
        kw = {}
        for f in fields(cls):
            if f.name in p:
                v = p[f.name]
                kw[f.name] = bool(round(v)) if f.type in (bool, "bool") else (
                    int(round(v)) if f.type in (int, "int") else float(v))
        return cls(**kw)


#: the config fields that change Q, K, V (hand edits are dropped when one of them changes)
_STRUCTURAL = ("d_k", "heads", "positional", "seed", "preset")


class AttentionModel:
    """The sentence, the config and hand edits; arrays are computed lazily and cached so that a
    temperature or mask change recomputes only the softmax (the drag path)."""

    def __init__(self, text: str = DEFAULT_SENTENCE, config: Config | None = None):
        self.config = config or Config()
        self._text = ""
        self.tokens: list[str] = []
        self.truncated = 0  # tokens cut off beyond MAX_TOKENS
        self.edits: dict[tuple[int, int, int, int], float] = {}  # (matrix 0/1/2, head, i, a) → value
        self.key_mask: frozenset[int] = frozenset()  # keys no query may attend to (padding mask)
        self._cache: dict[str, object] = {}
        self.set_text(text)

    # --- state changes ---------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._text

    @property
    def n(self) -> int:
        return len(self.tokens)

    def set_text(self, text: str) -> bool:
        """Use a new sentence; returns whether the tokens changed (then edits and key mask reset)."""
        self._text = text
        tokens = tokenize(text)
        self.truncated = max(0, count_tokens(text) - len(tokens)) if len(tokens) == MAX_TOKENS else 0
        if tokens == self.tokens:
            return False
        self.tokens = tokens
        self.edits.clear()
        self.key_mask = frozenset()
        self._cache.clear()
        return True

    def configure(self, **changes) -> set[str]:
        """Change config fields; returns the names that changed. Structural changes drop hand edits."""
        new = replace(self.config, **changes)
        changed = {f.name for f in fields(Config) if getattr(new, f.name) != getattr(self.config, f.name)}
        if not changed:
            return changed
        if new.temperature <= 0 or not math.isfinite(new.temperature):
            raise ValueError(f"temperature must be a positive number, got {new.temperature}")
        if new.d_k < 1 or new.heads < 1:
            raise ValueError("d_k and the number of heads must be at least 1")
        self.config = new
        if changed & set(_STRUCTURAL):
            self.edits.clear()
            self._cache.clear()
        else:  # temperature, causal, scaled: only the softmax stages
            self._drop("allowed", "logits", "weights", "output", "mean")
        return changed

    def set_entry(self, which: int, head: int, i: int, a: int, value: float) -> None:
        """Hand-edit one entry of Q (which = 0), K (1) or V (2) of a head."""
        value = float(value)
        if not math.isfinite(value) or abs(value) > MAX_ENTRY:
            raise ValueError(f"an entry must be a number between −10⁶ and 10⁶, got {value:g}")
        c = self.config
        if not (0 <= which < 3 and 0 <= head < c.heads and 0 <= i < self.n and 0 <= a < c.d_k):
            raise IndexError(f"no entry ({'QKV'[which % 3]}, head {head}, row {i}, column {a})")
        self.edits[(which, head, i, a)] = value
        self._invalidate_qkv()

    def clear_edits(self) -> None:
        if self.edits:
            self.edits.clear()
            self._invalidate_qkv()

    def toggle_key(self, j: int) -> None:
        """Mask key j for every query (a padding mask) or unmask it again."""
        if 0 <= j < self.n:
            self.key_mask = self.key_mask ^ {j}
            self._drop("allowed", "logits", "weights", "output", "mean")

    @property
    def notice(self) -> str:
        """Why the chosen preset cannot show its pattern with the current sizes, or ""."""
        c = self.config
        return preset_problem(c.preset, c.d_k, c.heads, c.positional)

    def _invalidate_qkv(self) -> None:
        self._drop("qkv", "scores", "logits", "weights", "output", "mean")

    def _drop(self, *keys: str) -> None:
        for key in list(self._cache):
            if key in keys or (key.startswith("output") and "output" in keys):
                del self._cache[key]

    def _cached(self, key: str, make):
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = make()
        return value

    # --- stages ----------------------------------------------------------------------------
    @property
    def X(self) -> np.ndarray:
        """The residual stream e + p, shape (n, d_model)."""
        def make():
            d = self.config.d_model
            x = embed(self.tokens, d)
            return x + positional_encoding(self.n, d) if self.config.positional else x
        return self._cached("X", make)

    @property
    def W(self) -> np.ndarray:
        c = self.config
        return self._cached("W", lambda: projections(c.d_model, c.d_k, c.heads, c.preset, c.seed))

    @property
    def qkv(self) -> np.ndarray:
        """Q, K, V stacked, shape (3, heads, n, d_k), with hand edits applied."""
        def make():
            c = self.config
            if not self.n:
                return np.zeros((3, c.heads, 0, c.d_k))
            # one (n, d)·(d, 3·h·d_k) product: a single BLAS call (stacked matmul or einsum are ~10× slower)
            flat = self.X @ self.W.transpose(2, 0, 1, 3).reshape(c.d_model, 3 * c.heads * c.d_k)
            out = np.ascontiguousarray(flat.reshape(self.n, 3, c.heads, c.d_k).transpose(1, 2, 0, 3))
            shape_qk(out, c.preset, c.positional)  # presets 2, 3: position code, QK-norm
            for (which, h, i, a), v in self.edits.items():
                out[which, h, i, a] = v
            return out
        return self._cached("qkv", make)

    @property
    def scores(self) -> np.ndarray:
        """S = QKᵀ, shape (heads, n, n)."""
        return self._cached("scores", lambda: self.qkv[0] @ np.swapaxes(self.qkv[1], -1, -2))

    @property
    def scaled(self) -> np.ndarray:
        """S·scale, shape (heads, n, n) (not cached: only views ask for it)."""
        return self.scores * self.config.scale

    @property
    def allowed(self) -> np.ndarray:
        """Boolean (n, n): True where query i may attend to key j (causal and padding masks)."""
        def make():
            ok = causal_mask(self.n) if self.config.causal else np.ones((self.n, self.n), dtype=bool)
            if self.key_mask:
                ok = ok.copy()
                ok[:, sorted(self.key_mask)] = False
            return ok
        return self._cached("allowed", make)

    @property
    def logits(self) -> np.ndarray:
        """S·scale + M (M = 0 where allowed, −∞ where masked), shape (heads, n, n)."""
        return self._cached("logits", lambda: self.scaled + additive_mask(self.allowed))

    @property
    def weights(self) -> np.ndarray:
        """A = softmax(logits) row-wise, shape (heads, n, n); fully masked rows are 0."""
        return self._cached("weights", lambda: softmax(self.logits))

    @property
    def mean_weights(self) -> np.ndarray:
        """The heads' weights averaged, shape (n, n)."""
        return self._cached("mean", lambda: self.weights.mean(axis=0))

    @property
    def output(self) -> np.ndarray:
        """O = A·V, shape (heads, n, d_k)."""
        return self._cached("output", lambda: np.stack([self.head_output(h) for h in range(self.config.heads)])
                            if self.n else np.zeros((self.config.heads, 0, self.config.d_k)))

    def head_output(self, head: int) -> np.ndarray:
        """O of one head, (n, d_k) — what a view needs, without the other heads' products."""
        full = self._cache.get("output")
        if full is not None:
            return full[head]
        return self._cached(f"output{head}", lambda: self.weights[head] @ self.qkv[2, head])

    def head_weights(self, head: int) -> np.ndarray:
        """Weights of one head (n, n); head = −1 means the average over heads."""
        return self.mean_weights if head < 0 else self.weights[head]

    # --- numbers for the derivation and for lessons ------------------------------------------
    def row_numbers(self, query: int, head: int, dims: int = ROW_DIMS) -> dict[str, float]:
        """The selected query row as flat numbers (what app.derivations.attention.live_steps reads):
        tokens, query, head, dims, and for every key j score_j (q·k_j), masked_j (1/0), weight_j,
        value_j_a (a < dims), and out_a. head = −1 (the average view) uses head 0's numbers."""
        n = self.n
        query = min(max(int(query), 0), max(n - 1, 0))
        h = min(max(int(head), 0), self.config.heads - 1)
        dims = min(dims, self.config.d_k)
        out: dict[str, float] = {"tokens": float(n), "query": float(query), "head": float(head),
                                 "dims": float(dims if n else 0)}
        if n == 0:
            return out
        scores, allowed, w = self.scores[h, query], self.allowed[query], self.weights[h, query]
        v = self.qkv[2, h, :, :dims]
        for j in range(n):
            out[f"score_{j}"] = float(scores[j])
            out[f"masked_{j}"] = 0.0 if allowed[j] else 1.0
            out[f"weight_{j}"] = float(w[j])
            for a in range(dims):
                out[f"value_{j}_{a}"] = float(v[j, a])
        o = w @ self.qkv[2, h]  # this row only: a drag never pays for the other n − 1 rows
        for a in range(dims):
            out[f"out_{a}"] = float(o[a])
        return out

    def quantities(self, query: int = 0, head: int = 0) -> dict[str, float]:
        """The named numbers lesson exercises check (see QUANTITIES). ``head`` = −1: the average."""
        c, n = self.config, self.n
        q = {"tokens": float(n), "d_k": float(c.d_k), "heads": float(c.heads), "temperature": c.temperature,
             "causal": float(c.causal), "scaled": float(c.scaled), "positional": float(c.positional),
             "preset": float(c.preset), "head": float(head), "query": float(query)}
        q = dict.fromkeys(QUANTITIES, 0.0) | q | {"top_key": -1.0}
        if n == 0:
            return q
        head = min(head, c.heads - 1)
        A = self.head_weights(head)
        live = A.sum(axis=1) > 0
        row = A[min(max(query, 0), n - 1)]
        ok = self.allowed
        s = self.scores[max(head, 0)][ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = -np.sum(np.where(A > 0, A * np.log2(A), 0.0), axis=1)
        q |= {
            "max_weight": float(A.max()),
            "mean_row_max": float(A.max(axis=1)[live].mean()) if live.any() else 0.0,
            "entropy": float(ent[live].mean()) if live.any() else 0.0,
            "prev_weight": float(np.diagonal(A, -1).mean()) if n > 1 else 0.0,
            "self_weight": float(np.diagonal(A).mean()),
            "above_diagonal": float(np.triu(A, 1).sum()),
            "top_key": float(np.argmax(row)) if row.any() else -1.0,
            "top_weight": float(row.max()),
            "score_std": float(s.std()) if s.size else 0.0,
            "scaled_std": float(s.std() * c.scale) if s.size else 0.0,
            "masked_rows": float(n - live.sum()),
        }
        for i in range(min(n, MAX_EDIT_TOKENS)):
            for j in range(min(n, MAX_EDIT_TOKENS)):
                q[f"w_{i}_{j}"] = float(A[i, j])
        return q


# --- what lesson files and explorers may set ---------------------------------------------------
PARAMS: dict[str, ParamSpec] = {
    "d_k": ParamSpec("d_k (dimensions per head)", 8, 1, 64, step=1),
    "heads": ParamSpec("number of heads", 2, 1, 8, step=1),
    "temperature": ParamSpec("temperature T (log scale)", 1.0, 1e-6, 1e6, step=0.01),
    "causal": ParamSpec("causal mask (0/1)", 0, 0, 1, step=1),
    "positional": ParamSpec("positional encoding (0/1)", 1, 0, 1, step=1),
    "scaled": ParamSpec("divide by √d_k (0/1)", 1, 0, 1, step=1),
    "seed": ParamSpec("weight seed", 0, 0, 9999, step=1),
    "preset": ParamSpec("weights: 0 random, 1 identity, 2 previous token, 3 same word", 0, 0, 3, step=1),
    "head": ParamSpec("head shown (−1 = average)", 0, -1, 7, step=1),
    "query": ParamSpec("selected query row", 1, 0, MAX_TOKENS - 1, step=1),
    "stage": ParamSpec("stage: 0 Q,K,V · 1 QKᵀ · 2 ÷√d_k · 3 + mask · 4 softmax · 5 ·V", 4, 0, 5, step=1),
}

_NUMERIC = ("max_weight", "mean_row_max", "entropy", "prev_weight", "self_weight", "above_diagonal",
            "top_key", "top_weight", "score_std", "scaled_std", "masked_rows")
QUANTITIES: tuple[str, ...] = (
    ("tokens", "d_k", "heads", "temperature", "causal", "scaled", "positional", "preset", "head", "query")
    + _NUMERIC + tuple(f"w_{i}_{j}" for i in range(MAX_EDIT_TOKENS) for j in range(MAX_EDIT_TOKENS))
)
