"""Attention explorer: scaled dot-product attention on a sentence you type, stage by stage.

The one place that wires the views (attention_controls, attention_heatmap, attention_panels) to
the model (app.models.attention). Every user edit arrives in an ``_on_*`` handler, changes the
model, redraws and emits ``params_changed``. A temperature drag only recomputes the softmax (the
model caches Q, K, V and the scores), so even 200 tokens × 8 heads stay interactive without a
worker thread; typing is debounced.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from app.explorers import attention_text as words
from app.explorers.attention_axes import token_label
from app.explorers.attention_controls import ControlBar, QKVEditor, toggle_style
from app.explorers.attention_heatmap import HeatmapView
from app.explorers.attention_panels import HeadStrip, RowView, SideColumn
from app.explorers.base import Explorer
from app.models import attention as model
from app.widgets.theme import LIGHT, Theme

#: typing settles this long before the sentence is re-tokenised
TEXT_DEBOUNCE_MS = 150
_CONFIG_KEYS = ("d_k", "heads", "temperature", "causal", "positional", "scaled", "seed", "preset")
#: sizes in units of the theme's font size (em): the heatmap's smallest width and height, the side
#: column's smallest width; narrower than WIDE_EM, the side column goes below the heatmap
HEAT_MIN_EM = (18, 14)
SIDE_MIN_EM = 16
WIDE_EM = 35


class AttentionExplorer(Explorer):
    def __init__(self, lesson, parent: QWidget | None = None):
        super().__init__(lesson, parent)
        p = lesson.defaults()
        self.model = model.AttentionModel(model.DEFAULT_SENTENCE, model.Config.from_params(p))
        self._stage = int(p["stage"])
        self._head = int(p["head"])
        self._query = int(p["query"])
        self._editing = 0  # which matrix the editor shows: 0 Q, 1 K, 2 V
        self._labels: list[str] = []
        self._hover: tuple[int, int] | None = None  # the heatmap cell under the pointer
        self._build()
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._on_text_settled)
        self.controls.set_text(self.model.text)
        self._clamp()
        self._redraw()

    # --- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        self.controls = ControlBar()
        c = self.controls
        c.text_edited.connect(self._on_text_edited)
        c.preset_changed.connect(lambda v: self._on_config(preset=v))
        c.seed_changed.connect(lambda v: self._on_config(seed=v))
        c.d_k_changed.connect(lambda v: self._on_config(d_k=v))
        c.heads_changed.connect(lambda v: self._on_config(heads=v))
        c.switch_toggled.connect(lambda name, on: self._on_config(**{name: on}))
        c.temperature_changed.connect(self._on_temperature)
        c.stage_changed.connect(self._on_stage)
        self.heatmap = HeatmapView()
        self.heatmap.hovered.connect(self._on_hover)
        self.heatmap.clicked.connect(self._on_cell_clicked)
        self.row_view = RowView()
        self.row_view.hovered_key.connect(self._on_key_hover)
        self.editor = QKVEditor()
        self.editor.entry_edited.connect(self._on_entry_edited)
        self.editor.matrix_chosen.connect(self._on_matrix_chosen)
        self.editor.reset_requested.connect(self._on_reset_edits)
        right = SideColumn(self.row_view, self.editor)
        self.side_column, self.side, self.side_buttons = right, right.stack, right.buttons
        self.strip = HeadStrip()  # under the heatmap: it picks the head the heatmap shows
        self.strip.head_clicked.connect(self._on_head)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.heatmap, 1)
        column.addWidget(self.strip)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        # below its smallest size the body scrolls: panels are never squashed into each other
        self.body = QScrollArea()
        self.body.setWidget(self.split)
        self.body.setWidgetResizable(True)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.notice = QLabel()  # why a preset cannot work with these sizes (hidden when it can)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # two lines, each cut at the right edge if it must be, never widening the explorer
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._status_lines: tuple[str, str] = words.HINT
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.status)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._em = LIGHT.font_px
        self._layout_key = None

    # --- explorer contract --------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        c = self.model.config
        out = {k: float(getattr(c, k)) for k in _CONFIG_KEYS}
        out |= {"head": float(self._head), "query": float(self._query), "stage": float(self._stage)}
        return out | self.model.row_numbers(self._query, self._head)

    def set_params(self, params: dict[str, float]) -> None:
        p = {k: model.PARAMS[k].clamp(v) for k, v in params.items() if k in model.PARAMS}
        cfg = model.Config.from_params(p)
        self.model.configure(**{k: getattr(cfg, k) for k in _CONFIG_KEYS if k in p})
        self._stage = int(round(p.get("stage", self._stage)))
        self._head = int(round(p.get("head", self._head)))
        self._query = int(round(p.get("query", self._query)))
        self._clamp()
        self._redraw()
        self.params_changed.emit(self.params())

    def reset(self) -> None:
        """The lesson's parameters and the default sentence, without hand edits or masked keys."""
        self.model.set_text(model.DEFAULT_SENTENCE)
        self.model.clear_edits()
        for j in sorted(self.model.key_mask):
            self.model.toggle_key(j)
        self.controls.set_text(self.model.text)
        super().reset()

    def quantities(self) -> dict[str, float]:
        return self.model.quantities(self._query, self._head)

    def plot_item(self):
        return self.heatmap.ci

    def export_table(self) -> tuple[list[str], list[list[float]]]:
        cols = ["head", "query", "key", "score", "scaled_score", "masked", "weight"]
        m, h = self.model, max(self._head, 0)
        if m.n == 0:
            return cols, []
        s, x, ok, w = m.scores[h], m.scaled[h], m.allowed, m.head_weights(self._head)
        return cols, [[float(self._head + 1 if self._head >= 0 else 0), i, j, float(s[i, j]), float(x[i, j]),
                       float(not ok[i, j]), float(w[i, j])] for i in range(m.n) for j in range(m.n)]

    # --- public actions -----------------------------------------------------------------------
    def set_sentence(self, text: str) -> None:
        """Same as typing ``text`` and pausing."""
        self.controls.set_text(text)
        self._text_timer.stop()
        self._on_text_settled()

    # --- handlers (every user edit comes through one of these) --------------------------------
    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        self._text_timer.start()

    @Slot()
    def _on_text_settled(self) -> None:
        if self.model.set_text(self.controls.sentence.text()):
            self._clamp()
            self.heatmap.reset_zoom()
        self._changed()

    def _on_config(self, **changes) -> None:
        self.model.configure(**changes)
        self._clamp()
        self._changed()

    @Slot(float)
    def _on_temperature(self, t: float) -> None:
        self._on_config(temperature=float(np.clip(t, 1e-6, 1e6)))

    @Slot(int)
    def _on_stage(self, stage: int) -> None:
        self._stage = int(np.clip(stage, 0, len(model.STAGES) - 1))
        self._changed()

    @Slot(int)
    def _on_head(self, head: int) -> None:
        self._head = head
        self._clamp()
        self._changed()

    @Slot(int, int, bool)
    def _on_cell_clicked(self, i: int, j: int, shift: bool) -> None:
        if shift and 1 <= self._stage <= 4:
            self.model.toggle_key(j)
        else:
            self._query = i
        self._changed()

    def _on_query(self, i: int) -> None:
        self._query = i
        self._clamp()
        self._changed()

    @Slot(int, int, int, float)
    def _on_entry_edited(self, which: int, i: int, a: int, value: float) -> None:
        if not np.isfinite(value):  # a typo: show the old number again (and the editor's message)
            self._draw_editor()
            return
        self.model.set_entry(which, max(self._head, 0), i, a, value)
        self._changed()

    @Slot(int)
    def _on_matrix_chosen(self, which: int) -> None:
        self._editing = which
        self._draw_editor()

    @Slot()
    def _on_reset_edits(self) -> None:
        self.model.clear_edits()
        self._changed()

    def keyPressEvent(self, event) -> None:  # noqa: N802 — Qt override
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.model.n:
            self._on_query(self._query + (1 if key == Qt.Key.Key_Down else -1))
        elif key in (Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
            self._on_stage(self._stage + (1 if key == Qt.Key.Key_BracketRight else -1))
        else:
            super().keyPressEvent(event)

    def _changed(self) -> None:
        self._redraw()
        self.params_changed.emit(self.params())

    def _clamp(self) -> None:
        self._query = int(np.clip(self._query, 0, max(self.model.n - 1, 0)))
        self._head = int(np.clip(self._head, -1, self.model.config.heads - 1))
        if self.model.config.heads == 1:
            self._head = 0

    # --- drawing -----------------------------------------------------------------------------
    def _redraw(self) -> None:
        m = self.model
        self._labels = [token_label(t, i) for i, t in enumerate(m.tokens)]
        self.controls.set_state(m.config, self._stage, m.n, m.truncated)
        shape = self.heatmap.plot.matrix_shape
        self._draw_stage()
        if self.heatmap.plot.matrix_shape != shape:  # another matrix: the old cell is not under the pointer
            self._hover = None
            self._set_status(*words.HINT)
        if m.n:
            self.strip.set_heads(m.weights, m.mean_weights, self._head)
        self.strip.setVisible(m.n > 0)
        self._draw_row()
        self._draw_editor()
        self._draw_notice()
        if self._hover is not None:  # the numbers under the pointer changed
            self._on_hover(*self._hover)

    def _draw_stage(self) -> None:
        m, n, st = self.model, self.model.n, self._stage
        h = max(self._head, 0)
        self.heatmap.set_title(words.stage_title(m, st, self._head))
        if n == 0:
            self.heatmap.set_matrix(np.zeros((0, 0)), [], [])
            return
        c, labels = m.config, self._labels
        if st == 0:
            d = c.d_k
            gap = np.full((n, 1), np.nan)
            data = np.hstack([m.qkv[0, h], gap, m.qkv[1, h], gap, m.qkv[2, h]])
            names = [[token_label(x, a) for a in range(d)] for x in "qkv"]
            self.heatmap.set_matrix(data, labels, names[0] + [""] + names[1] + [""] + names[2], kind="signed")
        elif st in (1, 2, 3):
            data = {1: m.scores[h], 2: m.scaled[h], 3: np.where(m.allowed, m.scaled[h], np.nan)}[st]
            self.heatmap.set_matrix(data, labels, labels, kind="signed", masked=st == 3)
        elif st == 4:
            self.heatmap.set_matrix(m.head_weights(self._head), labels, labels, kind="weights")
        else:
            self.heatmap.set_matrix(m.head_output(h), labels, [token_label("o", a) for a in range(c.d_k)],
                                    kind="signed")
        self.heatmap.set_selected_row(self._query)

    def _draw_row(self) -> None:
        m, n = self.model, self.model.n
        if n == 0:
            self.row_view.set_row(np.zeros(0), np.zeros(0, bool), [], "", np.zeros((0, 0)), np.zeros(0), "")
            return
        i, h = self._query, max(self._head, 0)
        w = m.head_weights(self._head)[i]
        title, sum_title = words.row_titles(m, i, self._head)
        weights = m.weights[h, i]
        self.row_view.set_row(w, ~m.allowed[i], self._labels, title, m.qkv[2, h], weights @ m.qkv[2, h], sum_title)

    def _draw_notice(self) -> None:
        text = self.model.notice
        if text != self.notice.text():
            self.notice.setText(text)
            self.notice.setVisible(bool(text))

    def _draw_editor(self) -> None:
        m, h = self.model, max(self._head, 0)
        ok = 0 < m.n <= model.MAX_EDIT_TOKENS
        edited = np.zeros((m.n, m.config.d_k), dtype=bool)
        for (which, hh, i, a) in m.edits:
            if which == self._editing and hh == h:
                edited[i, a] = True
        message = ("Double-click an entry and type a number: everything downstream updates. "
                   "Changing d_k, heads, seed, weights or positions discards hand edits."
                   if ok else f"Hand-editing works for sentences of 1 to {model.MAX_EDIT_TOKENS} tokens — "
                   f"this one has {m.n}. Try “the cat sat on the mat”.")
        self.editor.set_matrix(self._editing, m.qkv[self._editing, h] if ok else np.zeros((0, 0)),
                               self._labels, edited, h, ok, message)

    # --- hover and status -----------------------------------------------------------------------
    @Slot(int, int)
    def _on_hover(self, i: int, j: int) -> None:
        m, (rows, cols) = self.model, self.heatmap.plot.matrix_shape
        if not (0 <= i < rows and 0 <= j < cols):  # off the matrix (or a cell of the last one)
            self._hover = None
            self._set_status(*words.HINT)
            return
        self._hover = (i, j)
        if self._stage in (0, 5):
            lines = words.entry_lines(m, self._stage, i, j, self._head)
            if lines is not None:
                self._set_status(*lines)
        else:
            self._set_status(*words.pair_lines(m, i, j, self._head))

    @Slot(int)
    def _on_key_hover(self, j: int) -> None:
        if j < 0 or self.model.n == 0:
            self._set_status(*words.HINT)
            return
        self._set_status(*words.pair_lines(self.model, self._query, j, self._head))

    def _set_status(self, first: str, second: str) -> None:
        self._status_lines = (first, second)
        fm, room = self.status.fontMetrics(), max(self.status.width() - 4, 40)
        text = "\n".join(fm.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in (first, second))
        if text != self.status.text():
            self.status.setText(text)

    def status_lines(self) -> tuple[str, str]:
        """The two lines of the status (hover) text, uncut."""
        return self._status_lines

    # --- layout ------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._reflow()
        self._set_status(*self._status_lines)

    def _reflow(self) -> None:
        """Side column beside the heatmap when there is room, else below it (with its two plots
        side by side); the smallest sizes follow the font, so the projector theme gets more room."""
        em = self._em
        wide = self.width() >= WIDE_EM * em
        key = (em, wide)
        if key == self._layout_key:
            return
        self._layout_key = key
        self.heatmap.setMinimumSize(round(HEAT_MIN_EM[0] * em), round(HEAT_MIN_EM[1] * em))
        self.side_column.setMinimumWidth(round(SIDE_MIN_EM * em) if wide else 0)
        self.row_view.set_side_by_side(not wide)
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.split.orientation():
            self.split.setOrientation(orientation)
            total = max(self.width(), 1) if wide else max(self.body.height(), 1)
            self.split.setSizes([round(total * 0.6), round(total * 0.4)])
        # lay out now, not on the next pass of the event loop: the scroll area would otherwise show
        # its scroll bar for a frame, measured against the old smallest sizes
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        px = theme.font_px
        pal = self.palette()
        roles = {QPalette.ColorRole.Window: theme.background, QPalette.ColorRole.WindowText: theme.foreground,
                 QPalette.ColorRole.Base: theme.panel, QPalette.ColorRole.Text: theme.foreground,
                 QPalette.ColorRole.Button: theme.panel, QPalette.ColorRole.ButtonText: theme.foreground,
                 QPalette.ColorRole.Highlight: theme.accent, QPalette.ColorRole.HighlightedText: theme.background}
        for role, colour in roles.items():
            pal.setColor(role, QColor(colour))
        self.setPalette(pal)
        self.setAutoFillBackground(True)
        font = QFont(self.font())
        font.setPixelSize(px)
        self.setFont(font)  # inherited by every child: no style sheet on the whole explorer (it
        # would route every widget's painting through QStyleSheetStyle, ~5 ms per frame here)
        # style sheets only where the palette cannot do it, on the few widgets that need them
        self.controls.apply_theme(theme)
        for button in self.side_buttons.buttons():
            button.setStyleSheet(toggle_style(theme))
        self.status.setStyleSheet(f"color: {theme.muted};")
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.notice.setStyleSheet(f"QLabel {{ color: {theme.foreground}; background: {theme.panel};"
                                  f" border-left: {max(3, px // 4)}px solid {theme.series[1]}; padding: {px // 4}px; }}")
        self.body.viewport().setAutoFillBackground(False)
        self.heatmap.apply_theme(theme)
        self.row_view.apply_theme(theme)
        self.strip.apply_theme(theme)
        self.editor.set_accent(theme.series[3])
        self._em = px
        self._reflow()
        self._redraw()
        self._set_status(*self._status_lines)
