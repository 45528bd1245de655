"""Phases of a p-chart: limits recalculated at a known change, frozen after a baseline, with points excluded.

NHSRplotthedots calls a phase a rebase (``rebase=``), qicharts2 a part
(``part=``); both freeze limits after a baseline (``fix_after_n_points``,
``freeze=``), and qicharts2 leaves named points out of the limits
(``exclude=``) while still drawing them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from inspection_analysis.stats.results import ResultMixin
from inspection_analysis.stats.spc import LANEY_MIN_POINTS, p_chart_limits
from inspection_analysis.stats.special_causes import RULES, SHIFT_RUN, TREND_RUN, SpecialCauses, special_causes

__all__ = ["PhasedLimits", "phase_index", "phased_p_chart_limits", "phased_special_causes"]


def phase_index(phase, size: int) -> np.ndarray:
    """Number the phases of a series 0, 1, 2, ... from one label per point.

    Parameters
    ----------
    phase : array_like or None
        One label per point (a string, number or date), equal within a phase;
        None for a single phase.
    size : int
        The number of points.

    Returns
    -------
    numpy.ndarray of int
        The phase of each point, counting from 0 in time order.

    Raises
    ------
    ValueError
        If ``phase`` does not hold one label per point, or a label comes back
        after another phase (phases are consecutive blocks of points).

    Examples
    --------
    >>> phase_index(["old", "old", "new", "new", "new"], 5).tolist()
    [0, 0, 1, 1, 1]
    """
    if phase is None:
        return np.zeros(size, dtype=int)
    labels = np.asarray(phase, dtype=object)
    if labels.shape != (size,):
        raise ValueError(f"phase must hold one label per point ({size}), got shape {labels.shape}")
    index = np.zeros(size, dtype=int)
    seen = set()
    for i, label in enumerate(labels.tolist()):
        if i and label != labels[i - 1]:
            if label in seen:
                raise ValueError(f"phase label {label!r} comes back at point {i}: phases must be consecutive")
            index[i:] += 1
        seen.add(label)
    return index


def _excluded(exclude, size: int) -> np.ndarray:
    if exclude is None:
        return np.zeros(size, dtype=bool)
    arr = np.asarray(exclude)
    if arr.dtype == bool:
        if arr.shape != (size,):
            raise ValueError(f"a boolean exclude needs one flag per point ({size}), got shape {arr.shape}")
        return arr.copy()
    arr = np.atleast_1d(arr)
    if arr.size and (arr.dtype.kind not in "iu" or arr.min() < 0 or arr.max() >= size):
        raise ValueError(f"exclude must hold positions 0 to {size - 1}, got {exclude!r}")
    mask = np.zeros(size, dtype=bool)
    mask[arr.astype(int)] = True
    return mask


@dataclass(frozen=True, repr=False)
class PhasedLimits(ResultMixin):
    """Per-point p-chart limits of a series in phases; ``to_frame()`` gives one row per point.

    Attributes
    ----------
    phase : numpy.ndarray of int
        Each point's phase, 0, 1, ... in time order.
    included : numpy.ndarray of bool
        False for the excluded points (drawn, but not in any limit).
    baseline : numpy.ndarray of bool
        The points that set their phase's centre and sigma_z: included, and
        among the first ``freeze`` of the phase when limits are frozen.
    centre, sigma, lcl, ucl, z : numpy.ndarray
        As in :class:`~inspection_analysis.stats.spc.PChartLimits`, each from
        the point's own phase.
    limits : numpy.ndarray of str
        The limits of the point's phase: ``"p"`` or ``"laney p'"``.
    dispersion_ratio, phi, overdispersion_pvalue : numpy.ndarray
        The phase's Laney sigma_z, Pearson chi-square over its degrees of
        freedom and its p-value (see ``PChartLimits``), repeated on each of its points.
    n_baseline : numpy.ndarray of int
        The phase's number of baseline points, repeated on each of its points.
    """

    phase: np.ndarray
    included: np.ndarray
    baseline: np.ndarray
    centre: np.ndarray
    sigma: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    z: np.ndarray
    limits: np.ndarray
    dispersion_ratio: np.ndarray
    phi: np.ndarray
    overdispersion_pvalue: np.ndarray
    n_baseline: np.ndarray


def _blocks(index: np.ndarray) -> list[slice]:
    starts = np.flatnonzero(np.diff(index, prepend=-1)).tolist()
    return [slice(a, b) for a, b in zip(starts, starts[1:] + [index.size])]


def phased_p_chart_limits(x, n, *, phase=None, freeze: int | None = None, exclude=None, laney: bool | None = None,
                          laney_min_points: int = LANEY_MIN_POINTS, screen: bool = True) -> PhasedLimits:
    """p-chart limits recalculated in each phase, optionally frozen after a baseline, with points excluded.

    Parameters
    ----------
    x, n : array_like of int
        Failures and case files at each point, in time order.
    phase : array_like or None, default None
        One label per point, constant within a phase (see :func:`phase_index`);
        None for one phase. A new label rebases the limits.
    freeze : int or None, default None
        Limits of each phase from its first ``freeze`` points only (counting
        excluded ones), then held for the rest of the phase; None uses every point.
    exclude : array_like of int or bool, or None, default None
        Points left out of every limit calculation but kept on the chart, as
        positions (0 for the first point) or one flag per point.
    laney, laney_min_points, screen
        As in :func:`~inspection_analysis.stats.spc.p_chart_limits`, decided
        in each phase from its own baseline points.

    Returns
    -------
    PhasedLimits
        See :class:`PhasedLimits` for every attribute.

    Raises
    ------
    ValueError
        As :func:`~inspection_analysis.stats.spc.p_chart_limits`; if ``phase``
        or ``exclude`` is malformed, ``freeze`` is not a whole number of at
        least 1, or a phase has no baseline point left.

    Notes
    -----
    Each phase is a chart of its own, as NHSRplotthedots groups by
    ``rebase_group`` [1]_ and qicharts2 splits by ``part`` [2]_. Within a phase the
    baseline points are those not excluded and, with ``freeze``, among its
    first ``freeze`` points: NHSRplotthedots' ``fix_after_n_points`` counts
    within each rebase group, as here; qicharts2's ``freeze`` counts from the
    start of the series and is ignored when parts are given, so the two agree
    on a single phase. The centre, sigma_z and the over-dispersion statistics
    come from the baseline points only (qicharts2's ``base <- baseline &
    include``); limits and z-scores are given for every point.

    References
    ----------
    .. [1] NHS-R Community. NHSRplotthedots, R/ptd_spc_standard.R.
       https://github.com/nhs-r-community/NHSRplotthedots
    .. [2] Anhoej J. qicharts2, R/qic.R and R/helper.functions.R (``qic.agg``).
       https://github.com/anhoej/qicharts2

    Examples
    --------
    >>> lim = phased_p_chart_limits([20, 30, 10, 10], [100] * 4, phase=[1, 1, 2, 2], laney=False)
    >>> lim.centre.tolist()
    [0.25, 0.25, 0.1, 0.1]
    >>> phased_p_chart_limits([20, 30, 90], [100] * 3, exclude=[2], laney=False).centre.tolist()
    [0.25, 0.25, 0.25]
    """
    xa, na = np.atleast_1d(np.asarray(x)), np.atleast_1d(np.asarray(n))
    if xa.ndim != 1 or xa.shape != na.shape:
        raise ValueError(f"x {xa.shape} and n {na.shape} must be one-dimensional and of one length")
    index = phase_index(phase, xa.size)
    included = ~_excluded(exclude, xa.size)
    if freeze is not None and (isinstance(freeze, bool) or int(freeze) != freeze or freeze < 1):
        raise ValueError(f"freeze must be a whole number of at least 1, got {freeze!r}")
    baseline = included.copy()
    parts = []
    for block in _blocks(index):
        if freeze is not None:
            baseline[block][int(freeze):] = False
        if not baseline[block].any():
            raise ValueError(f"phase {index[block.start]} (points {block.start} to {block.stop - 1}) has no "
                             "baseline point: every point is excluded or past the freeze")
        lim = p_chart_limits(xa[block], na[block], laney=laney, baseline=baseline[block],
                             laney_min_points=laney_min_points, screen=screen)
        size = block.stop - block.start
        parts.append({"centre": np.full(size, lim.centre), "sigma": lim.sigma, "lcl": lim.lcl, "ucl": lim.ucl,
                      "z": lim.z, "limits": np.full(size, lim.limits),
                      "dispersion_ratio": np.full(size, lim.dispersion_ratio), "phi": np.full(size, lim.phi),
                      "overdispersion_pvalue": np.full(size, lim.overdispersion_pvalue),
                      "n_baseline": np.full(size, lim.n_baseline)})
    joined = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    return PhasedLimits(phase=index, included=included, baseline=baseline, **joined)


def phased_special_causes(values, z, *, phase=None, shift_length: int = SHIFT_RUN, trend_length: int = TREND_RUN,
                          rules=RULES) -> SpecialCauses:
    """The Making Data Count rules applied within each phase: no run, trend or window crosses a rebase.

    Parameters
    ----------
    values, z : array_like of float
        The plotted rates and their z-scores (``PhasedLimits.z``), in time order.
    phase : array_like or None, default None
        One label per point (see :func:`phase_index`), or ``PhasedLimits.phase``.
    shift_length, trend_length, rules
        As in :func:`~inspection_analysis.stats.spc.special_causes`.

    Returns
    -------
    SpecialCauses
        The flags of every point, each phase's computed on its own.

    Raises
    ------
    ValueError
        As :func:`~inspection_analysis.stats.spc.special_causes` and :func:`phase_index`.

    Notes
    -----
    NHSRplotthedots evaluates the rules by ``rebase_group`` (``ptd_calculate_point_type``).
    Excluded points are still tested, as qicharts2 still tests them against the
    3-sigma limits; only the limits leave them out.

    Examples
    --------
    >>> flags = phased_special_causes([0.1] * 8, [-0.5] * 8, phase=[0] * 4 + [1] * 4)
    >>> bool(flags.shift_low.any())
    False
    """
    v = np.asarray(values, dtype=float)
    za = np.asarray(z, dtype=float)
    if v.shape != za.shape or v.ndim != 1:
        raise ValueError(f"values {v.shape} and z {za.shape} must be one-dimensional and of one length")
    options = {"shift_length": shift_length, "trend_length": trend_length, "rules": rules}
    blocks = _blocks(phase_index(phase, v.size))
    if not blocks:
        return special_causes(v, za, **options)
    parts = [special_causes(v[b], za[b], **options) for b in blocks]
    return SpecialCauses(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                            for f in fields(SpecialCauses)})
