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
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
FAILING = ["requires improvement", "inadequate"]

# %%
import pandas as pd
from IPython.display import Markdown

import inspection_analysis as ia

pd.set_option("display.precision", 4)

# %% [markdown]
# The data folder is read through the project state, as the report reads it.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
rounds, counts = project.rounds, project.counts
Markdown(project.integrity_note)

# %% [markdown]
# `funnel_inputs` applies the one rule the report also uses: of each force's rounds, the latest
# that is an audit round (not a re-grading), graded by the inspectorate on the three-point scale,
# with its full good / requires improvement / inadequate split published. Each point's round, its
# date and its assessor are listed with it.

# %%
table = ia.funnel(ia.funnel_inputs(counts, rounds), rounds=rounds)
when = rounds[["round_id", "label", "reference_date", "assessor"]].rename(columns={"label": "round"})
points = table.merge(when, on="round_id", how="left")
points[["force", "round_id", "round", "reference_date", "assessor", "n", "failures", "rate", "pooled_rate", "label"]]

# %%
period = f"{points['reference_date'].min():%Y} to {points['reference_date'].max():%Y}"
fig, ax = ia.figures.funnel_figure(
    ia.funnel_points(table, rounds), ia.funnel_limits_frame(table),
    title="Forces' failure rates against the pooled rate",
    subtitle=f"Latest inspectorate round with a full grade split per force, {period}, 95% and 99.8% limits",
)

# %%
Markdown("Rounds counted from a force's own recorded case-level file, never set against the inspections here: "
         f"{', '.join(project.case_level_rounds) or 'none'}.")

# %% [markdown]
# ## What the funnel says, and what it does not
#
# - A force **inside** the limits has a failure rate consistent with the pooled rate given its
#   sample size; small samples (around 30 files) have wide limits, so only large differences
#   stand out.
# - A force **outside** the 99.8% limits differs by more than sampling error is likely to explain,
#   but the funnel does not say why: the rounds are from different years (the `reference_date`
#   column above), inspections and post-inspection reviews select cases differently, and a review
#   often re-examines the areas already found weak.
# - The funnel compares forces with each other, not with a standard: a force near the pooled
#   rate (the `pooled_rate` column) fails as many files as the average force, however many that is.
