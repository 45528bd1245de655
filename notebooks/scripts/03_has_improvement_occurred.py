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
# # 03 · Has any significant improvement occurred?
#
# The centre of the project. The baseline is the 2016 inspection of the force's child-protection
# case files. This notebook compares that baseline with every later round, asks what an audit
# whose counts were never published (the 170-file audit of 2017 Q2) could have shown, looks at
# power, equivalence and the posterior probability of improvement, tests for a trend, and ends
# with the verdict. Every finding below is a sentence the library writes from the data, so it
# stays true when a quarter is added.
#
# For failure rates a **fall is an improvement**. "No significant improvement" means the data do
# not show an improvement beyond sampling error, **not** that nothing improved.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
FORCE = "mps"
BASELINE = "mps-2016"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95
MARGIN = 0.10

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 400)
pd.set_option("display.precision", 4)

# %% [markdown]
# The data folder is read through the project state, as the report and the command line read
# it: the published figures, with every recorded case-level round counted from its file.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
rounds, counts = project.rounds, project.counts
Markdown(project.integrity_note)

# %%
rates = ia.round_rates(counts, FORCE, rounds=rounds, confidence_level=CONFIDENCE_LEVEL)
baseline = rates.set_index("round_id").loc[BASELINE]
Markdown(f"Baseline, the {baseline['label']}: {baseline['failures']} of {baseline['n']} case files "
         f"({baseline['rate']:.0%}) required improvement or were inadequate.")

# %% [markdown]
# ## The 2016 baseline against each later round
#
# Each "from baseline" row: both rates with Wilson intervals, the difference with a Newcombe
# interval, Boschloo's exact test (two-sided, and one-sided for improvement), the smallest
# improvement the two samples could detect with 80% power, TOST equivalence within ±`MARGIN`, and
# the posterior probability that the rate fell. The "consecutive" rows compare each round with
# the one before it. Rounds without failure counts are skipped. A caveat in italics follows each
# sentence whose rounds are far apart in time or graded by different assessors.

# %%
comparisons = ia.series_comparisons(counts, FORCE, rounds=rounds, baseline=BASELINE, confidence_level=CONFIDENCE_LEVEL,
                                 margin=MARGIN)
comparisons[["kind", "baseline", "follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low",
             "difference_high", "pvalue", "pvalue_improvement", "min_detectable_improvement",
             "equivalent_within_margin", "prob_improvement", "verdict"]]

# %%
Markdown("\n\n".join(f"{r.kind.capitalize()}: {r.sentence}" + (f" *Caveat: {r.warnings}.*" if r.warnings else "")
                      for r in comparisons.itertuples()))

# %% [markdown]
# ## Audits without published counts: what could they have detected?
#
# In the published record, the force's own audit team examined 170 files in 2017 Q2, and no
# counts were published. Such a result cannot be tested, but we can ask how good it would have
# had to be: the **critical count** is the largest number of failing files that would have been
# a significant improvement on the baseline. As in the report, this is asked of every round of
# the series whose size is known but whose failure count is not (a round added with its own
# case-level file has counts, and is compared above instead).

# %%
unpublished = rates.loc[~rates["counts_published"] & (rates["n"].fillna(0) > 0), "round_id"]
sensitivities = [ia.audit_sensitivity(counts, BASELINE, round_id=r, alpha=1 - CONFIDENCE_LEVEL, rounds=rounds)
                 for r in unpublished]
mark = int(sensitivities[0].n if sensitivities else baseline["n"])  # the audit size marked on the power curve
Markdown("\n\n".join(map(str, sensitivities)) or "Every round of the series with a known size has failure counts.")

# %% [markdown]
# ### Power curve: the smallest detectable fall against audit size
#
# For audits of a few sizes, the smallest fall an audit could detect with 80% power and the
# critical count (the most failing files that would still have been a significant improvement);
# then the curve for 50 to 1,000 files.

# %%
ia.detectable_improvements(counts, BASELINE, sorted({50, 100, mark, 300, 500}), alpha=1 - CONFIDENCE_LEVEL,
                           critical=True)

# %%
curve = ia.detectable_improvements(counts, BASELINE, [*range(50, 1001, 10), mark], alpha=1 - CONFIDENCE_LEVEL)
fig, ax = ia.figures.power_curve(
    curve, mark,
    title="Smallest detectable fall against audit size",
    subtitle=f"80% power, one-sided {1 - CONFIDENCE_LEVEL:g}, against the {baseline['label']} (n = {baseline['n']});"
             f" marked: {mark} files",
)

# %% [markdown]
# ## Equivalence view and probability of improvement
#
# A non-significant difference is not evidence of "no change". The TOST equivalence test asks the
# opposite question: do the data rule out a change larger than ±`MARGIN`? And the
# Bayesian view (uniform priors) gives the posterior probability that the rate fell at all. Both
# are columns of each comparison above; here for the latest round against the baseline.

# %%
comparisons.loc[comparisons["kind"] == "from baseline",
                ["baseline", "follow_up", "difference", "difference_low", "difference_high",
                 "equivalent_within_margin", "power_at_margin", "prob_improvement"]].tail(1)

# %% [markdown]
# ## Trend across the rounds

# %%
Markdown(str(ia.trend(counts, force=FORCE, rounds=rounds)))

# %%
chart = ia.p_chart(counts, force=FORCE, rounds=rounds)
display(Markdown(str(chart)))
chart.table

# %% [markdown]
# ## The verdict
#
# The answer, its sentence and its caveats, as the report states them.

# %%
verdict = ia.has_improved(counts, force=FORCE, baseline=BASELINE, confidence_level=CONFIDENCE_LEVEL, rounds=rounds)
Markdown(f"**{verdict.question}**\n\n**Answer: {verdict.answer}.**\n\n{verdict}")

# %% [markdown]
# ## What the data can show, and what they cannot
#
# - **No significant improvement is not no improvement.** A fall within sampling error may still
#   be real: the `min_detectable_improvement` column above gives, for each comparison, the
#   smallest fall the two samples could reliably detect (80% power), and the equivalence columns
#   say whether the data rule out a change of more than the margin either way. Read a "no
#   significant change" with both.
# - **Rounds without counts cannot be tested.** An audit whose grade counts were never published
#   can only be bounded, as above.
# - **Assessors differed.** Inspectorate samples, the force's own audits and re-gradings are
#   different assessors (the `assessor` column of the registry, notebook 01), and the same files
#   can be graded very differently by different assessors (notebook 06 bounds the agreement of
#   the force and the inspectorate in 2016), so a comparison across assessors mixes a change in
#   practice with a change in who is grading; the caveats of each comparison name it.
# - **Samples.** The intervals assume each round is a random sample of cases; the inspectorate's
#   samples were chosen to cover case types, which may differ between rounds (notebook 07 shows,
#   on synthetic data, how a change of case mix can mislead).
