"""The attention explorer's controls, passive: widgets show the state they are given (signals
blocked) and report user edits as signals; the explorer's ``_on_*`` handlers change the model.

- ControlBar: the sentence, weights preset and seed, d_k, heads, the three switches, the
  temperature (a log slider) and the stage stepper.
- QKVEditor: a table to hand-edit Q, K or V of the shown head, for short sentences.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.models import attention as model

#: the temperature slider moves log₁₀ T in steps of 0.01 between −6 and 6
LOG_STEPS = 100


def format_temperature(t: float) -> str:
    """3 significant digits between 0.01 and 1000, else ``2.5×10⁻⁴``."""
    if 0.01 <= t < 1000:
        return f"{t:.3g}"
    mant, exp = f"{t:.1e}".split("e")
    power = str(int(exp)).replace("-", "⁻").translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mant.removesuffix('.0')}×10{power}"


def parse_number(text: str) -> float:
    """A number typed by a person, between −10⁶ and 10⁶ (model.MAX_ENTRY): a real minus sign (−)
    and a decimal comma are accepted. The error says what was wrong, for the editor to show."""
    try:
        value = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        raise ValueError(f"“{text}” is not a number; the entry is unchanged.") from None
    if not math.isfinite(value) or abs(value) > model.MAX_ENTRY:
        raise ValueError(f"“{text}” is too large: an entry must lie between −10⁶ and 10⁶ "
                         "(larger scores would overflow). The entry is unchanged.")
    return value


def toggle_style(theme) -> str:
    """The style of a checkable tool button (a stage, a side page): filled when checked."""
    px = theme.font_px
    return (f"QToolButton {{ padding: {px // 5}px {px // 2}px; }}"
            f"QToolButton:checked {{ background: {theme.accent}; color: {theme.background}; border-radius: 3px; }}")


def _group(*widgets: QWidget) -> QWidget:
    """Widgets that wrap as one (a label and its spin box)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for w in widgets:
        row.addWidget(w)
    return box


class FlowLayout(QLayout):
    """Items left to right, wrapping onto a new line when the next one does not fit (Qt's flow
    layout example, trimmed). It does not claim height-for-width (that would make the top-level
    window grow to the preferred height of everything); ControlBar sets its own minimum height
    from ``height_for`` when its width changes."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._groups: dict[int, int] = {}  # first item → one past the last of a run kept on one line
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 — Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int):  # noqa: N802 — Qt override
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int):  # noqa: N802 — Qt override
        if not 0 <= i < len(self._items):
            return None
        self._groups.clear()
        return self._items.pop(i)

    def keep_together(self, first: int, end: int) -> None:
        """Items first … end − 1 start a new line rather than break (when they fit on one line)."""
        self._groups[first] = end

    def expandingDirections(self):  # noqa: N802 — Qt override
        return Qt.Orientation(0)

    def height_for(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 — Qt override
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 — Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in ``rect`` (each line's items centred vertically); returns the height."""
        gap = self.spacing()
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = rect.x()
        for i, item in enumerate(self._items):
            hint = item.sizeHint()
            need = hint.width()
            if i in self._groups:  # a run kept together: all of it must fit on this line
                run = [it.sizeHint().width() for it in self._items[i:self._groups[i]]]
                if sum(run) + gap * (len(run) - 1) <= rect.width():
                    need = sum(run) + gap * (len(run) - 1)
            if x + need > rect.right() + 1 and lines[-1]:
                lines.append([])
                x = rect.x()
            lines[-1].append((item, hint))
            x += hint.width() + gap
        y = rect.y()
        for line in lines:
            tall = max((hint.height() for _, hint in line), default=0)
            x = rect.x()
            for item, hint in line:
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (tall - hint.height()) // 2), hint))
                x += hint.width() + gap
            y += tall + gap
        return max(0, y - gap - rect.y())


