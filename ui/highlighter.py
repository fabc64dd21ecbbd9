"""Paints spans over the article without touching the document's text or formats.

A ``QSyntaxHighlighter`` only sets per-layout formats, so the document stays
exactly the stored text; the spans come from a ``SpanIndex`` bucketed by block,
so painting one paragraph costs a dictionary look-up plus its own spans.
Overlaps stay visible: tints of nested spans are blended (a DATE inside a
CLAIM is green over orange) and the innermost of a nest is underlined in its
label's colour.  Read-only layers (other analysts', unless unlocked) are faint
with a dotted underline.  ``set_theme`` changes the paper, the label colours
and the strengths (lighter tints on dark paper, see appearance.py).

Opening a long article paints the first screens at once and the rest in
slices of a few milliseconds right after the first paint (``begin_load`` /
``end_load``); a block scrolled into view before its turn is painted first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtGui import QColor, QTextBlock, QTextCharFormat, QTextDocument

from .sliced_painting import SlicedHighlighter
from .span_index import Entry, SpanIndex, split_at_edges

OWN_ALPHA = 0.42
OTHER_ALPHA = 0.13
PAPER = QColor("#ffffff")

# A painting layer: (label, is the current analyst's span).
Layer = tuple[str, bool]


def blend(base: QColor, over: QColor, alpha: float) -> QColor:
    """``over`` at ``alpha`` on top of ``base`` (opaque result: no stacking surprises)."""
    return QColor(
        round(base.red() + (over.red() - base.red()) * alpha),
        round(base.green() + (over.green() - base.green()) * alpha),
        round(base.blue() + (over.blue() - base.blue()) * alpha),
    )


class SpanHighlighter(SlicedHighlighter):
    """Tints each span by label; ``index`` and ``editable`` are asked at paint time."""

    def __init__(
        self,
        document: QTextDocument,
        colours: Mapping[str, str],
        index: Callable[[], SpanIndex | None],
        editable: Callable[[str], bool],
    ) -> None:
        super().__init__(document, index)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._editable = editable
        self._paper = PAPER
        self._alphas = (OWN_ALPHA, OTHER_ALPHA, OWN_ALPHA)
        self._dark = False
        self._formats: dict[tuple[Layer, ...], QTextCharFormat] = {}

    def _paint_block(self, block: QTextBlock, entries: list[Entry]) -> None:
        # The length includes the separator, which spans may cover.
        for start, end, layers in _segments(entries, block.position(), block.length(),
                                            self._editable):  # fmt: skip
            self.setFormat(start, end - start, self._format(layers))

    def rehighlight_blocks(self, blocks: Iterable[int]) -> None:
        """Repaint only these blocks (one added span touches one or two)."""
        self.repaint(blocks)

    def set_theme(self, paper: QColor, colours: Mapping[str, QColor],
                  alphas: tuple[float, float, float], *, dark: bool) -> None:  # fmt: skip
        """New paper, label colours and strengths (editable, read-only, an editable span
        inside another); repaints."""
        self._paper, self._colours, self._alphas, self._dark = paper, dict(colours), alphas, dark
        self._formats.clear()
        self.rehighlight()

    def clear_formats(self) -> None:
        """Which layers are editable changed: formats are made again on the next paint."""
        self._formats.clear()

    def _format(self, layers: tuple[Layer, ...]) -> QTextCharFormat:
        fmt = self._formats.get(layers)
        if fmt is not None:
            return fmt
        fmt = QTextCharFormat()
        colour = self._paper
        own_alpha, other_alpha, nested_alpha = self._alphas
        tinted = False
        for label, own in layers:
            alpha = (nested_alpha if tinted else own_alpha) if own else other_alpha
            colour = blend(colour, self._label_colour(label), alpha)
            tinted = tinted or own
        fmt.setBackground(colour)
        inner_label, inner_own = layers[-1]
        if not inner_own:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(self._label_colour(inner_label))
        elif len(layers) > 1:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            inner = self._label_colour(inner_label)
            fmt.setUnderlineColor(inner.lighter(130) if self._dark else inner.darker(130))
        self._formats[layers] = fmt
        return fmt

    def _label_colour(self, label: str) -> QColor:
        # A label unknown to the schema (imported data) still shows, in grey.
        return self._colours.get(label, QColor("#999999"))


def _segments(
    entries: list[Entry], origin: int, length: int, editable: Callable[[str], bool]
) -> list[tuple[int, int, tuple[Layer, ...]]]:
    """Split a block at every span edge: ``(start, end, layers outer->inner)``."""
    known: dict[str, bool] = {}

    def layer(e: Entry) -> Layer:
        who = e.span.annotator
        own = known.get(who)
        if own is None:
            own = known[who] = editable(who)
        return e.span.label, own

    return split_at_edges(entries, origin, length, layer)
