"""Write tests/models/data/attention_reference.npz: PyTorch's own attention numbers, so the test
suite checks our model against PyTorch without PyTorch installed (it is too large for CI).

Run with a scratch environment that has torch, outside the repo::

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python tests/models/make_attention_reference.py

For every case the file holds, in float64:
  ``<case>/q``, ``/k``, ``/v``       inputs, shape (heads, n, d_k)
  ``<case>/scale``                  the ``scale=`` given to SDPA
  ``<case>/causal``                 1 for ``is_causal=True``
  ``<case>/mask``                   (only some cases) boolean (n, n), True = may attend (SDPA's convention)
  ``<case>/weights``                ``torch.softmax(Q Kᵀ·scale + M, -1)``, M = 0 where allowed, −∞ where not
                                    (a fully masked row is NaN here: plain softmax of all −∞)
  ``<case>/output``                 ``F.scaled_dot_product_attention(Q, K, V, attn_mask=…, is_causal=…, scale=…)``
                                    (which gives 0 for a fully masked row)

How MathLens's temperature T maps onto SDPA: ``scale = 1 / (√d_k · T)`` with the √d_k scaling on,
``scale = 1 / T`` with it off — so weights = softmax(QKᵀ/(√d_k·T) + M). T = 1 with scaling on is
SDPA's default scale 1/√d_k; the "default" cases pass no scale at all to check exactly that.

The "sentence" cases take Q, K, V from app.models.attention (numpy only) for a real sentence and
also store the text and config, so the test checks the embeddings are reproducible too.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from app.models import attention as model  # noqa: E402  (numpy only: runs in the torch environment)

OUT = HERE / "data" / "attention_reference.npz"

#: name → (heads, n, d_k, temperature, scaled, input std)
RANDOM_CASES = {
    "one-token": (1, 1, 1, 1.0, True, 1.0),
    "small": (1, 5, 4, 1.0, True, 1.0),
    "heads": (2, 7, 8, 0.5, True, 1.0),
    "wide": (4, 12, 16, 2.0, True, 1.0),
    "eight-heads": (8, 24, 4, 1.0, True, 1.0),
    "unscaled": (2, 6, 32, 1.0, False, 1.0),
    "cold": (2, 9, 8, 0.1, True, 1.0),
    "hot": (3, 9, 8, 50.0, True, 3.0),
}
SENTENCES = {
    "sentence-en": ("The cat sat on the mat because it was tired.", model.Config(d_k=4, heads=2, seed=3)),
    "sentence-zh": ("注意力就是你所需要的一切。", model.Config(d_k=8, heads=2, preset=0, seed=11)),
    "sentence-identity": ("the cat and the hat", model.Config(d_k=4, heads=2, preset=1)),
}


def t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def torch_case(q, k, v, scale, causal, mask=None, pass_scale=True):
    """(weights, output) from torch for (heads, n, d) inputs."""
    Q, K, V = t(q)[None], t(k)[None], t(v)[None]
    n_q, n_k = q.shape[-2], k.shape[-2]
    allowed = torch.ones(n_q, n_k, dtype=torch.bool)
    if causal:
        allowed = torch.tril(allowed)
    if mask is not None:
        allowed = torch.from_numpy(mask)
    additive = torch.zeros(n_q, n_k, dtype=torch.float64).masked_fill(~allowed, float("-inf"))
    weights = torch.softmax(Q @ K.transpose(-2, -1) * scale + additive, dim=-1)
    kwargs = {"scale": scale} if pass_scale else {}
    if mask is not None:
        out = F.scaled_dot_product_attention(Q, K, V, attn_mask=torch.from_numpy(mask), **kwargs)
    else:
        out = F.scaled_dot_product_attention(Q, K, V, is_causal=causal, **kwargs)
    return weights[0].numpy(), out[0].numpy()


def main() -> None:
    torch.manual_seed(0)
    rng = np.random.default_rng(2024)
    data: dict[str, np.ndarray] = {}
    cases = []

    def store(name, q, k, v, scale, causal, mask=None, pass_scale=True, extra=None):
        w, o = torch_case(q, k, v, scale, causal, mask, pass_scale)
        data.update({f"{name}/q": q, f"{name}/k": k, f"{name}/v": v, f"{name}/scale": np.float64(scale),
                 f"{name}/causal": np.int8(causal), f"{name}/weights": w, f"{name}/output": o})
        if mask is not None:
            data[f"{name}/mask"] = mask
        for key, value in (extra or {}).items():
            data[f"{name}/{key}"] = value
        cases.append(name)

    for name, (h, n, d, temp, scaled, std) in RANDOM_CASES.items():
        q, k, v = (std * rng.standard_normal((h, n, d)) for _ in range(3))
        scale = (1.0 / math.sqrt(d) if scaled else 1.0) / temp
        for causal in (False, True):
            store(f"{name}/{'causal' if causal else 'full'}", q, k, v, scale, causal)

    # SDPA's own default scale (no scale= argument) is 1/√d_k: T = 1 with the scaling on
    q, k, v = (rng.standard_normal((2, 6, 8)) for _ in range(3))
    store("default/full", q, k, v, 1 / math.sqrt(8), False, pass_scale=False)
    store("default/causal", q, k, v, 1 / math.sqrt(8), True, pass_scale=False)

    # a padding mask on key 0 plus causal: row 0 may attend to nothing (SDPA gives 0 there)
    q, k, v = (rng.standard_normal((2, 5, 4)) for _ in range(3))
    mask = np.tril(np.ones((5, 5), dtype=bool))
    mask[:, 0] = False
    store("padded/mask", q, k, v, 0.5, False, mask=mask)

    for name, (text, cfg) in SENTENCES.items():
        m = model.AttentionModel(text, cfg)
        Q, K, V = m.qkv
        for causal in (False, True):
            store(f"{name}/{'causal' if causal else 'full'}", Q, K, V, cfg.scale, causal,
                  extra={"text": np.array(text), "config": np.array(json.dumps(cfg.__dict__))})

    data["cases"] = np.array(cases)
    data["torch_version"] = np.array(torch.__version__)
    data["numpy_version"] = np.array(np.__version__)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **data)
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KiB), "
          f"torch {torch.__version__}")


if __name__ == "__main__":
    main()
