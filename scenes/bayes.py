"""Week-6 clip: a Beta prior, flips arriving one by one, the posterior narrowing.

    manim -ql scenes/bayes.py BayesUpdateScene

Parameters: the JSON file named by $MATHLENS_PARAMS (the explorer's scene_params(): alpha, beta,
true_p, seed, heads and tails at the timeline's step, "order" — those observations in order as a
string of H and T, or its first part — and "lang": "en" or "zh"; other keys are ignored), over the
defaults of lessons/bayes-coin.toml. With an "order" the clip replays exactly those flips (any heads
and tails beyond it follow, spread evenly); without one, heads + tails > 0 are spread evenly in time
(as the explorer does with a lesson's counts); with neither it flips FLIPS coins with the hidden
true_p (seeded).
Math goes through scenes/mathtex.py (ziamath → SVG), so no LaTeX is needed.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tomllib
from pathlib import Path

import numpy as np

# The repo root on sys.path makes `scenes.mathtex` and `app.models` importable however this file
# is loaded: by the manim CLI (which only adds scenes/ to sys.path), by pytest, or by the app.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from manim import (  # noqa: E402
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    DashedVMobject,
    FadeIn,
    FadeOut,
    Line,
    Polygon,
    Scene,
    Text,
    Transform,
    VGroup,
    VMobject,
    Write,
)

from app.models import bayes as model  # noqa: E402
from scenes.captions import Captioned  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402
from scenes.params import PARAMS_ENV, ParamsError  # noqa: E402 — shared by every scene

LESSON = ROOT / "lessons" / "bayes-coin.toml"
KEYS = ("alpha", "beta", "true_p", "seed", "heads", "tails")
LANGS = ("en", "zh")
FLIPS = 40  # flips shown when the lesson has none
SHOWN = 60  # at most this many flips one by one; the rest arrive in one step
SLOW = 6  # the first flips are slow, so the eye can follow the update
PRIOR_C, POST_C, HEADS_C, TAILS_C = "#56B4E9", "#E69F00", "#D55E00", "#0072B2"  # Okabe–Ito

CAPTIONS = {
    "prior": ("Before any flip: a prior belief about θ = P(heads), Beta({a}, {b}).",
              "抛硬币之前：关于 θ = P(正面) 的先验信念 Beta({a}, {b})。"),
    "flips": ("Each flip multiplies the curve by θ (heads) or 1 − θ (tails), then rescales it.",
              "每次抛掷把曲线乘以 θ（正面）或 1 − θ（反面），再归一化。"),
    "no flips": ("No flips yet: with no data the posterior is still the prior.",
                 "还没有抛掷：没有数据时，后验仍然就是先验。"),
    "rest": ("… and {rest} more flips at once: the posterior only depends on the counts.",
             "……再一次加入 {rest} 次抛掷：后验只取决于计数。"),
    "posterior": ("After {n} flips ({h} heads): Beta({a1}, {b1}); 95 % of it lies in [{lo}, {hi}].",
                  "{n} 次抛掷（{h} 次正面）之后：Beta({a1}, {b1})；95 % 的概率落在 [{lo}, {hi}]。"),
}


def load_params(path: str | os.PathLike | None = None) -> dict:
    """The clip's numbers: model defaults, over them the lesson's [params], over those the JSON
    file ``path`` (default: $MATHLENS_PARAMS). Raises ParamsError for an unusable file or value."""
    params: dict = {k: model.PARAMS[k].default for k in KEYS} | {"lang": "en"}
    with open(LESSON, "rb") as f:
        params |= {k: float(v) for k, v in tomllib.load(f).get("params", {}).items() if k in KEYS}
    path = os.environ.get(PARAMS_ENV) if path is None else path
    where = "params"
    if path:
        where = f"{PARAMS_ENV} file {os.fspath(path)!r}"
        try:
            raw = json.loads(Path(path).read_text("utf-8"))
        except OSError as exc:
            raise ParamsError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParamsError(f"{where}: not valid JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise ParamsError(f"{where}: expected a JSON object, found {type(raw).__name__}")
        for key in KEYS:
            if key in raw:
                v = raw[key]
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise ParamsError(f"{where}: {key!r} must be a finite number, found {v!r}")
                if key in ("alpha", "beta") and v <= 0:
                    raise ParamsError(f"{where}: {key!r} must be > 0 (a Beta prior), found {v!r}")
                params[key] = float(v)
        if "lang" in raw:
            if raw["lang"] not in LANGS:
                raise ParamsError(f"{where}: 'lang' must be one of {LANGS}, found {raw['lang']!r}")
            params["lang"] = raw["lang"]
        if "order" in raw:
            params["order"] = _order(raw["order"], where)
    for key in ("true_p", "seed", "heads", "tails"):
        params[key] = model.PARAMS[key].clamp(params[key])
    if "order" in params:
        h = params["order"].count("H")
        if h > params["heads"] or len(params["order"]) - h > params["tails"]:
            raise ParamsError(f"{where}: 'order' has {h} heads and {len(params['order']) - h} tails, more than "
                              f"the {params['heads']:g} heads and {params['tails']:g} tails it is the order of")
    return params


def _order(value, where: str) -> str:
    if not isinstance(value, str) or value.strip("HT"):
        raise ParamsError(f"{where}: 'order' must be a string of H (heads) and T (tails), found {value!r:.40}")
    return value


def observations(p: dict) -> np.ndarray:
    """The flips the clip shows (1 heads, 0 tails): the lesson's counts, else seeded random flips."""
    log = model.FlipLog()
    if "order" in p:  # the explorer's own record: these flips in this order, then any others
        bits = np.frombuffer(p["order"].encode("ascii"), np.uint8) == ord("H")
        rest = model.FlipLog()
        rest.set_counts(int(p["heads"]) - int(bits.sum()), int(p["tails"]) - int((~bits).sum()))
        log.extend(bits.astype(np.uint8))
        log.extend(rest.observations)
    elif p["heads"] + p["tails"] > 0:
        log.set_counts(int(p["heads"]), int(p["tails"]))
    else:
        log.extend(model.flips(np.random.default_rng(int(p["seed"])), FLIPS, p["true_p"]))
    return log.observations.copy()


