"""House style for figures (UK Government Analysis Function, through afcharts) and deterministic saving.

The style is the Analysis Function's own: afcharts' matplotlib style sheet (``afcharts/afcharts.mplstyle``, used
as ``plt.style.use("afcharts.afcharts")``) and its palettes (``afcharts.af_colours.get_af_colours``), from the
package best-practice-and-impact/afcharts-py on PyPI. On top of them this module sets only what makes output
reproducible and safe: one font shipped with matplotlib, a fixed SVG hash salt, text kept as text, and text drawn
literally (no mathtext, so a ``$`` in a round label is a dollar sign). It also holds the title / subtitle / source
layout (laid out by :mod:`inspection_analysis.figures.layout`) and :func:`save_figure`, which writes every figure
as PNG and SVG together with a CSV of the numbers plotted and a one-paragraph text alternative (WCAG 2.2, success
criterion 1.1.1). matplotlib is imported only when a function here is called.
"""

from __future__ import annotations

import functools
import os
import textwrap
from pathlib import Path

import pandas as pd
from afcharts.af_colours import get_af_colours

from inspection_analysis.csv_safety import write_csv
from inspection_analysis.figures.layout import fit_layout
from inspection_analysis.figures.sources import SOURCE_PUBLISHED

__all__ = [
    "CATEGORICAL",
    "TWO_SERIES",
    "HIGHLIGHT",
    "GREY",
    "SEQUENTIAL",
    "SOURCE_PUBLISHED",
    "MAX_TITLE_WORDS",
    "house_rc",
    "styled",
    "new_figure",
    "add_note",
    "save_figure",
    "pct",
    "wrap_labels",
    "as_sentence",
    "TICK_LABEL_WIDTH",
    "is_known",
    "percent_axis",
    "require_columns",
]

#: Categorical colours, in order of use (afcharts' "categorical" palette).
CATEGORICAL = tuple(get_af_colours("categorical"))
#: Two series: dark blue and orange (afcharts' "duo" palette).
TWO_SERIES = tuple(get_af_colours("duo"))
#: Highlight colour, used against :data:`GREY` (afcharts' "focus" palette).
HIGHLIGHT, GREY = get_af_colours("focus")
#: Sequential blues, light to dark (afcharts' three-colour "sequential" palette, reversed).
SEQUENTIAL = tuple(get_af_colours("sequential", number_of_colours=3)[::-1])
MAX_TITLE_WORDS = 10
_SVG_SALT = "inspection-analysis"
#: Font sizes in points: body text (afcharts uses 14 for its smaller default figure), title, source line and notes.
_FONT_SIZE, _TITLE_SIZE, _SMALL_SIZE = 11, 15, 9


def house_rc() -> dict:
    """The matplotlib settings of the house style: afcharts' style sheet with a fixed font, SVG salt and literal text.

    Returns
    -------
    dict
        rcParams to apply with ``matplotlib.rc_context``: every setting of afcharts' ``afcharts.mplstyle`` (grid,
        spines, tick colours, the categorical colour cycle), then DejaVu Sans (shipped with matplotlib, so the same
        everywhere, where afcharts prefers Arial if installed), a fixed ``svg.hashsalt`` so SVG ids do not change
        between runs, text kept as text in SVG, and ``text.parse_math`` off so that no label is read as mathtext.

    Examples
    --------
    >>> rc = house_rc()
    >>> rc["svg.hashsalt"], rc["text.parse_math"], rc["axes.spines.top"]
    ('inspection-analysis', False, False)
    """
    from importlib.resources import files

    import matplotlib as mpl

    rc = dict(mpl.rc_params_from_file(str(files("afcharts") / "afcharts.mplstyle"), use_default_template=False))
    rc.update({
        "font.family": "DejaVu Sans",
        "font.size": _FONT_SIZE,
        "svg.hashsalt": _SVG_SALT,
        "svg.fonttype": "none",
        "text.parse_math": False,
        "text.usetex": False,
        "figure.dpi": 100,
    })
    return rc


