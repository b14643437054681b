"""The SVD explorer's widgets and their layout (one function, so svd.py keeps to the wiring)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.explorers.svd_geometry import GeometryView
from app.explorers.svd_images import ImagePairView, LayerStrip
from app.explorers.svd_plots import SpectrumPlots
from app.widgets.theme import Theme

SAMPLES = (("Shapes and text", "shapes.png"), ("Tartan (low rank)", "tartan.png"), ("Landscape", "landscape.png"))
DOWNSCALE_SIDE = 1024
#: keys that move the rank anywhere in the explorer: ±1 and ±10
RANK_KEYS = {Qt.Key.Key_Plus: 1, Qt.Key.Key_Equal: 1, Qt.Key.Key_Minus: -1, Qt.Key.Key_Right: 1,
             Qt.Key.Key_Left: -1, Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: 10,
             Qt.Key.Key_PageDown: -10, Qt.Key.Key_BracketRight: 10, Qt.Key.Key_BracketLeft: -10}
N_LAYERS = 8


def set_checked(box: QCheckBox, on: bool) -> None:
    """Tick or untick without emitting toggled (the explorer is the one setting it)."""
    box.blockSignals(True)
    box.setChecked(on)
    box.blockSignals(False)


def build(ex) -> None:
    """Create ``ex``'s widgets as attributes, connect them to its ``_on_*`` handlers, lay them out."""
    ex.sample_box = QComboBox()
    for title, _ in SAMPLES:
        ex.sample_box.addItem(title)
    ex.sample_box.setCurrentIndex(max(0, ex._sample))
    ex.sample_box.activated.connect(ex._on_sample)
    ex.open_button = QPushButton("Open image…")
    ex.open_button.clicked.connect(ex._on_open_clicked)
    ex.downscale_button = QPushButton(f"Downscale to {DOWNSCALE_SIDE} px")
    ex.downscale_button.clicked.connect(ex._on_downscale)
    ex.downscale_button.setVisible(False)  # only offered for images larger than that
    ex.luminance_box = QCheckBox("Luminance only")
    ex.luminance_box.setToolTip("Compress one grey matrix (Rec. 601 luma) instead of R, G and B")
    ex.luminance_box.setChecked(ex._luminance)
    ex.luminance_box.toggled.connect(ex._on_luminance)
    ex.error_box = QCheckBox("Show error")
    ex.error_box.setToolTip("Show A − A_k, the part the first k layers miss (red: A_k too dark)")
    ex.error_box.setChecked(ex._error_view)
    ex.error_box.toggled.connect(ex._on_error_view)
    controls = QHBoxLayout()
    for w in (ex.sample_box, ex.open_button, ex.downscale_button, ex.luminance_box, ex.error_box):
        controls.addWidget(w)
    controls.addStretch(1)

    # plain-text labels: re-laying out rich text on every slider step costs more than it shows
    names = {"k": "rank k", "psnr": "PSNR", "energy": "energy kept", "ratio": "compression ratio"}
    ex.big = {name: QLabel() for name in names}
    ex.captions = {name: QLabel(text) for name, text in names.items()}
    ex.storage_label = QLabel()
    numbers = QHBoxLayout()
    for name, w in ex.big.items():
        box = QVBoxLayout()
        box.setSpacing(0)
        box.addWidget(ex.captions[name])
        box.addWidget(w)
        if name == "ratio":
            box.addWidget(ex.storage_label)
        box.addStretch(1)
        w.setTextFormat(Qt.TextFormat.PlainText)
        numbers.addLayout(box)
        numbers.addSpacing(24)
    numbers.addStretch(1)

    ex.images = ImagePairView()
    ex.images.set_probe(ex._probe)
    ex.images.hovered.connect(ex._on_hover)
    ex.images.sampling_changed = ex._on_sampling_changed
    ex.slider = QSlider(Qt.Orientation.Horizontal)
    ex.slider.setRange(1, 1)
    ex.slider.setSingleStep(1)
    ex.slider.setPageStep(10)
    ex.slider.valueChanged.connect(ex._on_rank)
    ex.spin = QSpinBox()
    ex.spin.setRange(1, 1)
    ex.spin.valueChanged.connect(ex._on_rank)
    ex.rank_label = QLabel("rank k")
    rank_row = QHBoxLayout()
    rank_row.addWidget(ex.rank_label)
    rank_row.addWidget(ex.slider, 1)
    rank_row.addWidget(ex.spin)
    ex.strip = LayerStrip(N_LAYERS)
    ex.strip.layer_clicked.connect(ex._on_layer_clicked)
    ex.plots = SpectrumPlots()

    image_tab = QWidget()
    image_tab.setObjectName("svdPage")
    col = QVBoxLayout(image_tab)
    col.setContentsMargins(4, 4, 4, 4)
    col.addLayout(numbers)
    # pictures above, layers + plots below, the border draggable (a projector wants bigger pictures)
    top, bottom = QWidget(), QWidget()
    top_col, bottom_col = QVBoxLayout(top), QVBoxLayout(bottom)
    for c in (top_col, bottom_col):
        c.setContentsMargins(0, 0, 0, 0)
    top_col.addWidget(ex.images, 1)
    top_col.addLayout(rank_row)
    bottom_col.addWidget(ex.strip)
    bottom_col.addWidget(ex.plots, 1)
    ex.splitter = QSplitter(Qt.Orientation.Vertical)
    ex.splitter.addWidget(top)
    ex.splitter.addWidget(bottom)
    ex.splitter.setStretchFactor(0, 3)
    ex.splitter.setStretchFactor(1, 2)
    ex.splitter.setChildrenCollapsible(False)
    ex.splitter.setSizes([1000, 1000])  # half and half of whatever height the page gets
    col.addWidget(ex.splitter, 1)
    ex.geometry_view = GeometryView()
    ex.geometry_view.setObjectName("svdPage")
    ex.geometry_view.matrix_edited.connect(ex._on_matrix)
    ex.geometry_view.stage_edited.connect(ex._on_stage)
    ex.geometry_view.link_requested.connect(ex._on_link_linear)
    ex.tabs = QTabWidget()
    ex.tabs.addTab(image_tab, "Image")
    ex.tabs.addTab(ex.geometry_view, "Geometry (2×2)")

    ex.status = QLabel()
    ex.status.setWordWrap(True)
    ex.hover_label = QLabel()
    ex.progress = QProgressBar()
    ex.progress.setRange(0, 1000)
    ex.progress.setMaximumWidth(220)
    ex.cancel_button = QPushButton("Cancel")
    ex.cancel_button.clicked.connect(ex._on_cancel)
    status_row = QHBoxLayout()
    status_row.addWidget(ex.status, 1)
    status_row.addWidget(ex.hover_label)
    status_row.addWidget(ex.progress)
    status_row.addWidget(ex.cancel_button)
    ex.progress.hide()
    ex.cancel_button.hide()

    layout = QVBoxLayout(ex)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(4)
    layout.addLayout(controls)
    layout.addWidget(ex.tabs, 1)
    layout.addLayout(status_row)


