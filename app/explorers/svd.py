"""SVD image compression explorer: rank-k reconstruction of any image, the spectrum, the layers,
and the 2×2 geometry of A = UΣVᵀ.

The one place that wires the views (svd_images, svd_plots, svd_geometry) to the model
(app.models.svd). Factoring runs in a FactorWorker; moving k updates A_k in place (RankK).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from app.explorers.base import Explorer
from app.explorers.svd_images import layer_thumbnails, probe_text, to_rgb8
from app.explorers.svd_jobs import factor_job
from app.explorers.svd_layout import DOWNSCALE_SIDE, N_LAYERS, RANK_KEYS, SAMPLES, build, set_checked, style
from app.explorers.svd_worker import FactorWorker
from app.models import image_io
from app.models import svd as model
from app.widgets.theme import Theme

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "assets" / "samples"
THUMB_SIDE = 96


class SVDExplorer(Explorer):
    def __init__(self, lesson, parent: QWidget | None = None):
        super().__init__(lesson, parent)
        p = lesson.defaults()
        self._k = int(p["k"])
        self._luminance = bool(p["luminance"])
        self._sample = int(p["sample"])
        self._error_view = bool(p["error_view"])
        self._matrix = np.array([[p["a"], p["b"]], [p["c"], p["d"]]], dtype=float)
        self._stage = float(p["stage"])
        self._path: Path | None = None
        self._image: image_io.LoadedImage | None = None
        self._fact: model.Factorization | None = None
        self._rankk: model.RankK | None = None
        self._orig: np.ndarray | None = None  # (C, m, n) float32, what is being compressed
        self._scratch: np.ndarray | None = None
        self._rgb: np.ndarray | None = None
        self._step = 0  # display sampling: every s-th pixel when zoomed out (the model stays full size)
        self._layer = -1  # a layer shown large instead of A_k
        self.message = ""
        build(self)
        self.worker = FactorWorker(self)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_factored)
        self.worker.failed.connect(self._on_failed)
        self.worker.busy_changed.connect(self._on_busy)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self.setAcceptDrops(True)
        self.geometry_view.set_state(self._matrix, self._stage)
        self._start(SAMPLES_DIR / SAMPLES[max(0, self._sample)][1], None, self._luminance, None)

    # --- explorer contract --------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        a, b, c, d = (float(x) for x in self._matrix.ravel())
        out = {"k": float(self._k), "luminance": float(self._luminance), "sample": float(self._sample),
               "error_view": float(self._error_view), "a": a, "b": b, "c": c, "d": d, "stage": self._stage}
        f = self._fact
        if f is None:
            return out | {"m": 0.0, "n": 0.0}
        met = f.metrics(self._k)
        sig = f.sigma()
        dropped = [float(sig[i]) if i < f.rank_max else 0.0 for i in range(self._k, self._k + 3)]
        return out | {
            "m": float(f.m), "n": float(f.n), "channels": float(f.channels), "max_rank": float(f.rank_max),
            "psnr": min(met.psnr, 999.0), "energy": met.energy, "ratio": met.ratio, "rel_error": met.rel_error,
            "storage": float(met.storage), "norm": float(np.sqrt(f.total_energy)),
            "tail": float(f.tail()[self._k]), "drop1": dropped[0], "drop2": dropped[1], "drop3": dropped[2],
        }

    def set_params(self, params: dict[str, float]) -> None:
        p = {k: model.PARAMS[k].clamp(v) for k, v in params.items() if k in model.PARAMS}
        if "a" in p or "b" in p or "c" in p or "d" in p or "stage" in p:
            m = self._matrix.ravel().copy()
            for i, name in enumerate("abcd"):
                m[i] = p.get(name, m[i])
            self._matrix = m.reshape(2, 2)
            self._stage = p.get("stage", self._stage)
            self.geometry_view.set_state(self._matrix, self._stage)
        self._error_view = bool(round(p.get("error_view", self._error_view)))
        set_checked(self.error_box, self._error_view)
        self._k = int(round(p.get("k", self._k)))
        self._layer = -1
        sample = int(round(p.get("sample", self._sample)))
        luminance = bool(round(p.get("luminance", self._luminance)))
        set_checked(self.luminance_box, luminance)
        if sample >= 0 and sample != self._sample:
            self._sample = sample
            self._luminance = luminance
            self.sample_box.setCurrentIndex(sample)
            self._start(SAMPLES_DIR / SAMPLES[sample][1], None, luminance, None)
        elif luminance != self._luminance:
            self._luminance = luminance
            self._refactor()
        self._redraw()
        self.params_changed.emit(self.params())

    def scene_params(self) -> dict:
        out = self.params()
        if self._sample < 0 and self._path is not None:  # the user's image: the scene reads the file
            out |= {"image": str(self._path), "image_stamp": self._path.stat().st_mtime_ns}
        return out

    def quantities(self) -> dict[str, float]:
        return model.quantities(self._fact, self._k, self._matrix, self._sample)

    def plot_item(self):
        return self.plots.ci

    def export_table(self) -> tuple[list[str], list[list[float]]]:
        cols = ["k", "sigma", "energy_percent", "psnr_db", "relative_error", "stored_numbers", "compression_ratio"]
        f = self._fact
        if f is None:
            return cols, []
        sig = f.sigma()
        rows = []
        for k in range(1, f.rank_max + 1):
            met = f.metrics(k)
            rows.append([k, float(sig[k - 1]), met.energy, met.psnr, met.rel_error, met.storage, met.ratio])
        return cols, rows

    # --- public actions (the shell routes File → Open here) -----------------------------------
    def open_image(self, path) -> bool:
        """Start loading ``path``; False (with a message) when its header already shows it is unusable.
        Decoding errors found later are reported the same way; the current image stays either way."""
        try:
            image_io.probe(path := Path(path))
        except image_io.ImageLoadError as e:
            self._show_message(f"Could not open the image: {e}.", error=True)
            return False
        self._start(path, None, self._luminance, None)
        return True

    def set_rank(self, k: int) -> None:
        """Same as moving the slider to k."""
        self._on_rank(k)

    def busy(self) -> bool:
        """True while an image is being loaded or factored (the shell may wait before a screenshot)."""
        return self.worker.busy

    def shutdown(self) -> None:
        self.worker.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt override
        self.shutdown()
        super().closeEvent(event)

    # --- handlers (every user edit comes through one of these) --------------------------------
    @Slot(int)
    def _on_rank(self, k: int) -> None:
        if self._fact is None:
            return
        k = int(np.clip(k, 1, self._fact.rank_max))
        if k == self._k and self._rankk is not None and self._rankk.k == k and self._layer < 0:
            return
        self._k = k
        self._layer = -1
        self._redraw()
        self.params_changed.emit(self.params())

    @Slot(int)
    def _on_sample(self, index: int) -> None:
        if 0 <= index < len(SAMPLES):
            self._sample = index
            self._start(SAMPLES_DIR / SAMPLES[index][1], None, self._luminance, None)

    @Slot(bool)
    def _on_luminance(self, on: bool) -> None:
        if on != self._luminance:
            self._luminance = on
            self._refactor()
            self.params_changed.emit(self.params())

    @Slot(bool)
    def _on_error_view(self, on: bool) -> None:
        self._error_view = on
        self._layer = -1
        self._redraw()
        self.params_changed.emit(self.params())

    @Slot(int)
    def _on_layer_clicked(self, i: int) -> None:
        if self._fact is None or i >= self._fact.rank_max:
            return
        self._layer = -1 if i == self._layer else i
        self._redraw()

    @Slot(object)
    def _on_matrix(self, M) -> None:
        self._matrix = np.asarray(M, dtype=float).reshape(2, 2)
        self.geometry_view.set_state(self._matrix, self._stage)
        self.params_changed.emit(self.params())

    @Slot(float)
    def _on_stage(self, t: float) -> None:
        self._stage = float(np.clip(t, 0.0, 3.0))
        self.geometry_view.set_state(self._matrix, self._stage)
        self.params_changed.emit(self.params())

    @Slot()
    def _on_link_linear(self) -> None:
        from app.lessons import LESSONS_DIR, LessonError, load_lesson

        try:
            d = load_lesson(LESSONS_DIR / "linear-transforms.toml").defaults()
        except LessonError as e:
            self._show_message(str(e), error=True)
            return
        self._on_matrix(np.array([[d["a"], d["b"]], [d["c"], d["d"]]]))

    @Slot()
    def _on_open_clicked(self) -> None:
        patterns = " ".join(image_io.FILE_PATTERNS)
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "", f"Images ({patterns});;All files (*)")
        if path:
            self.open_image(path)

    @Slot()
    def _on_downscale(self) -> None:
        if self._image is not None:
            self._start(self._path, self._image, self._luminance, DOWNSCALE_SIDE)

    @Slot()
    def _on_cancel(self) -> None:
        self.worker.cancel()
        self._show_message("Cancelled; the previous image stays.")

    # --- worker results ----------------------------------------------------------------------
    def _start(self, path, image, luminance, max_side) -> None:
        self.worker.submit(factor_job(path, image, luminance, max_side, self._k))

    def _refactor(self) -> None:
        if self._image is not None:
            self._start(self._path, self._image, self._luminance, None)

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(round(1000 * fraction))

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self._show_message("Computing the SVD…")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._show_message(f"Could not open the image: {message}.", error=True)

    @Slot(object)
    def _on_factored(self, result) -> None:
        path, img, luminance, fact, orig, rankk = result
        self._path, self._image, self._fact = path, img, fact
        self._luminance = luminance
        set_checked(self.luminance_box, luminance)
        self.luminance_box.setEnabled(img.is_color)
        is_sample = path is not None and path.parent == SAMPLES_DIR
        if not is_sample:
            self._sample = -1
            self.sample_box.setCurrentIndex(-1)
            self.sample_box.setPlaceholderText(f"Your image: {img.name}")
        self.downscale_button.setVisible(max(img.shape) > DOWNSCALE_SIDE)
        self._orig, self._rankk = orig, rankk
        self._step = 0
        self.images.set_shape((fact.m, fact.n))
        self.images.reset_zoom()
        for w in (self.slider, self.spin):
            w.blockSignals(True)
            w.setRange(1, fact.rank_max)
            w.blockSignals(False)
        c = fact.curves()
        self.plots.set_curves(c["k"], fact.sigma(), c["energy"], c["psnr"])
        self._draw_layers()
        self._k = int(np.clip(self._k, 1, fact.rank_max))
        self._layer = -1
        m, n = fact.m, fact.n
        kind = "luminance" if fact.channels == 1 and img.is_color else ("RGB" if fact.channels == 3 else "grayscale")
        how = "all" if fact.full else f"the leading {fact.rank_max} (randomised SVD)"
        notes = "; ".join(img.notes)
        self._show_message(f"{img.name}: {n} × {m} px, {kind}, {how} singular triplets"
                           + (f" — note: {notes}" if notes else ""))
        self._redraw()
        self.params_changed.emit(self.params())

    # --- drawing -----------------------------------------------------------------------------
    def _redraw(self) -> None:
        f, r = self._fact, self._rankk
        if f is None or r is None:
            return
        k = self._k
        r.set_k(k)
        for w in (self.slider, self.spin):
            if w.value() != k:
                w.blockSignals(True)
                w.setValue(k)
                w.blockSignals(False)
        if self._layer >= 0:
            s = self._sync_sampling()
            rows, cols = np.arange(0, f.m, s), np.arange(0, f.n, s)
            layer = f.layer(self._layer, rows, cols).mean(axis=-1)
            lim = float(np.max(np.abs(layer))) or 1.0
            self.images.set_right_signed(layer, lim)
            i = self._layer + 1
            self.images.set_titles("original", f"layer {i} alone: σ<sub>{i}</sub>u<sub>{i}</sub>v<sub>{i}</sub><sup>T</sup> (blue &lt; 0 &lt; red)")
        elif self._error_view:
            s = self._sync_sampling()
            err = (self._orig[:, ::s, ::s] - r.data[:, ::s, ::s]).mean(axis=0)
            lim = max(3.0 * float(np.sqrt(np.mean(err * err))), 1.0 / 255)
            self.images.set_right_signed(err, lim)
            self.images.set_titles("original", f"error A − A<sub>{k}</sub> (±{lim:.3f}; red: A<sub>k</sub> too dark)")
        else:
            s = self._sync_sampling()
            data = r.data[:, ::s, ::s]
            if self._scratch is None or self._scratch.shape != data.shape:
                self._scratch, self._rgb = np.empty(data.shape, np.float32), None
            self._rgb = to_rgb8(data, self._scratch, self._rgb)
            self.images.set_right_rgb(self._rgb)
            self.images.set_titles("original", "rank-k reconstruction A<sub>k</sub>")
        self.plots.set_k(k)
        self.strip.set_k(k, self._layer)
        met = f.metrics(k)
        psnr = "∞" if not np.isfinite(met.psnr) else f"{met.psnr:.2f}"
        self.captions["k"].setText(f"rank k (of {f.rank_max})")
        self.big["k"].setText(f"{k}")
        self.big["psnr"].setText(f"{psnr} dB")
        self.big["energy"].setText(f"{met.energy:.2f} %")
        self.big["ratio"].setText(f"{met.ratio:.1f}×")
        self.storage_label.setText(f"{met.storage:,} of {met.raw:,} numbers")

    def _sync_sampling(self) -> int:
        """The display sampling step; redraws the original when it changes (zoom, resize)."""
        s = self.images.display_step()
        if s != self._step and self._orig is not None:
            self._step = s
            self.images.set_original(to_rgb8(self._orig[:, ::s, ::s]))
        return self._step

    def _on_sampling_changed(self) -> None:
        if self._fact is not None and self.images.display_step() != self._step:
            self._redraw()

    def _draw_layers(self) -> None:
        if self._fact is not None:
            self.strip.set_layers(*layer_thumbnails(self._fact, N_LAYERS, THUMB_SIDE))

    def _probe(self, row: int, col: int) -> str:
        if self._orig is None or self._rankk is None:
            return ""
        return probe_text(self._orig[:, row, col], self._rankk.data[:, row, col], row, col)

    @Slot(str)
    def _on_hover(self, text: str) -> None:
        self.hover_label.setText(text)

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message = text
        self.status.setText(text)
        color = "#D55E00" if error else self.theme.muted
        self.status.setStyleSheet(f"color: {color}; font-size: {self.theme.font_px}px;")

    # --- drag and drop, keys ------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 — Qt override
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 — Qt override
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.open_image(files[0])
            event.acceptProposedAction()

    def keyPressEvent(self, event) -> None:  # noqa: N802 — Qt override: ±1 / ±10 anywhere in the explorer
        step = RANK_KEYS.get(Qt.Key(event.key()))
        if step is None or self._fact is None:
            super().keyPressEvent(event)
            return
        self._on_rank(self._k + step)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        style(self, theme)
        self.images.apply_theme(theme)
        self.plots.apply_theme(theme)
        self.strip.apply_theme(theme)
        self.geometry_view.apply_theme(theme)
        self._show_message(self.message, error=self.status.styleSheet().startswith("color: #D55E00"))
        self._draw_layers()
        self._redraw()