def styled(func):
    """Decorator: run a figure function inside the house-style ``rc_context``.

    Text, lines and patches take their font and defaults when created, so the
    whole figure function runs under :func:`house_rc`. A figure it returns as
    ``(fig, ax)`` is then laid out by
    :func:`~inspection_analysis.figures.layout.fit_layout`.

    Examples
    --------
    >>> @styled
    ... def font():
    ...     import matplotlib as mpl
    ...     return mpl.rcParams["font.family"]
    >>> font()
    ['DejaVu Sans']
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import matplotlib.pyplot as plt

        with plt.rc_context(house_rc()):
            result = func(*args, **kwargs)
            if isinstance(result, tuple) and result and hasattr(result[0], "savefig"):
                fit_layout(result[0])
            return result

    return wrapper


def pct(value: float, digits: int = 0) -> str:
    """Format a proportion as a percentage string, e.g. ``0.7433 -> '74%'``.

    Examples
    --------
    >>> pct(0.74331), pct(-0.0512, 1)
    ('74%', '-5.1%')
    """
    return f"{100 * value:.{digits}f}%"


#: Round labels along an axis are wrapped to lines of at most this many characters, so six rounds fit side by side.
TICK_LABEL_WIDTH = 12


def wrap_labels(labels, width: int = TICK_LABEL_WIDTH) -> list[str]:
    """Labels wrapped onto lines of at most ``width`` characters (longer words stay whole), for axis ticks.

    Examples
    --------
    >>> wrap_labels(["2016 inspection", "2018 post-inspection review"])
    ['2016\\ninspection', '2018 post-\\ninspection\\nreview']
    """
    return [textwrap.fill(str(label), width, break_long_words=False) for label in labels]


def as_sentence(text: str) -> str:
    """A warning as a sentence for a figure or its text alternative: capital first letter, full stop.

    Examples
    --------
    >>> as_sentence("only 4 rounds: these are trial limits")
    'Only 4 rounds: these are trial limits.'
    """
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def require_columns(frame: pd.DataFrame, columns, what: str) -> None:
    """Raise ValueError unless ``frame`` (called ``what``) is a non-empty DataFrame holding ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{what} has no rows to plot")


def percent_axis(ax, axis: str, label: str, *, limits: bool = True) -> None:
    """Show proportions on ``axis`` ("x" or "y") as percentages, from 0% to 100% when ``limits``."""
    getattr(ax, f"{axis}axis").set_major_formatter(lambda v, _: pct(v))
    getattr(ax, f"set_{axis}label")(label)
    if limits:
        getattr(ax, f"set_{axis}lim")(0, 1)


def new_figure(title: str, subtitle: str, source: str, *, figsize=(8.0, 5.0), nrows: int = 1, ncols: int = 1):
    """A figure in house style: title (the finding), subtitle and source line.

    Parameters
    ----------
    title : str
        The finding, in sentence case, at most ten words.
    subtitle : str
        The measure, coverage, period and n.
    source : str
        Where the numbers came from, printed at the bottom left.
    figsize : tuple of float, default (8, 5)
        Width and height in inches.
    nrows, ncols : int, default 1
        Grid of panels; ``ax`` is an array when there is more than one.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes or numpy.ndarray of Axes

    Raises
    ------
    ValueError
        If the title is empty or longer than ten words, or the subtitle or
        source is empty.

    Examples
    --------
    >>> fig, ax = new_figure("Failure rate fell", "Share failing, n = 10", "Source: test")
    >>> fig.texts[0].get_text()
    'Failure rate fell'
    """
    import matplotlib.pyplot as plt

    words = title.split()
    if not words or len(words) > MAX_TITLE_WORDS:
        raise ValueError(f"title must have 1 to {MAX_TITLE_WORDS} words, got {len(words)}: {title!r}")
    if not subtitle.strip() or not source.strip():
        raise ValueError("subtitle and source must not be empty")
    with plt.rc_context(house_rc()):
        fig, ax = plt.subplots(nrows, ncols, figsize=figsize, squeeze=True)
        fig.text(0.02, 0.95, title, fontsize=_TITLE_SIZE, fontweight="bold", gid="ia-title")
        fig.text(0.02, 0.89, subtitle, color=CATEGORICAL[4], gid="ia-subtitle")
        fig.text(0.02, 0.02, source, fontsize=_SMALL_SIZE, color=CATEGORICAL[4], gid="ia-source")
        fit_layout(fig)
    return fig, ax


