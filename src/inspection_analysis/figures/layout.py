"""Figure layout: the header (stamp, title, subtitle) and footer (notes, source) wrapped to the figure's width and
stacked, and the plot area fitted between them so that no text leaves the image or runs into another.

matplotlib's own ``wrap=True`` wraps a text only when it is drawn, after the plot area has been placed, so a long
subtitle ran into the plot and a long note under the source line (issue 15). Here every header and footer text is
wrapped by measuring it with the figure's renderer, stacked from the top and the bottom edges, and the axes are then
moved in by exactly what their tick labels, axis labels and annotations need (``Axes.get_tightbbox``). The figure
grows taller rather than squeeze the plot below :data:`MIN_PLOT_HEIGHT`.
"""

from __future__ import annotations

__all__ = ["ROLES", "MIN_PLOT_HEIGHT", "fit_layout", "fill_text", "texts_with_role"]

#: The ``gid`` of each header and footer text, as :func:`fit_layout` stacks them: header from the top, footer from
#: the bottom (notes above the source line).
ROLES = {"header": ("ia-stamp", "ia-title", "ia-subtitle"), "footer": ("ia-note", "ia-source")}
#: The smallest height of the plot area, in inches; below it the figure is made taller.
MIN_PLOT_HEIGHT = 2.2
_PAD_PT = 8  # the margin kept free at every edge of the image, in points
_GAP_PT = 6  # the space between stacked texts, and between them and the plot area, in points


def texts_with_role(fig, role: str) -> list:
    """The figure-level texts of ``fig`` whose ``gid`` is ``role`` (e.g. ``"ia-note"``), in the order added."""
    return [t for t in fig.texts if t.get_gid() == role]


def fill_text(text: str, width_px: float, measure) -> str:
    """``text`` with its spaces joined into lines no wider than ``width_px`` (a word longer than that stays whole).

    Parameters
    ----------
    text : str
        Any text; runs of white space, line breaks included, count as one space.
    width_px : float
        The widest a line may be, in the units of ``measure``.
    measure : callable
        Gives the width of a string.

    Returns
    -------
    str
        The lines joined with ``"\\n"``.

    Examples
    --------
    >>> fill_text("one two three", 7, len)
    'one two\\nthree'
    """
    lines: list[str] = []
    for word in text.split():
        if lines and measure(f"{lines[-1]} {word}") <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _wrap(t, width_px, renderer) -> None:
    prop = t.get_fontproperties()
    t.set_text(fill_text(t.get_text(), width_px,
                         lambda s: renderer.get_text_width_height_descent(s, prop, ismath=False)[0]))


def _stack(texts, start_px, direction, size, pad, gap, renderer) -> float:
    """Place ``texts`` one below (direction -1) or above (+1) the other from ``start_px``; return the far edge."""
    width, height = size
    y = start_px
    for t in texts:
        t.set_horizontalalignment("left")
        t.set_verticalalignment("top" if direction < 0 else "bottom")
        t.set_position((pad / width, y / height))
        t.set_transform(t.figure.transFigure)
        y += direction * (t.get_window_extent(renderer).height + gap)
    return y - direction * gap if texts else start_px


def fit_layout(fig) -> None:
    """Wrap and stack the header and footer texts of ``fig`` and fit its axes between them.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :func:`inspection_analysis.figures.style.new_figure`; its texts carry the ``gid`` of
        :data:`ROLES`. Other figure texts are left where they are.

    Returns
    -------
    None
        ``fig`` is changed in place: texts wrapped and moved, the subplot parameters set, and the figure made
        taller where the plot area would otherwise be lower than :data:`MIN_PLOT_HEIGHT`. Every text is also set
        to be drawn literally (no mathtext), so a ``$`` in a label is only a dollar sign.

    Notes
    -----
    Idempotent: on a figure already laid out, a second call changes nothing.

    Examples
    --------
    >>> from inspection_analysis.figures.style import new_figure
    >>> fig, ax = new_figure("A finding", "A subtitle " * 30, "Source: test")
    >>> fit_layout(fig)
    >>> fig.texts[1].get_text().count("\\n") >= 2
    True
    """
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    for t in fig.findobj(Text):
        t.set_parse_math(False)
    renderer = fig.canvas.get_renderer()
    for _ in range(3):  # at most twice more if the figure had to grow
        width, height = fig.bbox.width, fig.bbox.height
        pad, gap = _PAD_PT * fig.dpi / 72, _GAP_PT * fig.dpi / 72
        header = [t for role in ROLES["header"] for t in texts_with_role(fig, role)]
        footer = [t for role in ROLES["footer"] for t in texts_with_role(fig, role)]
        for t in header + footer:
            _wrap(t, width - 2 * pad, renderer)
        header_bottom = _stack(header, height - pad, -1, (width, height), pad, gap, renderer)
        footer_top = _stack(footer[::-1], pad, 1, (width, height), pad, gap, renderer)
        axes = [ax for ax in fig.axes if ax.get_visible()]
        if not axes:
            return
        for _ in range(2):  # tick labels can change length when the axes move; a second pass settles them
            tight = Bbox.union([ax.get_tightbbox(renderer) for ax in axes])
            inner = Bbox.union([ax.get_window_extent(renderer) for ax in axes])
            left = pad + (inner.x0 - tight.x0)
            right = width - pad - (tight.x1 - inner.x1)
            bottom = footer_top + gap + (inner.y0 - tight.y0)
            top = header_bottom - gap - (tight.y1 - inner.y1)
            short = MIN_PLOT_HEIGHT * fig.dpi - (top - bottom)
            if short > 0:
                break
            fig.subplots_adjust(left=left / width, right=right / width, bottom=bottom / height, top=top / height)
        if short <= 0:
            return
        w_in, h_in = fig.get_size_inches()
        fig.set_size_inches(w_in, h_in + short / fig.dpi + 0.01)
