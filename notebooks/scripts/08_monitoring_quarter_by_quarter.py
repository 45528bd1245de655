# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Monitoring quarter by quarter
#
# Notebook 03 compares rounds two at a time. This one watches the series as an analyst using NHS
# England's Making Data Count, qicharts2, PHEindicatormethods or FunnelPlotR would: a p-chart in
# phases with the latest round's variation and assurance icons, a run chart read by Anhøj's rules,
# the funnel of forces with and without an over-dispersion adjustment, a group-sequential test that
# keeps its error rate however many quarters are looked at, a Bayesian probability of being below
# the baseline rate, and a Bernoulli CUSUM of the **SYNTHETIC** case-level sample.
#
# Every sentence below is written by the library from the numbers; for a failure rate a **fall is
# an improvement**.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
FORCE = "mps"
BASELINE = "mps-2016"
FAILING = ["requires improvement", "inadequate"]
FREEZE = 1  # limits from the baseline round alone: the question is change since the baseline
SHIFT_LENGTH = 7
TREND_LENGTH = 7
PLANNED_FILES = None  # None: the latest look is the plan's last
ALPHA = 0.025
SPENDING = "obrien_fleming"
BAYES_DISCOUNT = 0.5
CUSUM_ARL = 1000
CUSUM_ODDS_RATIO = 2.0

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 200)

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
counts, rounds = project.counts, project.rounds
Markdown(project.integrity_note)

# %% [markdown]
# ## The p-chart in phases
#
# A new phase starts wherever the registry records a change of assessor or grading scale. The
# limits are set from the baseline round and held (`FREEZE = 1`), so each later round is judged
# against what the baseline's sampling variation allows.

# %%
chart = ia.phased_p_chart(counts, FORCE, rounds=rounds, freeze=FREEZE, shift_length=SHIFT_LENGTH,
                          trend_length=TREND_LENGTH)
chart.table[["label", "assessor", "scale", "phase", "n", "failures", "rate", "centre", "lcl", "ucl",
             "sigma_score", "rules", "point_type"]].round(4)

# %%
display(Markdown(f"**Which limits, and why.** {chart.limits_reason}"))
display(Markdown(str(chart)))

# %%
baseline_rate = chart.table.set_index("round_id").loc[BASELINE, "rate"]
status = ia.latest_round_status(chart, target=baseline_rate, target_label="the 2016 inspection's rate")
fig, ax = ia.figures.phased_p_chart_figure(
    chart.table, title="Later rounds against the 2016 limits",
    subtitle=f"p-chart of the failure rate, {chart.limits_drawn} from the 2016 inspection",
    variation_icon=status.variation_icon, assurance_icon=status.assurance_icon, target=baseline_rate)
display(Markdown(status.sentence + " " + ia.figures.icon_caption(status.variation_icon, status.assurance_icon)))

# %% [markdown]
# ## Against the pairwise tests
#
# The chart must tell the same story as the exact tests of notebook 03; where it does not, the
# library says why.

# %%
comparisons = ia.series_comparisons(counts, FORCE, rounds=rounds, baseline=BASELINE)
agreement, agreement_sentence = ia.chart_against_tests(chart.table, comparisons, baseline=BASELINE)
display(agreement)
display(Markdown(agreement_sentence))

# %% [markdown]
# ## The run chart
#
# No control limits: Anhøj's rules look for an unusually long run on one side of the median or
# unusually few crossings of it. They need about ten useful points.

# %%
runs = ia.run_chart(counts, FORCE, rounds=rounds)
fig, ax = ia.figures.run_chart_figure(runs.table, title="The run chart of the failure rate",
                                      subtitle="Failure rate around its median, each round")
display(Markdown(str(runs)))

# %% [markdown]
# ## Forces compared, with and without over-dispersion
#
# The funnel's default limits are PHEindicatormethods' Wilson-score limits, as Fingertips draws them.
# Spiegelhalter's test says whether forces differ by more than sampling error; if so, the
# random-effects limits are the ones to read.

# %%
funnel_table = ia.funnel(ia.funnel_inputs(counts, rounds), rounds=rounds)
dispersion = ia.funnel_dispersion(funnel_table)
dispersion.estimate.to_frame()

# %%
fig, axes = ia.figures.funnel_dispersion_figure(
    ia.funnel_points(dispersion.table, rounds), ia.funnel_limits_frame(funnel_table), dispersion.limits,
    title="Forces' failure rates, two sets of limits", subtitle="Latest comparable round per force")
display(Markdown(dispersion.sentence))

# %% [markdown]
# ## The sequential verdict
#
# Asking "has it improved since 2016?" every quarter with a 5% test raises false alarms far more
# often than 5%. The group-sequential plan spends its alpha across the looks (Lan-DeMets), so the
# chance of ever declaring an improvement that did not happen stays at `ALPHA`.

# %%
sequential = ia.sequential_verdict(counts, FORCE, rounds=rounds, baseline=BASELINE, planned_files=PLANNED_FILES,
                                   alpha=ALPHA, spending=SPENDING)
display(sequential.table.round(4))
fig, ax = ia.figures.sequential_figure(sequential.table, title="Each look against its boundary",
                                       subtitle="z for a fall since the baseline, pooled follow-up files")
display(Markdown(f"{sequential.plan}\n\n{sequential.sentence}"))

# %% [markdown]
# ## The probability of being below the baseline rate
#
# A statement of belief, not a test: the rounds since the baseline update a Beta posterior, each
# earlier round keeping a weight of `BAYES_DISCOUNT` per round because the rounds differ by far more
# than sampling error.

# %%
belief = ia.rate_below_target(counts, FORCE, rounds=rounds, target=baseline_rate,
                              target_label="the 2016 inspection's rate", since=BASELINE, discount=BAYES_DISCOUNT)
display(belief.table.round(4))
display(Markdown(belief.sentence))

# %% [markdown]
# ## A Bernoulli CUSUM of the SYNTHETIC case-level sample
#
# **SYNTHETIC DATA, not real audit results.** Case-level files let a CUSUM watch file by file. The
# shipped sample is synthetic, generated to match the published margins, and carries no dates, so
# its files are charted in file order within each round: the signals illustrate the method only.

# %%
cusum = ia.case_cusum(project.synthetic, rounds=rounds, force=FORCE, baseline=BASELINE, failing=FAILING,
                      odds_ratio=CUSUM_ODDS_RATIO, arl=CUSUM_ARL)
fig, ax = ia.figures.cusum_figure(cusum.table, cusum.chart.limit, title="Synthetic data: Bernoulli CUSUM",
                                  subtitle="CUSUMs for the odds of failure doubling or halving",
                                  source="Source: SYNTHETIC case-level data (data/synthetic).", synthetic=True)
display(Markdown(cusum.sentence))