def add_note(fig, text: str):
    """Add a note to ``fig``, printed above its source line, wrapped to the figure's width (never over the plot).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :func:`new_figure`.
    text : str
        The note, one paragraph.

    Returns
    -------
    matplotlib.text.Text
        The note; :func:`~inspection_analysis.figures.layout.fit_layout` places it.

    Examples
    --------
    >>> fig, ax = new_figure("A finding", "n = 2", "Source: test")
    >>> add_note(fig, "Trial limits.").get_text()
    'Trial limits.'
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(house_rc()):
        note = fig.text(0.02, 0.02, text, fontsize=_SMALL_SIZE, color=CATEGORICAL[4], gid="ia-note")
        fit_layout(fig)
    return note


def save_figure(fig, name: str, out_dir: str | os.PathLike, data: pd.DataFrame, alt_text: str) -> dict[str, Path]:
    """Write a figure as PNG and SVG, its plotted numbers as CSV and its text alternative.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save. It is closed afterwards.
    name : str
        File stem, lower-case letters, digits, ``-`` and ``_`` only.
    out_dir : str or path-like
        Folder to write into; created if missing.
    data : pandas.DataFrame
        The numbers plotted, one row per plotted element, written as CSV.
    alt_text : str
        One paragraph describing what the figure shows (no blank lines).

    Returns
    -------
    dict of str to pathlib.Path
        The files written, keyed ``"png"``, ``"svg"``, ``"csv"`` and ``"txt"``.

    Raises
    ------
    ValueError
        If ``name`` has other characters, ``data`` is not a DataFrame, or
        ``alt_text`` is empty or has more than one paragraph.

    Notes
    -----
    The figure is laid out again first
    (:func:`~inspection_analysis.figures.layout.fit_layout`), so texts added
    after drawing are wrapped and kept inside the image. Output is
    byte-for-byte reproducible: SVG is written with a fixed hash
    salt and no ``Date`` metadata, PNG without the ``Software`` entry, CSV with
    ``\\n`` line endings.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> fig, ax = new_figure("A line goes up", "Test, n = 2", "Source: test")
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> paths = save_figure(fig, "demo", tempfile.mkdtemp(), pd.DataFrame({"x": [0, 1]}), "A line.")
    >>> sorted(paths)
    ['csv', 'png', 'svg', 'txt']
    """
    import matplotlib.pyplot as plt

    if not name or not all(ch.isalnum() and ch.isascii() and not ch.isupper() or ch in "-_" for ch in name):
        raise ValueError(f"figure name must use lower-case letters, digits, '-' or '_', got {name!r}")
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame of the plotted numbers, got {type(data).__name__}")
    text = alt_text.strip()
    if not text or "\n\n" in text.replace("\r", ""):
        raise ValueError(f"alt_text must be one non-empty paragraph, got {alt_text!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {ext: out / f"{name}.{ext}" for ext in ("png", "svg", "csv", "txt")}
    with plt.rc_context(house_rc()):
        fit_layout(fig)
        for t in fig.texts:  # the layout roles are not SVG ids: several notes, or figures on one page, would clash
            t.set_gid(None)
        fig.savefig(paths["png"], format="png", dpi=150, metadata={"Software": None})
        fig.savefig(paths["svg"], format="svg", metadata={"Date": None})
    plt.close(fig)
    write_csv(data, paths["csv"])  # formula cells neutralised (issue #13)
    paths["txt"].write_text(" ".join(text.split()) + "\n", encoding="utf-8")
    return paths


def is_known(value) -> bool:
    """Whether a plotted value is present (not ``None`` and not missing).

    Examples
    --------
    >>> is_known(0.5), is_known(None), is_known(float("nan"))
    (True, False, False)
    """
    return value is not None and not pd.isna(value)
