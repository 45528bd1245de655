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
# # 05 · Forces compared: a funnel plot
#
# Each force's latest inspectorate-graded round on the three-point scale with a full published
# grade split (so a force's own audit, or the older four-point scale, is never set against an
# inspection): its failure rate against the number of case files audited, with 95% and 99.8%
# limits around the pooled rate (the method of Public Health England's Fingertips tools).

# %% tags=["parameters"]
FAILING = ["requires improvement", "inadequate"]

# %%
import inspection_analysis as ia

# %% [markdown]
# `funnel_inputs` applies the one rule the report also uses: of each force's rounds, the latest
# that is an audit round (not a re-grading), graded by the inspectorate on the three-point scale,
# with its full good / requires improvement / inadequate split published.

# %%
rounds = ia.load_rounds()
counts = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING, rounds=rounds)
table = ia.funnel(ia.funnel_inputs(counts, rounds), rounds=rounds)
table

# %%
fig, ax = ia.figures.funnel_figure(
    ia.funnel_points(table, rounds), ia.funnel_limits_frame(table),
    title="Forces' failure rates against the pooled rate",
    subtitle="Latest inspectorate round with a full grade split per force, 2016-2023, 95% and 99.8% limits",
)

# %% [markdown]
# ## What the funnel says, and what it does not
#
# - A force **inside** the limits has a failure rate consistent with the pooled rate given its
#   sample size; small samples (around 30 files) have wide limits, so only large differences
#   stand out.
# - A force **outside** the 99.8% limits differs by more than sampling error is likely to explain,
#   but the funnel does not say why: the rounds are from different years (2016 to 2023),
#   inspections and post-inspection reviews select cases differently, and a review often
#   re-examines the areas already found weak.
# - The funnel compares forces with each other, not with a standard: a force near the pooled
#   rate still has most of its files failing.
