"""Timing statistics every benchmark reports: median and p95 (what a user feels), mean and max."""

from __future__ import annotations

import numpy as np


def stats(times_s: list[float]) -> dict:
    """Milliseconds from a list of durations in seconds."""
    ms = np.array(times_s) * 1000
    return {"n": len(ms), "median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "mean_ms": float(ms.mean()), "max_ms": float(ms.max())}
