"""Direct labels that collide with nothing: each label goes at the first of a fixed list of places around its point
where it overlaps no other text, no marker and (if it can) no line, inside the plot area.

A greedy search over candidate offsets, as cartographic label placement does, rather than adjustText's iterative
repulsion: the result is the same on every run and for every backend, and a label never lands on a limit label such
as "99.8%" (issue 15), because every text already in the figure is an obstacle.
"""

from __future__ import annotations

__all__ = ["place_labels", "OFFSETS"]

#: Candidate offsets of a label from its point, in points, tried in this order, each with its alignment; the ring is
#: tried again at two and three times the distance (with a leader line) before giving up.
OFFSETS = ((7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 7, "center", "bottom"),
           (0, -7, "center", "top"), (7, 7, "left", "bottom"), (-7, 7, "right", "bottom"),
           (7, -7, "left", "top"), (-7, -7, "right", "top"))
_RINGS = (1, 2, 3.5, 5, 7, 9.5)
_MARKER_PT = 9  # the side of the square kept free around each point, in points
_MARGIN_PX = 2.5  # texts closer than this count as touching (so that two labels never read as one)


def _grow(bbox, px):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(bbox.x0 - px, bbox.y0 - px, bbox.x1 + px, bbox.y1 + px)


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _text_boxes(fig, renderer, exclude=()):
    from matplotlib.text import Text

    return [_grow(t.get_window_extent(renderer), _MARGIN_PX) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t not in exclude]


def _line_paths(ax):
    """The drawn lines of ``ax`` in pixels: its lines with a line style, and line collections (error bars)."""
    from matplotlib.collections import LineCollection

    paths = [line.get_transform().transform_path(line.get_path()) for line in ax.lines
             if line.get_visible() and line.get_linestyle() not in ("None", "none", " ", "")]
    for coll in ax.collections:
        if isinstance(coll, LineCollection) and coll.get_visible():
            paths += [coll.get_transform().transform_path(p) for p in coll.get_paths()]
    return paths


def place_labels(ax, xs, ys, texts, *, points=None, avoid_lines=True, **text_kw) -> list:
    """Label each point ``(xs[i], ys[i])`` with ``texts[i]`` where the label collides with nothing.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes holding the points (data coordinates).
    xs, ys : sequence of float
        The points to label.
    texts : sequence of str
        The labels.
    points : tuple of two sequences, optional
        Further points (x, y) whose markers the labels must not cover, e.g. the unlabelled points of a scatter.
    avoid_lines : bool, default True
        Keep labels off the lines of ``ax`` (limits, reference lines) where a free place exists.
    **text_kw
        Passed to ``Axes.annotate`` (font size, colour).

    Returns
    -------
    list of matplotlib.text.Annotation
        One per label, in order.

    Notes
    -----
    Obstacles are every visible text of the figure (titles, tick labels, other annotations, the labels already
    placed), a square of ``_MARKER_PT`` points round every point, and the lines of ``ax``. Candidates are
    :data:`OFFSETS`, at growing distance. A place is free if the label lies inside the axes and overlaps no obstacle.
    A first pass avoids lines as well; if no place is free of lines, a second pass accepts crossing one; if no
    place is free at all, the label goes where it covers the least area of the obstacles.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], "o")
    >>> [a.get_text() for a in place_labels(ax, [0, 1], [0, 1], ["a", "b"])]
    ['a', 'b']
    >>> plt.close(fig)
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    half = _MARKER_PT * fig.dpi / 72 / 2
    extra = list(zip(*points, strict=True)) if points is not None else []
    markers = [to_px((x, y)) for x, y in [*zip(xs, ys, strict=True), *extra]]
    marker_boxes = [_grow_point(p, half) for p in markers]
    frame = ax.get_window_extent(renderer)
    lines = _line_paths(ax) if avoid_lines else []
    placed = []
    for x, y, text in zip(xs, ys, texts, strict=True):
        obstacles = _text_boxes(fig, renderer) + marker_boxes
        choice = None
        for check_lines in ((True, False) if lines else (False,)):
            for ring in _RINGS:
                for dx, dy, ha, va in OFFSETS:
                    ann = _annotate(ax, x, y, text, dx * ring, dy * ring, ha, va, ring > 1, text_kw)
                    box = ann.get_window_extent(renderer)
                    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                    free = inside and not any(_overlaps(box, o) for o in obstacles)
                    if free and check_lines:
                        free = not any(path.intersects_bbox(box, filled=False) for path in lines)
                    if free:
                        choice = ann
                        break
                    ann.remove()
                if choice is not None:
                    break
            if choice is not None:
                break
        if choice is None:  # nowhere free: the place that covers the least of the obstacles
            choice = _least_covered(ax, x, y, text, obstacles, frame, renderer, text_kw)
        placed.append(choice)
    return placed


def _least_covered(ax, x, y, text, obstacles, frame, renderer, text_kw):
    best, best_cover = None, None
    for ring in _RINGS:
        for dx, dy, ha, va in OFFSETS:
            ann = _annotate(ax, x, y, text, dx * ring, dy * ring, ha, va, ring > 1, text_kw)
            box = ann.get_window_extent(renderer)
            cover = sum(max(0.0, min(box.x1, o.x1) - max(box.x0, o.x0)) * max(0.0, min(box.y1, o.y1) - max(box.y0, o.y0))
                        for o in obstacles)
            outside = box.width * box.height - max(0.0, min(box.x1, frame.x1) - max(box.x0, frame.x0)) * max(
                0.0, min(box.y1, frame.y1) - max(box.y0, frame.y0))
            cover += 10 * outside  # leaving the plot area is worse than touching another text
            if best_cover is None or cover < best_cover:
                if best is not None:
                    best.remove()
                best, best_cover = ann, cover
            else:
                ann.remove()
    return best


def _grow_point(p, half):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(p[0] - half, p[1] - half, p[0] + half, p[1] + half)


def _annotate(ax, x, y, text, dx, dy, ha, va, leader, text_kw):
    arrow = {"arrowstyle": "-", "color": "#3D3D3D", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 4} if leader else None
    return ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, arrowprops=arrow,
                       **text_kw)
