"""Week-6 clip, the diagnostic test: a base rate, 1 000 people, the test's positives split into true
and false ones, and P(disease | +) = true positives / all positives.

    manim -ql scenes/diagnostic.py DiagnosticTestScene

Parameters: the JSON file named by $MATHLENS_PARAMS (the explorer's scene_params(): base_rate,
sensitivity, specificity, tests — the clip shows the last of that many positive tests in a row,
whose prior is the one before's posterior — and "lang": "en" or "zh"; the coin's and the unknown
mean's numbers are read too, as every Bayes scene does, but change nothing here), over
the defaults of lessons/bayes-diagnostic.toml. The numbers are app.models.bayes_diagnostic's: the
people are its rounded counts (in a bigger crowd when the disease is too rare to have a sick person
among 1 000), P(disease | +) its exact value. No LaTeX: formulas go through scenes/mathtex.py.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from manim import DOWN, UP, Circle, FadeIn, FadeOut, Scene, Text, VGroup, Write  # noqa: E402

from app.models.bayes_diagnostic import PEOPLE, Diagnostic, sequential  # noqa: E402
from app.models.bayes_params import PARAMS  # noqa: E402
from scenes.captions import Captioned  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper
from scenes.params import (  # noqa: E402 — shared by every scene
    LANGS,
    ParamsError,
    lang,
    lesson_table,
    number,
    params_path,
    read_params_file,
    where,
)

KEYS = ("base_rate", "sensitivity", "specificity", "tests")
COLS, ROWS = 50, 20  # the crowd's grid: 1 000 people
SICK_C, FALSE_C, REST_C = "#D55E00", "#0072B2", "#5A5F66"  # as the explorer: vermillion, blue, grey
TRUE_BOX, FALSE_BOX = (-4.3, 0.1, 3.2, 2.2), (2.3, 0.1, 6.4, 2.2)  # where the positives gather: x, y, w, h

CAPTIONS = {
    "base": ("A disease affects {base} of people: the base rate P(D).", "某种疾病影响 {base} 的人：这就是基础率 P(D)。"),
    "again": ("Test {k}: after {k1} positive result{s}, {base} of people like you are sick — the new prior P(D).",
              "第 {k} 次检测：已有 {k1} 次阳性结果，像你这样的人中有 {base} 生病——这是新的先验 P(D)。"),
    "people": ("Of {people} people, {sick} are sick.", "{people} 个人中，有 {sick} 个病人。"),
    "test": ("The test catches {tp} of the {sick} sick, and flags {fp} of the {healthy} healthy as well.",
             "检测查出了 {sick} 个病人中的 {tp} 个，也把 {healthy} 个健康人中的 {fp} 个标成了阳性。"),
    "positives": ("Only the positives matter now: {tp} are sick, {fp} are false alarms.",
                  "现在只看阳性：{tp} 个真的生病，{fp} 个是误报。"),
    "answer": ("So P(disease | +) = {tp} / ({tp} + {fp}) ≈ {post}: Bayes' theorem, counted.",
               "所以 P(患病 | +) = {tp} / ({tp} + {fp}) ≈ {post}：这就是数出来的贝叶斯定理。"),
    "none": ("Nobody tests positive with these rates, so P(disease | +) is undefined.",
             "在这些比率下没有人检测为阳性，所以 P(患病 | +) 没有定义。"),
    "drawn": ("1 000 of them drawn: {sick} sick on average", "图中画出其中 1 000 人：平均 {sick} 人生病"),
}


def load_params() -> dict:
    """The Bayes lessons' numbers (every key of app.models.bayes_params.PARAMS; the clip uses KEYS):
    model defaults, over them the lesson's [params], over those the JSON file in $MATHLENS_PARAMS.
    Raises ParamsError for an unusable file or value."""
    params: dict = {k: spec.default for k, spec in PARAMS.items()}
    params |= {k: float(v) for k, v in lesson_table("bayes-diagnostic").items() if k in PARAMS}
    raw = read_params_file()
    at = where(params_path() or "")
    for key in PARAMS:
        params[key] = number(raw, key, params[key], at)
        if key in KEYS[:3] and not 0.0 <= params[key] <= 1.0:
            raise ParamsError(f"{at}: {key!r} must be a probability between 0 and 1, found {params[key]!r}")
        params[key] = PARAMS[key].clamp(params[key])
    params["lang"] = lang(raw, at)
    return params


def pct(p: float) -> str:
    return "–" if math.isnan(p) else f"{100 * p:.1f} %" if p >= 0.001 else f"{100 * p:.2g} %"


def whole(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class DiagnosticTestScene(Captioned, Scene):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = p = load_params()
        self.lang = p["lang"]
        self.chain = sequential(Diagnostic(p["base_rate"], p["sensitivity"], p["specificity"]), int(p["tests"]))
        self.test = self.chain[-1]  # the test shown: its prior is the posterior after the ones before
        self.people = self.test.crowd()  # the counts in the captions (≥ 10 sick when the base rate > 0)
        self.counts = self.test.counts(self.people)
        self.dots_counts = self.test.counts(PEOPLE)  # the 1 000 drawn
        self.answer = None  # the last formula (for tests)

    def say(self, key: str, **fields) -> None:
        """Subcaption ``key`` from now until the next say() or the end of the clip."""
        self.caption(CAPTIONS[key][LANGS.index(self.lang)].format(**fields))

    def construct(self):
        test, c = self.test, self.counts
        sick, healthy = c["tp"] + c["fn"], c["fp"] + c["tn"]
        k = len(self.chain)

        # 1 — the base rate
        self.next_section("base rate")
        title = Text("A positive test: how likely is the disease?", font_size=34).to_edge(UP, buff=0.3)
        prior = math_tex(rf"P(D) = {test.base_rate:.4g}", color=SICK_C, font_size=40).next_to(title, DOWN, buff=0.25)
        if k > 1:
            self.say("again", k=k, k1=k - 1, s="s" if k > 2 else "", base=pct(test.base_rate))
        else:
            self.say("base", base=pct(test.base_rate))
        self.play(Write(title), FadeIn(prior), run_time=1.2)

        # 2 — 1 000 people, the sick ones coloured
        self.next_section("people")
        kinds = [kind for kind in ("tp", "fn", "fp", "tn") for _ in range(self.dots_counts[kind])]
        dots = VGroup(*[Circle(radius=0.075, stroke_width=0, fill_color=REST_C, fill_opacity=1.0)
                        for _ in range(PEOPLE)])
        dots.arrange_in_grid(rows=ROWS, cols=COLS, buff=0.07).next_to(prior, DOWN, buff=0.35)
        self.dots = dots
        self.say("people", people=whole(self.people), sick=whole(sick))
        shown = [dots]
        if self.people > PEOPLE:  # a rare disease: the captions count a bigger crowd than the dots
            text = CAPTIONS["drawn"][LANGS.index(self.lang)].format(sick=f"{test.base_rate * PEOPLE:.2g}")
            shown.append(Text(text, font_size=22, color=REST_C).next_to(dots, DOWN, buff=0.2))
        self.play(*[FadeIn(m, lag_ratio=0.002) for m in shown], run_time=1.5)
        sick_dots = [d for d, kind in zip(dots, kinds, strict=True) if kind in ("tp", "fn")]
        if sick_dots:
            self.play(*[d.animate.set_fill(SICK_C) for d in sick_dots], run_time=0.8)

        # 3 — the test: true positives stay filled, missed cases hollow, false alarms blue
        self.next_section("test")
        self.say("test", tp=whole(c["tp"]), sick=whole(sick), fp=whole(c["fp"]), healthy=whole(healthy))
        looks = {"tp": dict(fill_color=SICK_C, fill_opacity=1.0, stroke_width=0),
                 "fn": dict(fill_opacity=0.0, stroke_color=SICK_C, stroke_width=2),
                 "fp": dict(fill_color=FALSE_C, fill_opacity=1.0, stroke_width=0),
                 "tn": dict(fill_color=REST_C, fill_opacity=0.45, stroke_width=0)}
        self.play(*[d.animate.set_style(**looks[kind]) for d, kind in zip(dots, kinds, strict=True)], run_time=1.2)
        self.wait(0.6)

        # 4 — the positives, split into true and false
        self.next_section("positives")
        true_pos = VGroup(*[d for d, kind in zip(dots, kinds, strict=True) if kind == "tp"])
        false_pos = VGroup(*[d for d, kind in zip(dots, kinds, strict=True) if kind == "fp"])
        rest = VGroup(*[d for d, kind in zip(dots, kinds, strict=True) if kind in ("fn", "tn")])
        self.play(FadeOut(rest), *[FadeOut(m) for m in shown[1:]], run_time=0.6)
        if c["tp"] + c["fp"] == 0:
            self.next_section("answer")
            self.say("none")
            self.answer = math_tex(r"P({+}) = 0", font_size=44).move_to(dots)
            self.play(FadeIn(self.answer), run_time=1.0)
            self.wait(1.5)
            return
        self.say("positives", tp=whole(c["tp"]), fp=whole(c["fp"]))
        moves = []
        for group, box in ((true_pos, TRUE_BOX), (false_pos, FALSE_BOX)):
            if len(group):
                target = group.copy().arrange_in_grid(cols=math.ceil(math.sqrt(2 * len(group))), buff=0.05)
                target.scale(min(1.0, box[2] / target.width, box[3] / target.height)).move_to([box[0], box[1], 0])
                moves += [d.animate.move_to(t.get_center()).scale_to_fit_width(t.width)
                          for d, t in zip(group, target, strict=True)]
        if moves:
            self.play(*moves, run_time=1.4)
        labels = VGroup(*[Text(text, font_size=26, color=colour).move_to([box[0], box[1] + box[3] / 2 + 0.4, 0])
                          for text, colour, box in ((f"{whole(self.dots_counts['tp'])} sick, test +", SICK_C, TRUE_BOX),
                                                    (f"{whole(self.dots_counts['fp'])} healthy, test +", FALSE_C,
                                                     FALSE_BOX))])
        self.play(FadeIn(labels), run_time=0.6)

        # 5 — the answer, counted and by Bayes' theorem
        self.next_section("answer")
        post = test.p_disease_given_positive
        se, d, sp_ = test.sensitivity, test.base_rate, test.specificity
        counted = math_tex(rf"\frac{{{c['tp']}}}{{{c['tp']} + {c['fp']}}} \approx {c['tp'] / (c['tp'] + c['fp']):.4f}",
                           font_size=34)
        # (ziamath sets a bare + as a binary operator: {+} is the test result, an ordinary symbol)
        exact = math_tex(rf"P(D \mid {{+}}) = \frac{{P({{+}} \mid D)\,P(D)}}{{P({{+}})}} = "
                         rf"\frac{{{se:.3g} \cdot {d:.4g}}}{{{se:.3g} \cdot {d:.4g} + {1 - sp_:.3g} \cdot {1 - d:.4g}}}"
                         rf" \approx {post:.4f}", font_size=34)
        self.answer = VGroup(exact, counted).arrange(DOWN, buff=0.25).to_edge(DOWN, buff=0.35)
        self.say("answer", tp=whole(c["tp"]), fp=whole(c["fp"]), post=pct(post))
        self.play(FadeIn(self.answer, shift=UP * 0.2), run_time=1.2)
        self.wait(2.0)