def short(x: float, digits: int = 3) -> str:
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class BayesUpdateScene(Captioned, Scene):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = load_params()
        self.lang = self.params["lang"]
        self.obs = observations(self.params)
        self.coins: list[model.Coin] = []  # the posterior after each step shown (for tests)

    def say(self, key: str, **fields) -> None:
        """Subcaption ``key`` from now until the next say() or the end of the clip."""
        self.caption(CAPTIONS[key][LANGS.index(self.lang)].format(**fields))

    def construct(self):
        p, obs = self.params, self.obs
        a, b = p["alpha"], p["beta"]
        n_all = len(obs)
        shown = min(n_all, SHOWN)
        cum = np.concatenate(([0], np.cumsum(obs, dtype=np.int64)))
        steps = [model.Coin(a, b, int(cum[k]), k - int(cum[k])) for k in range(shown + 1)]
        final = model.Coin(a, b, int(cum[-1]), n_all - int(cum[-1]))
        peak = max(float(c.curves(200).posterior.max()) for c in steps)
        ymax = float(np.ceil(1.15 * peak)) if peak > 1 else 1.2
        y_step = max(1.0, float(round(ymax / 5)))
        axes = Axes(x_range=(0, 1, 0.1), y_range=(0, ymax, y_step), x_length=10.5, y_length=4.0, tips=False)
        axes.to_edge(DOWN, buff=1.0)
        # tick numbers as Text (manim's own axis numbers need a LaTeX install)
        ticks = VGroup(*[Text(short(x, 1), font_size=20).next_to(axes.c2p(x, 0), DOWN, buff=0.15)
                         for x in np.arange(0, 1.01, 0.2)],
                       *[Text(short(y, 1), font_size=20).next_to(axes.c2p(0, y), LEFT, buff=0.15)
                         for y in np.arange(y_step, ymax + 1e-9, y_step)])
        y_label = Text("density", font_size=22).rotate(np.pi / 2).next_to(axes.y_axis, LEFT, buff=0.55)
        x_label = VGroup(ticks, y_label, Text("θ = P(heads)", font_size=24).next_to(axes.x_axis, DOWN, buff=0.5))

        def curve(coin: model.Coin, colour: str) -> VMobject:
            th = np.linspace(0.0005, 0.9995, 400)
            ys = np.minimum(coin.posterior.pdf(th), ymax)
            return VMobject(stroke_color=colour, stroke_width=5).set_points_as_corners(
                [axes.c2p(x, y) for x, y in zip(th, ys, strict=True)])

        # 1 — the prior
        self.next_section("prior")
        title = Text("Watch a prior become a posterior", font_size=34).to_edge(UP, buff=0.25)
        prior_tex = math_tex(rf"p(\theta) = \mathrm{{Beta}}({short(a)},\ {short(b)})", color=PRIOR_C,
                             font_size=38).next_to(title, DOWN, buff=0.2)
        prior = curve(steps[0], PRIOR_C)
        self.say("prior", a=short(a), b=short(b))
        self.play(Write(title), Create(axes), FadeIn(x_label), run_time=1.2)
        self.play(Create(prior), FadeIn(prior_tex), run_time=1.3)
        self.coins.append(steps[0])

        # 2 — flips arrive one by one; the posterior follows
        self.next_section("flips")
        ghost = DashedVMobject(prior.copy().set_stroke(PRIOR_C, width=3, opacity=0.7), num_dashes=60)
        post = curve(steps[0], POST_C)
        self.add(ghost)
        self.remove(prior)
        self.add(post)
        counter = self._counter(0, 0).next_to(prior_tex, DOWN, buff=0.3).align_to(axes, LEFT)
        self.add(counter)
        row = VGroup()
        runs = [0.55 if k <= SLOW else max(0.08, 0.3 * 0.93 ** (k - SLOW)) for k in range(1, shown + 1)]
        self.say("flips" if shown else "no flips")
        for k, run in zip(range(1, shown + 1), runs, strict=True):
            token = self._token(int(obs[k - 1]))
            slot = k - 1
            token.move_to(axes.c2p(0.02 + 0.0163 * (slot % SHOWN), ymax) + UP * 0.3)
            new_counter = self._counter(int(cum[k]), k - int(cum[k])).move_to(counter)
            self.play(FadeIn(token, shift=DOWN * 0.3), Transform(post, curve(steps[k], POST_C)),
                      Transform(counter, new_counter), run_time=run)
            row.add(token)
            self.coins.append(steps[k])
        if n_all > shown:
            self.say("rest", rest=f"{n_all - shown:,}")
            self.play(Transform(post, curve(final, POST_C)),
                      Transform(counter, self._counter(int(cum[-1]), n_all - int(cum[-1])).move_to(counter)),
                      run_time=1.5)
            self.coins.append(final)

        # 3 — the posterior
        self.next_section("posterior")
        lo, hi = final.equal_tailed
        band = self._band(axes, final, lo, hi, ymax)
        a1, b1 = a + final.heads, b + final.tails
        post_tex = math_tex(rf"p(\theta \mid D) = \mathrm{{Beta}}({short(a)} + {int(final.heads)},\ "
                            rf"{short(b)} + {int(final.tails)}) = \mathrm{{Beta}}({short(a1)},\ {short(b1)})",
                            color=POST_C, font_size=34).move_to(prior_tex)
        mean = final.posterior.mean
        mean_line = Line(axes.c2p(mean, 0), axes.c2p(mean, min(float(final.posterior.pdf(mean)), ymax)),
                         color=POST_C, stroke_width=3)
        mean_tex = math_tex(rf"\mathbb{{E}}[\theta \mid D] = {short(mean)}", color=POST_C, font_size=30)
        mean_tex.move_to(counter).align_to(axes, RIGHT)
        self.say("posterior", n=f"{n_all:,}", h=f"{int(final.heads):,}", a1=short(a1), b1=short(b1),
                 lo=short(lo), hi=short(hi))
        self.play(FadeOut(prior_tex), FadeIn(post_tex), FadeIn(band), Create(mean_line), FadeIn(mean_tex),
                  run_time=1.5)
        self.wait(2.0)
        self.band, self.post_tex = band, post_tex

    def _counter(self, h: int, t: int) -> Text:
        return Text(f"heads {h}   tails {t}", font_size=28, t2c={"heads": HEADS_C, "tails": TAILS_C})

    @staticmethod
    def _token(bit: int) -> VGroup:
        # as in the explorer: heads a filled vermillion disc, tails a blue ring (shape and colour)
        if bit:
            return VGroup(Circle(radius=0.075, color=HEADS_C, fill_color=HEADS_C, fill_opacity=1.0, stroke_width=1))
        return VGroup(Circle(radius=0.06, color=TAILS_C, fill_opacity=0.0, stroke_width=3))

    @staticmethod
    def _band(axes: Axes, coin: model.Coin, lo: float, hi: float, ymax: float) -> Polygon:
        """The posterior's area over its 95 % interval."""
        xs = np.linspace(lo, hi, 120)
        ys = np.minimum(coin.posterior.pdf(xs), ymax)
        pts = [axes.c2p(lo, 0)] + [axes.c2p(x, y) for x, y in zip(xs, ys, strict=True)] + [axes.c2p(hi, 0)]
        return Polygon(*pts, stroke_width=0, fill_color=POST_C, fill_opacity=0.35)