def style(ex, theme: Theme) -> None:
    """Palette, fonts and sizes of ``ex``'s own Qt widgets (the plots style themselves)."""
    px = theme.font_px
    pal = ex.palette()
    roles = {QPalette.ColorRole.Window: theme.background, QPalette.ColorRole.WindowText: theme.foreground,
             QPalette.ColorRole.Base: theme.panel, QPalette.ColorRole.Text: theme.foreground,
             QPalette.ColorRole.Button: theme.panel, QPalette.ColorRole.ButtonText: theme.foreground}
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    ex.setPalette(pal)
    ex.setAutoFillBackground(True)
    ex.setStyleSheet(
        f"QLabel, QCheckBox, QPushButton, QComboBox, QSpinBox, QTabBar::tab {{ font-size: {px}px; }}"
        f"QLabel, QCheckBox {{ color: {theme.foreground}; }}"
        f"QCheckBox::indicator {{ width: {round(px * 0.9)}px; height: {round(px * 0.9)}px; }}"
        f"QTabBar::tab {{ padding: {px // 3}px {px}px; }}"
        f"QTabWidget::pane {{ background: {theme.background}; border: 1px solid {theme.grid}; }}"
        f"QWidget#svdPage {{ background: {theme.background}; }}"
    )
    big = round(px * (1.4 if theme.name == "projector" else 2.0))  # projector px is already large
    for w in ex.big.values():
        w.setStyleSheet(f"font-size: {big}px; font-weight: bold; color: {theme.foreground};")
    for w in (*ex.captions.values(), ex.storage_label):
        w.setStyleSheet(f"font-size: {px}px; color: {theme.muted};")
    ex.slider.setMinimumHeight(round(px * 1.8))
    ex.plots.setMinimumHeight(round(px * 6))
    ex.images.setMinimumHeight(round(px * 7))
