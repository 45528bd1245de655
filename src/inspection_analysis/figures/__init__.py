"""Figures: one module per kind of figure, in the house style of :mod:`inspection_analysis.figures.style`.

Every function draws only what it is given (tidy frames computed by
:mod:`inspection_analysis.analysis`), returns ``(fig, ax)`` and never
computes a statistic. :func:`save_figure` writes PNG, deterministic SVG, the
CSV of the plotted numbers and a text alternative.
"""

from inspection_analysis.figures.assessors import assessor_figure
from inspection_analysis.figures.change import change_forest
from inspection_analysis.figures.cusum import cusum_figure
from inspection_analysis.figures.funnel import funnel_figure
from inspection_analysis.figures.funnel_dispersion import funnel_dispersion_figure
from inspection_analysis.figures.grades import grade_distribution
from inspection_analysis.figures.icons import add_icons, icon_caption
from inspection_analysis.figures.pchart import p_chart_figure
from inspection_analysis.figures.phased_pchart import phased_p_chart_figure
from inspection_analysis.figures.power import power_curve
from inspection_analysis.figures.rates import failure_rates
from inspection_analysis.figures.runchart import run_chart_figure
from inspection_analysis.figures.sequential import sequential_figure
from inspection_analysis.figures.style import save_figure
from inspection_analysis.figures.synthetic import synthetic_dot_plot

__all__ = ["assessor_figure", "change_forest", "failure_rates", "funnel_figure", "grade_distribution",
           "p_chart_figure", "power_curve", "save_figure", "synthetic_dot_plot",
           "add_icons", "cusum_figure", "funnel_dispersion_figure", "icon_caption", "phased_p_chart_figure",
           "run_chart_figure", "sequential_figure"]
