"""The attention model: PyTorch's numbers (stored by make_attention_reference.py), an independent
loop-by-loop implementation, and the properties every attention matrix must have."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.models import attention as model
from app.models.attention_embed import SAME_WORD_LOGIT

REFERENCE = Path(__file__).parent / "data" / "attention_reference.npz"
TOL = 1e-12


@pytest.fixture(scope="module")
def ref():
    with np.load(REFERENCE) as f:
        return {k: f[k] for k in f.files}


def _cases(ref, prefix=""):
    return [str(c) for c in ref["cases"] if str(c).startswith(prefix)]


# --- PyTorch's numbers ---------------------------------------------------------------------------
def test_reference_was_made_by_torch_and_covers_the_shapes(ref):
    assert str(ref["torch_version"]).startswith("2.")
    cases = _cases(ref)
    assert len(cases) >= 20 and REFERENCE.stat().st_size < 1_000_000
    heads = {ref[f"{c}/q"].shape[0] for c in cases}
    tokens = {ref[f"{c}/q"].shape[1] for c in cases}
    assert heads >= {1, 2, 4, 8} and {1, 24} <= tokens
    assert any(ref[f"{c}/causal"] for c in cases) and not all(ref[f"{c}/causal"] for c in cases)


def _ours(ref, case):
    q, k, v = (ref[f"{case}/{x}"] for x in "qkv")
    mask = ref.get(f"{case}/mask")
    causal = bool(ref[f"{case}/causal"])
    scale = None if case.startswith("default/") else float(ref[f"{case}/scale"])
    w = model.attention_weights(q, k, attn_mask=mask, is_causal=causal, scale=scale)
    o = model.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal, scale=scale)
    return w, o


def test_weights_and_output_equal_torch_to_1e12(ref):
    checked = 0
    for case in _cases(ref):
        w, o = _ours(ref, case)
        tw, to = ref[f"{case}/weights"], ref[f"{case}/output"]
        live = ~np.isnan(tw).any(axis=-1)  # torch's plain softmax is NaN on a fully masked row
        np.testing.assert_allclose(w[live], tw[live], rtol=0, atol=TOL, err_msg=case)
        np.testing.assert_allclose(o, to, rtol=0, atol=TOL, err_msg=case)
        checked += 1
    assert checked == len(_cases(ref))


def test_fully_masked_row_gives_zeros_like_sdpa_not_nan(ref):
    w, o = _ours(ref, "padded/mask")
    tw, to = ref["padded/mask/weights"], ref["padded/mask/output"]
    assert np.isnan(tw[:, 0]).all()  # plain softmax: NaN …
    assert np.all(to[:, 0] == 0)  # … SDPA: zeros, and so do we
    assert np.all(w[:, 0] == 0) and np.all(o[:, 0] == 0) and not np.isnan(w).any()


def test_temperature_maps_onto_sdpa_scale(ref):
    for case in _cases(ref, "cold/") + _cases(ref, "hot/") + _cases(ref, "heads/"):
        d_k = ref[f"{case}/q"].shape[-1]
        temp = {"cold": 0.1, "hot": 50.0, "heads": 0.5}[case.split("/")[0]]
        cfg = model.Config(d_k=d_k, temperature=temp)
        assert cfg.scale == pytest.approx(float(ref[f"{case}/scale"]), rel=1e-15)
    assert model.Config(d_k=32, scaled=False).scale == float(ref["unscaled/full/scale"]) == 1.0


def test_a_sentence_gives_the_same_q_k_v_and_torch_attention(ref):
    import json

    for case in _cases(ref, "sentence-"):
        text = str(ref[f"{case}/text"])
        cfg = model.Config(**json.loads(str(ref[f"{case}/config"])))
        m = model.AttentionModel(text, replace_causal(cfg, bool(ref[f"{case}/causal"])))
        for i, x in enumerate("qkv"):  # the embeddings are reproducible across runs and machines
            np.testing.assert_allclose(m.qkv[i], ref[f"{case}/{x}"], rtol=0, atol=TOL, err_msg=case)
        np.testing.assert_allclose(m.weights, ref[f"{case}/weights"], rtol=0, atol=TOL, err_msg=case)
        np.testing.assert_allclose(m.output, ref[f"{case}/output"], rtol=0, atol=TOL, err_msg=case)


def replace_causal(cfg, causal):
    from dataclasses import replace

    return replace(cfg, causal=causal)


# --- an independent implementation -------------------------------------------------------------
def naive_attention(q, k, v, scale, causal, mask=None):
    """Loops and math.exp, nothing shared with the model: (weights, output) for (h, n, d) inputs."""
    h, n, d = q.shape
    w = np.zeros((h, n, k.shape[1]))
    out = np.zeros((h, n, v.shape[2]))
    for a in range(h):
        for i in range(n):
            logits = {}
            for j in range(k.shape[1]):
                if (causal and j > i) or (mask is not None and not mask[i, j]):
                    continue
                logits[j] = sum(q[a, i, c] * k[a, j, c] for c in range(d)) * scale
            if not logits:
                continue
            top = max(logits.values())
            z = sum(math.exp(x - top) for x in logits.values())
            for j, x in logits.items():
                w[a, i, j] = math.exp(x - top) / z
                out[a, i] += w[a, i, j] * v[a, j]
    return w, out


qkv_shapes = st.tuples(st.integers(1, 3), st.integers(1, 7), st.integers(1, 5))
finite = st.floats(-4, 4, allow_nan=False, width=64)


@settings(max_examples=60, deadline=None)
@given(qkv_shapes, st.data(), st.booleans(), st.floats(0.05, 20))
def test_model_equals_the_independent_implementation(shape, data, causal, temp):
    q, k, v = (data.draw(arrays(np.float64, shape, elements=finite)) for _ in range(3))
    scale = 1 / math.sqrt(shape[2]) / temp
    w, o = naive_attention(q, k, v, scale, causal)
    np.testing.assert_allclose(model.attention_weights(q, k, is_causal=causal, scale=scale), w, atol=1e-12)
    np.testing.assert_allclose(model.scaled_dot_product_attention(q, k, v, is_causal=causal, scale=scale), o,
                               atol=1e-11)


def test_the_pipeline_equals_the_independent_implementation_on_a_sentence():
    m = model.AttentionModel("Attention is all you need , and 注意力 too .", model.Config(d_k=6, heads=3))
    m.toggle_key(2)
    for causal in (False, True):
        m.configure(causal=causal, temperature=0.7)
        q, k, v = m.qkv
        w, o = naive_attention(q, k, v, 1 / math.sqrt(6) / 0.7, causal, mask=m.allowed)
        np.testing.assert_allclose(m.weights, w, atol=1e-12)
        np.testing.assert_allclose(m.output, o, atol=1e-12)
        np.testing.assert_allclose(m.mean_weights, w.mean(axis=0), atol=1e-12)


# --- properties --------------------------------------------------------------------------------
scores = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 9)),
                elements=st.floats(-700, 700, allow_nan=False, width=64))


@settings(max_examples=100, deadline=None)
@given(scores, st.floats(-1e3, 1e3, allow_nan=False))
def test_softmax_rows_sum_to_one_and_ignore_a_shift(x, c):
    p = model.softmax(x)
    assert np.all(p >= 0) and not np.isnan(p).any()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(model.softmax(x + c), p, atol=1e-9)  # the max-subtraction is safe
    shifts = np.linspace(-5, 5, x.shape[0])[:, None]  # a different constant per row
    np.testing.assert_allclose(model.softmax(x + shifts), p, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(qkv_shapes, st.data())
def test_causal_weights_are_zero_above_the_diagonal_and_rows_sum_to_one(shape, data):
    q, k = (data.draw(arrays(np.float64, shape, elements=finite)) for _ in range(2))
    w = model.attention_weights(q, k, is_causal=True)
    n = shape[1]
    assert np.all(w[:, np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] == 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(w[:, 0, 0] == 1.0)  # the first token can only see itself


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=6), st.integers(1, 6))
def test_masked_rows_never_give_nan(keep_row, n_keys):
    n = len(keep_row)
    allowed = np.ones((n, n_keys), dtype=bool)
    allowed[~np.array(keep_row)] = False
    q, k, v = (np.random.default_rng(1).standard_normal((2, x, 3)) for x in (n, n_keys, n_keys))
    w = model.attention_weights(q, k, attn_mask=allowed)
    o = model.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    assert not np.isnan(w).any() and not np.isnan(o).any()
    for i, keep in enumerate(keep_row):
        assert np.allclose(w[:, i].sum(axis=-1), 1.0 if keep else 0.0)
        assert keep or np.all(o[:, i] == 0)


def test_torch_refuses_mask_and_causal_together_and_so_do_we():
    q = np.zeros((1, 2, 2))
    with pytest.raises(ValueError, match="not both"):
        model.attention_weights(q, q, attn_mask=np.ones((2, 2), bool), is_causal=True)


@pytest.mark.parametrize("temp", [1e-6, 1e-3, 1.0, 1e3, 1e6])
def test_extreme_temperatures_stay_finite(temp):
    m = model.AttentionModel(model.DEFAULT_SENTENCE, model.Config(temperature=temp, causal=True))
    assert np.isfinite(m.weights).all() and np.isfinite(m.output).all()
    np.testing.assert_allclose(m.weights.sum(axis=-1), 1.0, atol=1e-12)
    w = m.weights
    if temp == 1e-6:  # a hard argmax over the allowed keys
        top = np.where(m.allowed, m.scores, -np.inf).argmax(axis=-1)
        np.testing.assert_allclose(np.take_along_axis(w, top[..., None], -1), 1.0, atol=1e-12)
    if temp == 1e6:  # uniform over the allowed keys: row i has i + 1 of them
        np.testing.assert_allclose(w, np.broadcast_to(m.allowed / m.allowed.sum(axis=1, keepdims=True), w.shape), atol=1e-4)


def test_variance_of_scores_grows_with_d_k_but_scaled_scores_stay_near_one():
    words = " ".join(f"w{i}" for i in range(200))
    raw, scaled = [], []
    for d_k in (4, 16, 64):
        # 4 heads: each head reads from 2·d_k token coordinates, so q's entries are uncorrelated
        q = model.AttentionModel(words, model.Config(d_k=d_k, heads=4, positional=False)).quantities()
        raw.append(q["score_std"])
        scaled.append(q["scaled_std"])
    assert raw[0] < raw[1] < raw[2] and raw[2] / raw[0] == pytest.approx(4, rel=0.3)  # ∝ √d_k
    assert all(0.8 < s < 1.25 for s in scaled), scaled


# --- tokens, embeddings, positions ------------------------------------------------------------
@pytest.mark.parametrize("text, tokens", [
    ("", []),
    ("   \n\t ", []),
    ("cat", ["cat"]),
    ("The cat didn't sit.", ["The", "cat", "didn't", "sit", "."]),
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    ("我爱你。", ["我", "爱", "你", "。"]),
    ("GPT 模型很大", ["GPT", "模", "型", "很", "大"]),
    ("ねこが好き", ["ね", "こ", "が", "好", "き"]),
    ("naïve café", ["naïve", "café"]),
    ("cafe\u0301", ["café"]),  # decomposed é is normalised (NFC) into one word
    ("Привет, мир", ["Привет", ",", "мир"]),
    ("x→y 🙂", ["x", "→", "y", "🙂"]),
    # combining marks and vowel signs stay with their letter (grapheme clusters, not code points)
    ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),
    ("q\u0303 a\u0308\u0301", ["q\u0303", "\u00e4\u0301"]),
    ("می\u200cخواهم", ["می\u200cخواهم"]),  # a zero-width non-joiner inside a Persian word
    # emoji: variation selector, ZWJ family, flags, skin tone, keycap, subdivision tags
    ("I ❤️ it", ["I", "❤️", "it"]),
    ("👨\u200d👩\u200d👧!", ["👨\u200d👩\u200d👧", "!"]),
    ("🇨🇳🇺🇸 🇯", ["🇨🇳", "🇺🇸", "🇯"]),
    ("👍🏽👍", ["👍🏽", "👍"]),
    ("1️⃣ #️⃣2", ["1️⃣", "#️⃣", "2"]),
    ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", ["🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"]),
    # numbers keep their decimal point and thousands commas; a sentence's full stop does not stick
    ("π ≈ 3.14, not 1,000.", ["π", "≈", "3.14", ",", "not", "1,000", "."]),
    ("in 2024. Then 1, 2", ["in", "2024", ".", "Then", "1", ",", "2"]),
    ("v1.2.3 and x.y", ["v1.2.3", "and", "x", ".", "y"]),
    ("注意力 3.5 倍", ["注", "意", "力", "3.5", "倍"]),
    (" \u200d \ufe0f", ["\ufe0f"]),  # a lone joiner is invisible and no token; a lone selector is kept
])
def test_tokenize(text, tokens):
    assert model.tokenize(text) == tokens
    assert model.count_tokens(text) == len(tokens)
    assert all(not t.isspace() and t for t in tokens)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(categories=("L", "Mn", "Mc", "Me", "Nd", "P", "So", "Zs", "Cf")), max_size=40))
def test_tokens_keep_marks_with_their_letter_and_drop_only_invisible_characters(text):
    import unicodedata as ud

    def invisible(c):
        return c.isspace() or ud.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")

    normal, at = ud.normalize("NFC", text), 0
    for token in model.tokenize(text):  # the tokens are the text, in order, less invisible characters
        start = normal.index(token, at)
        assert all(invisible(c) for c in normal[at:start]), (token, text)
        if ud.category(token[0]) in ("Mn", "Mc", "Me") and start > 0:  # a mark starts a token only
            assert invisible(normal[start - 1]), (token, text)  # when nothing visible precedes it
        at = start + len(token)
    assert all(invisible(c) for c in normal[at:])


def test_long_input_is_cut_and_counted():
    m = model.AttentionModel(" ".join(["word"] * 300))
    assert m.n == model.MAX_TOKENS and m.truncated == 300 - model.MAX_TOKENS
    m.set_text("a b c")
    assert m.n == 3 and m.truncated == 0


def test_the_same_word_always_gets_the_same_vector():
    a = model.embed(["cat", "Cat", "dog", "cat"], 16)
    np.testing.assert_array_equal(a[0], a[1])
    np.testing.assert_array_equal(a[0], a[3])
    assert not np.allclose(a[0], a[2])
    assert np.all(a[:, model.token_dims(16):] == 0)
    # a wider model only appends entries
    np.testing.assert_array_equal(model.embed(["cat"], 32)[0, :4], model.embed(["cat"], 8)[0, :4])
    assert model.token_seed("cat") == model.token_seed("CAT") != model.token_seed("cats")


def test_positional_encoding_is_the_sinusoid_in_its_own_coordinates():
    n, d = 7, 12
    p = model.positional_encoding(n, d)
    dt = model.token_dims(d)
    assert np.all(p[:, :dt] == 0)
    dp = d - dt
    for pos in range(n):
        for m in range(dp):
            angle = pos / model.PE_BASE ** (2 * (m // 2) / dp)
            assert p[pos, dt + m] == pytest.approx(math.sin(angle) if m % 2 == 0 else math.cos(angle), abs=1e-15)
    assert model.positional_encoding(3, 1).shape == (3, 1) and not model.positional_encoding(3, 1).any()


# --- presets ----------------------------------------------------------------------------------
def test_identity_preset_gives_q_k_v_equal_to_the_head_slices_of_x():
    m = model.AttentionModel("the cat and the hat", model.Config(d_k=4, heads=2, preset=1))
    for h in range(2):
        for i in range(3):
            np.testing.assert_array_equal(m.qkv[i, h], m.X[:, 4 * h:4 * h + 4])


@pytest.mark.parametrize("d_k, heads", [(2, 1), (2, 2), (3, 1), (4, 2), (8, 2), (16, 1), (8, 4), (64, 8)])
@pytest.mark.parametrize("n", [2, 11, 40, 256])
def test_previous_token_preset_attends_to_the_previous_token(d_k, heads, n):
    text = model.DEFAULT_SENTENCE if n == 11 else " ".join(f"w{i}" for i in range(n))
    for causal in (False, True):
        m = model.AttentionModel(text, model.Config(d_k=d_k, heads=heads, preset=2, causal=causal))
        assert m.n == n and m.notice == ""
        prev = np.maximum(np.arange(n) - 1, 0)  # the first token: itself
        w = m.weights[:, np.arange(n), prev]
        assert w.min() >= 0.9, (w.min(), causal)
        assert np.all(m.weights.argmax(axis=-1) == prev)
        assert m.quantities()["prev_weight"] > 0.9


def test_previous_token_preset_says_when_it_cannot_work():
    m = model.AttentionModel(model.DEFAULT_SENTENCE, model.Config(d_k=1, heads=4, preset=2))
    assert "d_k ≥ 2" in m.notice
    assert np.ptp(m.weights) == 0  # nothing to go on: uniform, and the learner is told why
    m.configure(d_k=2, positional=False)
    assert "positions" in m.notice and np.ptp(m.weights) < 1e-12
    m.configure(positional=True)
    assert m.notice == "" and m.quantities()["prev_weight"] > 0.9
    for preset in (0, 1):
        assert model.AttentionModel("a b", model.Config(d_k=1, heads=1, preset=preset)).notice == ""


def _same_word_cases():
    rng = np.random.default_rng(7)
    vocab = ["the", "The", "cat", "sat", "on", "mat", "it", "was", "tired", ".", "猫", "狗", "a", "dog", "ran"]
    for d_k, heads in [(2, 2), (3, 1), (4, 1), (8, 2), (16, 4), (64, 8)]:
        for _ in range(6):
            yield d_k, heads, " ".join(rng.choice(vocab, size=int(rng.integers(2, 25))))


@pytest.mark.parametrize("d_k, heads, text", list(_same_word_cases()))
def test_same_word_preset_puts_the_largest_weight_on_the_same_word(d_k, heads, text):
    for positional in (False, True):
        m = model.AttentionModel(text, model.Config(d_k=d_k, heads=heads, preset=3, positional=positional))
        assert m.notice == ""
        words = [t.casefold() for t in m.tokens]
        for h in range(heads):
            for i in range(m.n):
                row = m.weights[h, i]
                same = np.array([w == words[i] for w in words])
                assert row[same].max() == pytest.approx(row.max(), abs=1e-12)  # ties among copies are fine
                if (~same).any():
                    assert row[~same].max() < row[same].max() - 1e-9, (h, i, text)
    if heads > 1 and len(set(words)) > 2:  # each head projects differently
        assert all(not np.allclose(m.weights[0], m.weights[h]) for h in range(1, heads))


def test_same_word_preset_splits_attention_between_copies_of_a_word():
    m = model.AttentionModel("the cat saw the dog near the tree", model.Config(preset=3, positional=False))
    the = [0, 3, 6]
    for h in range(2):
        for i in the:
            assert m.weights[h, i, the].sum() > 0.9
        w = m.weights[h, 0, the]
        assert np.ptp(w) < 1e-15 and w.sum() > 0.99  # identical vectors and no position: an even split
    assert m.quantities(query=1)["top_key"] == 1
    m = model.AttentionModel(model.DEFAULT_SENTENCE, model.Config(preset=3))
    assert m.weights[:, 7].argmax(axis=-1).tolist() == [7, 7]  # "it" looks at "it", in both heads
    length = math.sqrt(SAME_WORD_LOGIT * math.sqrt(8))  # QK-norm: every q and k equally long
    np.testing.assert_allclose(np.linalg.norm(m.qkv[:2], axis=-1), length, rtol=1e-12)


def test_same_word_preset_says_when_it_cannot_work():
    assert "d_k ≥ 2" in model.AttentionModel("a b a", model.Config(d_k=1, heads=4, preset=3)).notice
    assert "heads × d_k ≥ 3" in model.AttentionModel("a b a", model.Config(d_k=2, heads=1, preset=3)).notice


def test_random_weights_are_seeded():
    a = model.projections(8, 4, 2, preset=0, seed=5)
    np.testing.assert_array_equal(a, model.projections(8, 4, 2, preset=0, seed=5))
    assert not np.allclose(a, model.projections(8, 4, 2, preset=0, seed=6))
    with pytest.raises(ValueError, match="preset"):
        model.projections(8, 4, 2, preset=7)


# --- the explorer's model: edits, masks, caching, edge cases ------------------------------------
def test_hand_edits_change_everything_downstream_and_survive_temperature_changes():
    m = model.AttentionModel("a b c d", model.Config(d_k=2, heads=1))
    before = m.weights.copy()
    m.set_entry(0, 0, 3, 0, 25.0)  # Q[3, 0]
    m.set_entry(1, 0, 1, 0, 25.0)  # K[1, 0]: query 3 now matches key 1
    assert m.qkv[0, 0, 3, 0] == 25.0 and m.scores[0, 3, 1] >= 625 + m.qkv[0, 0, 3, 1] * m.qkv[1, 0, 1, 1] - 1e-9
    assert m.weights[0, 3, 1] > 0.99 and not np.allclose(m.weights, before)
    assert m.quantities(query=3)["w_3_1"] > 0.99
    m.configure(temperature=2.0)
    assert m.edits and m.qkv[0, 0, 3, 0] == 25.0
    m.configure(seed=4)  # new weights: the edited entries are gone
    assert not m.edits and m.qkv[0, 0, 3, 0] != 25.0
    with pytest.raises(ValueError):
        m.set_entry(0, 0, 0, 0, float("nan"))
    for huge in (1e200, -1e200, 1e6 * (1 + 1e-12)):
        with pytest.raises(ValueError, match="between −10⁶ and 10⁶"):
            m.set_entry(0, 0, 0, 0, huge)
    with pytest.raises(IndexError):
        m.set_entry(0, 1, 0, 0, 1.0)


def test_the_largest_allowed_edits_keep_every_number_finite():
    m = model.AttentionModel("a b c", model.Config(d_k=2, heads=1, temperature=1e-6, scaled=False))
    m.set_entry(1, 0, 0, 0, 1e6)  # K[0, 0]
    m.set_entry(1, 0, 1, 0, -1e6)  # K[1, 0]
    m.set_entry(0, 0, 0, 0, 1e6)  # Q[0, 0]: scores ±10¹², logits ±10¹⁸
    assert np.isfinite(m.logits).all() and np.isfinite(m.weights).all() and np.isfinite(m.output).all()
    np.testing.assert_allclose(m.weights.sum(axis=-1), 1.0)
    assert m.weights[0, 0, 0] == 1.0


def test_softmax_puts_a_rows_mass_on_its_infinite_entries():
    inf = math.inf
    x = np.array([[inf, 1.0, inf, -inf], [1.0, 2.0, 3.0, -inf], [-inf] * 4, [inf, -inf, 0.0, 5.0]])
    p = model.softmax(x)
    np.testing.assert_array_equal(p[0], [0.5, 0, 0.5, 0])
    np.testing.assert_allclose(p[1, :3], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_array_equal(p[2], 0)
    np.testing.assert_array_equal(p[3], [1, 0, 0, 0])
    np.testing.assert_array_equal(model.softmax(x.T, axis=0), p.T)  # along any axis
    # what huge hand-edits would have given without the limit: ±∞ scores, and no NaN
    q = np.array([[[1e200, 0.0], [1.0, 0.0]]])
    k = np.array([[[1e200, 0.0], [-1e200, 0.0]]])
    with np.errstate(over="ignore", invalid="ignore"):
        w = model.attention_weights(q, k)
    assert not np.isnan(w).any() and w[0, 0].tolist() == [1.0, 0.0]


def test_masking_every_key_a_row_can_see_gives_zeros():
    m = model.AttentionModel("one two three", model.Config(causal=True))
    m.toggle_key(0)
    assert np.all(m.weights[:, 0] == 0) and np.all(m.output[:, 0] == 0)
    np.testing.assert_allclose(m.weights[:, 1:].sum(axis=-1), 1.0)
    assert m.quantities()["masked_rows"] == 1
    m.toggle_key(0)
    assert m.quantities()["masked_rows"] == 0


def test_temperature_change_reuses_q_k_and_scores():
    m = model.AttentionModel()
    qkv, s = m.qkv, m.scores
    m.configure(temperature=3.0, causal=True)
    assert m.qkv is qkv and m.scores is s
    np.testing.assert_allclose(m.weights, model.attention_weights(*qkv[:2], is_causal=True, scale=m.config.scale))


@pytest.mark.parametrize("text", ["", "word", " ".join(f"t{i}" for i in range(200))])
def test_empty_one_and_two_hundred_tokens(text):
    m = model.AttentionModel(text, model.Config(d_k=64, heads=8))
    n = m.n
    assert m.weights.shape == (8, n, n) and m.output.shape == (8, n, 64)
    q = m.quantities(query=0, head=-1)
    assert set(q) == set(model.QUANTITIES) and all(math.isfinite(v) for v in q.values())
    if n == 1:
        assert np.all(m.weights == 1.0) and q["top_key"] == 0
    if n == 0:
        assert q["tokens"] == 0 and q["top_key"] == -1


def test_bad_configs_are_refused():
    m = model.AttentionModel()
    with pytest.raises(ValueError, match="temperature"):
        m.configure(temperature=0.0)
    with pytest.raises(ValueError, match="at least 1"):
        m.configure(d_k=0)


def test_config_from_params_clamps_and_types():
    c = model.Config.from_params({"d_k": 200, "heads": 2.6, "causal": 1.0, "temperature": 1e9, "other": 3})
    assert (c.d_k, c.heads, c.causal, c.temperature) == (64, 3, True, 1e6)
    assert isinstance(c.d_k, int) and isinstance(c.causal, bool)


def test_params_and_quantities_are_consistent():
    assert all(spec.contains(spec.default) for spec in model.PARAMS.values())
    assert set(model.AttentionModel().quantities()) == set(model.QUANTITIES)


def test_the_model_imports_without_qt_pyqtgraph_or_manim():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'manim', 'shiboken6'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from app.models import attention\n"
        "from app.derivations import attention as d\n"
        "print(attention.AttentionModel().weights.shape)\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "(2, 11, 11)"
