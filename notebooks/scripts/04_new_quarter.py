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
# # 04 · A new quarter: validate, compare, update the p-chart
#
# The quarterly rerun. Add the quarter's case-level file with `inspection-analysis add-quarter`
# (it records the file, its column mapping and its checksum), then set `ROUND_ID` to its round
# and run all cells, or from the command line:
#
# ```
# papermill notebooks/04_new_quarter.ipynb reports/04_mps-2026-q1.ipynb -p ROUND_ID mps-2026-q1
# ```
#
# The file is read from the project state, with the mapping stored beside it: no path or file
# extension is typed here. With `ROUND_ID = None` the notebook takes the force's latest round
# with a recorded case-level file; when there is none, the latest round of the shipped
# **SYNTHETIC** case-level sample, and its results then say they are synthetic.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
ROUND_ID = None  # None: the latest recorded case-level round, else the synthetic sample's latest
FORCE = "mps"
BASELINE = "mps-2016"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 400)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## Validate the data folder and the new file
#
# `load_project` validates every recorded file (grades, case types, criterion values, round ids,
# duplicates), each read with its stored mapping and checked against its checksum, and raises
# `AuditDataError` listing every problem, so a bad file stops the notebook here. A recorded file
# that changed since it was added is named below.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
round_id = ROUND_ID or project.latest_quarter(FORCE)
cases = project.quarter_cases(round_id)
Markdown(project.integrity_note)

# %% [markdown]
# ## The quarterly update
#
# `quarter_update` counts the quarter's case files, puts those counts in place of any published
# figures for the same round (every other round keeps the project's counts), compares the
# quarter with the baseline and with the previous round of the force that has counts, and
# updates the p-chart.

# %%
update = ia.quarter_update(cases, round_id, baseline=BASELINE, failing=FAILING, rounds=project.rounds,
                           published=project.counts, confidence_level=CONFIDENCE_LEVEL)
display(Markdown(f"**SYNTHETIC DATA: these are not real audit results.** The {len(cases)} case files of {round_id} "
                 "come from the shipped synthetic sample: no case-level file is recorded for it." if update.synthetic
                 else f"Real case-level data: the {len(cases)} case files of {round_id}, from the file recorded in "
                 "the manifest and read with its stored mapping."))
ia.round_rates(update.counts, update.force, rounds=project.rounds, confidence_level=CONFIDENCE_LEVEL)

# %% [markdown]
# ## Compared with the baseline and with the previous round
#
# A caveat in italics follows each sentence whose rounds are far apart in time or graded by
# different assessors.

# %%
changes = update.to_frame()
changes[["against", "baseline", "follow_up", "n_baseline", "failures_baseline", "n_follow_up", "failures_follow_up",
         "rate_baseline", "rate_follow_up", "difference", "difference_low", "difference_high", "pvalue",
         "min_detectable_improvement", "verdict"]]

# %%
Markdown("\n\n".join(r.sentence + (f" *Caveat: {r.warnings}.*" if r.warnings else "") for r in changes.itertuples()))

# %% [markdown]
# ## The p-chart, updated
#
# With fewer than 12 rounds the control limits are trial limits (NHS "Making Data Count"); the
# chart is shown with that warning rather than over-claimed.

# %%
chart = update.p_chart
display(Markdown(str(chart)))
fig, ax = ia.figures.p_chart_figure(
    chart,
    title="Failure rate by round with control limits",
    subtitle=f"p-chart, {update.force.upper()}, including {round_id}" + (" (SYNTHETIC)" if update.synthetic else ""),
)

# %% [markdown]
# ## Did anything change significantly?

# %%
Markdown(str(update))

# %% [markdown]
# "No significant change" means no change beyond sampling error; read it with the smallest
# detectable improvement above, not as evidence that nothing changed.
