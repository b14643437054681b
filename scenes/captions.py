"""Subcaptions that last until the next one: a mixin for manim scenes (put it before ``Scene``).

    class MyScene(Captioned, Scene):
        def construct(self):
            self.caption("A matrix moves the plane.")   # shown from now …
            self.play(...)
            self.caption("Its columns are where î and ĵ land.")   # … until here

manim writes the captions into the clip's .srt file; the app's player shows them.
"""

from __future__ import annotations


class Captioned:
    def caption(self, text: str) -> None:
        """Show ``text`` from now until the next caption() or the end of the clip."""
        self._flush_caption()
        self._caption = (text, self.time)

    def _flush_caption(self) -> None:
        if getattr(self, "_caption", None):
            text, start = self._caption
            self.add_subcaption(text, duration=max(self.time - start, 0.1), offset=start - self.time)
            self._caption = None

    def tear_down(self) -> None:
        self._flush_caption()
        super().tear_down()