class ControlBar(QWidget):
    text_edited = Signal(str)
    preset_changed = Signal(int)
    seed_changed = Signal(int)
    d_k_changed = Signal(int)
    heads_changed = Signal(int)
    switch_toggled = Signal(str, bool)  # "scaled" | "causal" | "positional"
    temperature_changed = Signal(float)
    stage_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sentence = QLineEdit()
        self.sentence.setPlaceholderText("Type a sentence (any language) …")
        self.sentence.setClearButtonEnabled(True)
        self.sentence.textEdited.connect(self.text_edited)
        self.count = QLabel()
        self.preset = QComboBox()
        self.preset.addItems([f"W: {name}" for name in model.PRESETS])
        self.preset.setToolTip("W_Q, W_K, W_V: seeded random, or a preset pattern")
        self.preset.activated.connect(self.preset_changed)
        self.seed = self._spin("seed", 0, 9999, self.seed_changed)
        self.d_k = self._spin("d_k", 1, 64, self.d_k_changed)
        self.heads = self._spin("heads", 1, 8, self.heads_changed)
        self.switches = {
            "scaled": QCheckBox("÷ √d_k"),
            "causal": QCheckBox("causal mask"),
            "positional": QCheckBox("positions"),
        }
        for name, box in self.switches.items():
            box.toggled.connect(lambda on, name=name: self.switch_toggled.emit(name, on))
        self.switches["positional"].setToolTip("add the sinusoidal positional encoding")
        self.temperature = QSlider(Qt.Orientation.Horizontal)
        self.temperature.setRange(-6 * LOG_STEPS, 6 * LOG_STEPS)
        self.temperature.setPageStep(LOG_STEPS // 4)
        self.temperature.setToolTip("temperature T (log scale, 10⁻⁶ … 10⁶): weights = softmax(QKᵀ/(√d_k·T))")
        self.temperature.valueChanged.connect(self._on_temperature)
        self.temperature_label = QLabel()
        self.stage_buttons = QButtonGroup(self)
        self.stage_buttons.setExclusive(True)
        self.prev_stage, self.next_stage = QToolButton(), QToolButton()
        self.prev_stage.setText("◀")
        self.next_stage.setText("▶")
        self.prev_stage.setToolTip("previous stage ([)")
        self.next_stage.setToolTip("next stage (])")
        self.prev_stage.clicked.connect(lambda: self._step_stage(-1))
        self.next_stage.clicked.connect(lambda: self._step_stage(1))

        top = QHBoxLayout()
        top.addWidget(QLabel("Sentence"))
        top.addWidget(self.sentence, 1)
        top.addWidget(self.count)
        self.flow_box = QWidget()
        flow = FlowLayout(self.flow_box, spacing=6)  # wraps onto more lines when narrow or in projector mode
        flow.addWidget(self.preset)
        for label, w in (("seed", self.seed), ("d_k", self.d_k), ("heads", self.heads)):
            flow.addWidget(_group(QLabel(label), w))
        for box in self.switches.values():
            flow.addWidget(box)
        flow.addWidget(_group(QLabel("T"), self.temperature, self.temperature_label))
        first = flow.count()
        flow.addWidget(self.prev_stage)
        for i, name in enumerate(model.STAGES):
            b = QToolButton()
            b.setText(name)
            b.setCheckable(True)
            b.setToolTip(f"stage {i + 1} of {len(model.STAGES)}")
            self.stage_buttons.addButton(b, i)
            flow.addWidget(b)
        flow.addWidget(self.next_stage)
        flow.keep_together(first, flow.count())  # the stage stepper wraps as a whole when it can
        self.stage_buttons.idClicked.connect(self.stage_changed)
        self.flow = flow
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        col.addLayout(top)
        col.addWidget(self.flow_box)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override: room for the wrapped lines
        super().resizeEvent(event)
        height = self.flow.height_for(self.width())
        if height != self.flow_box.height() or height != self.flow_box.minimumHeight():
            self.flow_box.setFixedHeight(height)

    def _spin(self, name: str, lo: int, hi: int, signal) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setKeyboardTracking(False)  # typing "64" is one change, not "6" then "64"
        box.setAccessibleName(name)
        box.valueChanged.connect(signal)
        return box

    def apply_theme(self, theme) -> None:
        """Style sheets on the few widgets the palette cannot style (the explorer sets the palette)."""
        px = theme.font_px
        indicator = (f"QCheckBox {{ color: {theme.foreground}; }}"
                     f"QCheckBox::indicator {{ width: {round(px * 0.85)}px; height: {round(px * 0.85)}px;"
                     f" border: {max(1, px // 12)}px solid {theme.muted}; border-radius: 3px;"
                     f" background: {theme.background}; }}"
                     f"QCheckBox::indicator:checked {{ background: {theme.accent}; border-color: {theme.accent}; }}")
        for box in self.switches.values():
            box.setStyleSheet(indicator)
        for button in self.stage_buttons.buttons():
            button.setStyleSheet(toggle_style(theme))
        self.temperature.setMinimumHeight(round(px * 1.6))
        self.fit_fonts()

    def fit_fonts(self) -> None:
        """Sizes that follow the font: a fixed width for the temperature's value (so a drag never
        re-lays out the bar) and a slider long enough to aim with."""
        fm = self.temperature_label.fontMetrics()
        self.temperature_label.setFixedWidth(round(fm.horizontalAdvance("= 8.8×10⁻⁸") + 4))
        self.temperature.setFixedWidth(round(fm.horizontalAdvance("0") * 22))

    def set_state(self, cfg: model.Config, stage: int, n_tokens: int, truncated: int) -> None:
        """Show the model's state; never emits."""
        widgets = [self.preset, self.seed, self.d_k, self.heads, self.temperature, self.stage_buttons,
                   *self.switches.values()]
        for w in widgets:
            w.blockSignals(True)
        self.preset.setCurrentIndex(cfg.preset)
        self.seed.setValue(cfg.seed)
        self.d_k.setValue(cfg.d_k)
        self.heads.setValue(cfg.heads)
        for name, box in self.switches.items():
            box.setChecked(bool(getattr(cfg, name)))
        self.seed.setEnabled(cfg.preset == 0)
        self.temperature.setValue(round(math.log10(cfg.temperature) * LOG_STEPS))
        self.temperature_label.setText(f"= {format_temperature(cfg.temperature)}")
        self.stage_buttons.button(stage).setChecked(True)
        for w in widgets:
            w.blockSignals(False)
        self.prev_stage.setEnabled(stage > 0)
        self.next_stage.setEnabled(stage < len(model.STAGES) - 1)
        cut = f" (first {model.MAX_TOKENS} of {model.MAX_TOKENS + truncated})" if truncated else ""
        self.count.setText(f"{n_tokens} token{'s' if n_tokens != 1 else ''}{cut}")

    def set_text(self, text: str) -> None:
        if self.sentence.text() != text:
            self.sentence.setText(text)

    @Slot(int)
    def _on_temperature(self, value: int) -> None:
        self.temperature_changed.emit(10.0 ** (value / LOG_STEPS))

    def _step_stage(self, delta: int) -> None:
        stage = self.stage_buttons.checkedId() + delta
        if 0 <= stage < len(model.STAGES):
            self.stage_changed.emit(stage)


class QKVEditor(QWidget):
    """Q, K or V of one head as an editable table (rows: tokens, columns: coordinates)."""

    entry_edited = Signal(int, int, int, float)  # matrix (0 Q, 1 K, 2 V), row, column, value
    matrix_chosen = Signal(int)
    reset_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.which = QComboBox()
        self.which.addItems(["Q (queries)", "K (keys)", "V (values)"])
        self.which.activated.connect(self.matrix_chosen)
        self.head_label = QLabel()
        self.reset = QPushButton("Reset edits")
        self.reset.clicked.connect(self.reset_requested)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_item_changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.which)
        row.addWidget(self.head_label)
        row.addStretch(1)
        row.addWidget(self.reset)
        col = QVBoxLayout(self)
        col.setContentsMargins(4, 4, 4, 4)
        col.addLayout(row)
        col.addWidget(self.table, 1)
        col.addWidget(self.message)
        self._which = 0
        self._accent = QColor("#E69F00")
        self._error = ""  # shown instead of the usual message once, after a typo

    def set_matrix(self, which: int, values: np.ndarray, labels: list[str], edited: np.ndarray, head: int,
                   enabled: bool, message: str) -> None:
        """values (n, d_k) of matrix ``which`` of ``head``; ``edited`` marks hand-edited entries."""
        self._which = which
        self.which.setCurrentIndex(which)
        self.head_label.setText(f"head {head + 1}")
        self.table.blockSignals(True)
        n, d = values.shape if enabled else (0, 0)
        self.table.setRowCount(n)
        self.table.setColumnCount(d)
        self.table.setVerticalHeaderLabels(labels[:n])
        self.table.setHorizontalHeaderLabels([str(a) for a in range(d)])
        bold = QFont()
        bold.setBold(True)
        for i in range(n):
            for a in range(d):
                item = self.table.item(i, a)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(i, a, item)
                item.setText(f"{values[i, a]:.3f}".replace("-", "−"))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setFont(bold if edited[i, a] else QFont())
                item.setBackground(QBrush(self._accent) if edited[i, a] else QBrush())
                item.setToolTip(f"{'QKV'[which]}[{i}, {a}] = {values[i, a]!r}")
        self.table.blockSignals(False)
        self.table.setEnabled(enabled)
        self.which.setEnabled(enabled)
        self.reset.setEnabled(bool(edited.any()) if enabled else False)
        self.message.setText(self._error or message)
        self._error = ""

    def set_accent(self, colour: str) -> None:
        self._accent = QColor(colour)

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        try:
            value = parse_number(item.text())
        except ValueError as error:
            self._error = str(error)
            self.entry_edited.emit(self._which, item.row(), item.column(), float("nan"))
            return
        self.entry_edited.emit(self._which, item.row(), item.column(), value)
