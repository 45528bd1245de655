"""The Making Data Count variation and assurance icons, drawn afresh and placed on a chart.

NHS England's Making Data Count summarises a chart's latest point by two
round icons: **variation** (common cause; special cause improving or
concerning, high or low) and **assurance** (the target consistently passed,
consistently failed, or sometimes each). This is our own drawing of that
design, in the house colours: a ring, a letter that carries the meaning
without colour (H or L for a special cause high or low, P, F or ? for
assurance) and, for variation, a small run of dots.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.style import CATEGORICAL, GREY, SEQUENTIAL

__all__ = ["VARIATION_ICONS", "ASSURANCE_ICONS", "icon_caption", "add_icons"]

# name -> (colour, letter, rising dots?, caption); the names are NHSRplotthedots' icon files
#: The variation icons: common cause, and special cause improving, concerning or neutral, high or low.
VARIATION_ICONS = {
    "common_cause": (CATEGORICAL[4], "", None, "common-cause variation"),
    "improvement_low": (SEQUENTIAL[1], "L", False, "special cause: improvement (lower)"),
    "improvement_high": (SEQUENTIAL[1], "H", True, "special cause: improvement (higher)"),
    "concern_high": (CATEGORICAL[3], "H", True, "special cause: concern (higher)"),
    "concern_low": (CATEGORICAL[3], "L", False, "special cause: concern (lower)"),
    "neutral_high": (CATEGORICAL[5], "H", True, "special cause: neither better nor worse (higher)"),
    "neutral_low": (CATEGORICAL[5], "L", False, "special cause: neither better nor worse (lower)"),
}
#: The assurance icons: the target consistently met, consistently missed, or met by some rounds only.
ASSURANCE_ICONS = {
    "pass": (SEQUENTIAL[1], "P", "target consistently met"),
    "fail": (CATEGORICAL[3], "F", "target consistently missed"),
    "inconsistent": (CATEGORICAL[4], "?", "target met by some rounds, missed by others"),
}


def icon_caption(variation: str, assurance: str | None = None) -> str:
    """The icons in words, for a caption or text alternative.

    Examples
    --------
    >>> icon_caption("concern_high", "inconsistent")
    'Variation: special cause: concern (higher). Assurance: target met by some rounds, missed by others.'
    """
    _check(variation, assurance)
    text = f"Variation: {VARIATION_ICONS[variation][3]}."
    return text + (f" Assurance: {ASSURANCE_ICONS[assurance][2]}." if assurance else "")


def _check(variation, assurance):
    if variation not in VARIATION_ICONS:
        raise ValueError(f"variation icon must be one of {sorted(VARIATION_ICONS)}, got {variation!r}")
    if assurance is not None and assurance not in ASSURANCE_ICONS:
        raise ValueError(f"assurance icon must be one of {sorted(ASSURANCE_ICONS)} or None, got {assurance!r}")


def _ring(ax, colour):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((0.5, 0.5), 0.44, facecolor="white", edgecolor=colour, linewidth=3))


def _variation(ax, name):
    colour, letter, rising, _ = VARIATION_ICONS[name]
    _ring(ax, colour)
    x = np.linspace(0.22, 0.78, 7)
    if rising is None:
        y = np.array([0.42, 0.47, 0.4, 0.45, 0.41, 0.46, 0.43])
        ax.plot(x, y, "o", color=GREY, markersize=3, markeredgecolor=colour)
    else:
        y = np.array([0.4, 0.42, 0.41, 0.43, 0.5, 0.56, 0.6] if rising else [0.5, 0.48, 0.5, 0.47, 0.38, 0.33, 0.3])
        ax.plot(x[:4], y[:4], "o", color=GREY, markersize=3)
        ax.plot(x[4:], y[4:], "o", color=colour, markersize=3)
    if letter:
        ax.text(0.5, 0.72, letter, ha="center", va="center", fontsize=9, fontweight="bold", color=colour)


def _assurance(ax, name):
    colour, letter, _ = ASSURANCE_ICONS[name]
    _ring(ax, colour)
    ax.plot([0.2, 0.8], [0.3, 0.3], color=colour, linewidth=1.5, linestyle=(0, (2, 1)))
    ax.text(0.5, 0.56, letter, ha="center", va="center", fontsize=13, fontweight="bold", color=colour)


def add_icons(fig, variation: str, assurance: str | None = None, *, x: float = 0.86, y: float = 0.84,
              size: float = 0.075):
    """Place the variation icon (and the assurance icon beside it) on a figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (from :func:`~inspection_analysis.figures.style.new_figure`).
    variation : str
        A key of :data:`VARIATION_ICONS` (``stats.LatestStatus.variation_icon``).
    assurance : str or None, default None
        A key of :data:`ASSURANCE_ICONS` (``stats.LatestStatus.assurance_icon``), or None.
    x, y : float
        The lower-left corner of the first icon, in figure coordinates.
    size : float, default 0.075
        The width of each icon, as a fraction of the figure's width.

    Returns
    -------
    list of matplotlib.axes.Axes
        One small axes per icon drawn, labelled with the icon's name (``get_label()``).

    Raises
    ------
    ValueError
        If an icon name is unknown.

    Examples
    --------
    >>> from inspection_analysis.figures.style import new_figure
    >>> fig, ax = new_figure("Icons", "Test", "Source: test")
    >>> [a.get_label() for a in add_icons(fig, "concern_high", "fail")]
    ['variation: concern_high', 'assurance: fail']
    """
    _check(variation, assurance)
    width, height = fig.get_size_inches()
    tall = size * width / height
    out = []
    for i, (kind, name, draw) in enumerate((("variation", variation, _variation),
                                           ("assurance", assurance, _assurance))):
        if name is None:
            continue
        ax = fig.add_axes((x + i * size * 1.1, y, size, tall), label=f"{kind}: {name}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.axis("off")
        draw(ax, name)
        out.append(ax)
    return out
