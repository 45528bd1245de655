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
# # 02 · Failure rates by round, with intervals
#
# For each round with published counts: the share of case files graded "requires improvement"
# or "inadequate" (the inspectorate's headline definition), with a 95% Wilson interval. Then
# figures 1 and 2 of the report, drawn by the library's figure functions.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
FORCE = "mps"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95
EXAMPLE_ROUND = "mps-2017-q3"  # the round whose intervals are compared below

# %%
import pandas as pd
from IPython.display import Markdown

import inspection_analysis as ia

pd.set_option("display.precision", 3)

# %% [markdown]
# The data folder is read through the project state, as the report reads it: the published
# figures, with every recorded case-level round counted from its file.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
rounds, counts = project.rounds, project.counts
Markdown(project.integrity_note)

# %% [markdown]
# ## Each round's failure rate and its Wilson interval
#
# One row per round of the force's series, in time order. Rounds whose failure count was not
# published (`counts_published` False), such as the 170-file audit, keep their row with no rate.

# %%
rates = ia.round_rates(counts, FORCE, rounds=rounds, confidence_level=CONFIDENCE_LEVEL)
rates

# %% [markdown]
# ### Why a Wilson interval, and what "95%" means here
#
# The familiar "rate ± 1.96 standard errors" (Wald) interval misbehaves for rates near 0% or
# 100% and for small samples: its actual coverage can be well below 95%, and it can stray outside
# [0, 1]: a sample with most files failing, such as `EXAMPLE_ROUND`, is such a case. The Wilson
# score interval inverts the score test instead; its coverage stays close to the nominal 95% across
# rates and sample sizes (Brown, Cai and DasGupta, 2001), and it is never outside [0, 1].
# Clopper–Pearson (exact, conservative) and Jeffreys intervals are one argument away:

# %%
methods = pd.concat(
    [ia.round_rates(counts, FORCE, rounds=rounds, confidence_level=CONFIDENCE_LEVEL, method=m)
     for m in ("wilson", "clopper_pearson", "jeffreys")],
    ignore_index=True,
)
example = methods[methods["round_id"] == EXAMPLE_ROUND]
example[["round_id", "method", "n", "failures", "rate", "ci_low", "ci_high"]]

# %%
wilson = example.iloc[0]
Markdown(f"{wilson['label']}: {wilson['failures']} of {wilson['n']} case files failing ({wilson['rate']:.0%}); "
         f"{CONFIDENCE_LEVEL:.0%} Wilson interval {wilson['ci_low']:.0%} to {wilson['ci_high']:.0%}.")

# %% [markdown]
# **What a 95% interval means for a sample of files.** The files are a sample of the force's
# child-protection work in the period. Had the inspectorate drawn many such samples, a procedure
# like Wilson's would give intervals that contain the true failure rate in about 95% of them:
# rates inside the interval are consistent with what was seen, rates outside it are not. The
# interval describes sampling error only; it says nothing about how consistently assessors
# applied the grades, or whether the sample represents all cases (it assumes a random sample).

# %% [markdown]
# ## Figure 1: grades by round
#
# As in the report, the figures show the rounds whose size is known (the 2017 Q1 update
# published nothing at all).

# %%
series = ia.round_counts(counts, FORCE, rounds=rounds).dropna(subset=["n"])
force_name = rounds.loc[rounds["force"] == FORCE, "force_name"].iloc[0]
span = f"{series['label'].iloc[0]} to {series['label'].iloc[-1]}"
fig, ax = ia.figures.grade_distribution(
    series, title="Case-file grades by round", subtitle=f"Share of case files by grade, {force_name}, {span}",
)

# %% [markdown]
# Rounds where only the failing total was published are shown without a split; the 170-file
# audit has no counts at all.
#
# ## Figure 2: failure rate with 95% Wilson intervals

# %%
fig, ax = ia.figures.failure_rates(
    rates.dropna(subset=["n"]), title="Failure rate by round",
    subtitle=f"Case files failing, {CONFIDENCE_LEVEL:.0%} Wilson intervals, {force_name}, {span}",
)

# %%
known = rates[rates["counts_published"]]
Markdown("Failure rate by round: " + "; ".join(f"{r.label} {r.rate:.0%} (n = {r.n})" for r in known.itertuples())
         + ".")

# %% [markdown]
# Whether any of these changes is larger than sampling error is the subject of notebook 03.
