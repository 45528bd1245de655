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
# inspection): its failure rate against the number of case files audited, with 95% and 99.8% limits around the pooled rate (the method of
# Public Health England's Fingertips tools).

# %% tags=["parameters"]
FAILING = ["requires improvement", "inadequate"]

# %%
import pandas as pd

import inspection_analysis as ia
from inspection_analysis import figures
from inspection_analysis.monitor import funnel, funnel_curves

# %%
rounds = ia.load_rounds()
counts = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING)
comparable = rounds[(rounds["assessor"] == "inspectorate") & (rounds["scale"] == "3-point")]
full = counts[counts[["n_good", "n_requires_improvement", "n_inadequate", "failures"]].notna().all(axis=1)]
latest = (
    full.merge(comparable[["round_id", "force", "force_name", "reference_date"]], on="round_id")
    .sort_values("reference_date").groupby("force").tail(1)
)
table = funnel(latest.drop(columns=["force", "force_name", "reference_date"]), rounds=rounds)
table

# %%
curves = funnel_curves(float(table["pooled_rate"].iloc[0]), int(table["n"].max() * 1.2), n_min=10)
limits = curves.pivot(index="n", columns="level", values=["low", "high"])
limits = pd.DataFrame({
    "n": limits.index, "centre": float(table["pooled_rate"].iloc[0]),
    "low_95": limits[("low", 0.95)].to_numpy(), "high_95": limits[("high", 0.95)].to_numpy(),
    "low_998": limits[("low", 0.998)].to_numpy(), "high_998": limits[("high", 0.998)].to_numpy(),
})
points = table.merge(rounds[["round_id", "force_name"]], on="round_id").rename(columns={"force_name": "group"})
points = points.assign(outlier=points["label"].where(points["label"] != "not significant", ""))
fig, ax = figures.funnel_figure(
    points, limits, title="Forces' failure rates against the pooled rate",
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
