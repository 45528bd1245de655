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
# The quarterly rerun. Point `DATA_PATH` at the new quarter's case-level file and `ROUND_ID` at
# its round (registered in `data/rounds.csv`), then run all cells, or from the command line:
#
# ```
# papermill 04_new_quarter.ipynb out.ipynb -p DATA_PATH new.csv -p ROUND_ID mps-2019-q1
# ```
#
# The defaults point at the shipped **SYNTHETIC** case-level sample (round `mps-2018`), so the
# notebook runs as it is; results from that default are synthetic and say so.

# %% tags=["parameters"]
import inspection_analysis as ia
from inspection_analysis import paths

DATA_PATH = str(paths.synthetic_dir() / "mps_case_files_synthetic.csv")
ROUND_ID = "mps-2018"
BASELINE = "mps-2016"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95

# %%
import pandas as pd

pd.set_option("display.max_colwidth", 400)

# %% [markdown]
# ## Validate the new file
#
# `load_cases` checks every row (grades, case types, criterion values, round ids, duplicates) and
# raises `AuditDataError` listing every problem, so a bad file stops the notebook here.

# %%
rounds = ia.load_rounds()
cases = ia.load_cases(DATA_PATH, rounds=rounds)

# %% [markdown]
# ## The quarterly update
#
# `quarter_update` counts the quarter's case files, puts those counts in place of any published
# figures for the same round (every other round keeps its published counts), compares the
# quarter with the baseline and with the previous round of the force that has counts, and
# updates the p-chart.

# %%
update = ia.quarter_update(cases, ROUND_ID, baseline=BASELINE, failing=FAILING, rounds=rounds,
                        published=ia.load_published(rounds=rounds),
                        confidence_level=CONFIDENCE_LEVEL)
print("SYNTHETIC DATA: these are not real audit results." if update.synthetic else "Real case-level data.")
ia.round_rates(update.counts, update.force, rounds=rounds, confidence_level=CONFIDENCE_LEVEL)

# %% [markdown]
# ## Compared with the baseline and with the previous round

# %%
changes = update.to_frame()
changes[["against", "baseline", "follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low",
         "difference_high", "pvalue", "min_detectable_improvement", "verdict"]].round(4)

# %%
for sentence in changes["sentence"]:
    print(sentence, end="\n\n")

# %% [markdown]
# ## The p-chart, updated
#
# With fewer than 12 rounds the control limits are trial limits (NHS "Making Data Count"); the
# chart is shown with that warning rather than over-claimed.

# %%
chart = update.p_chart
print(chart)
fig, ax = ia.figures.p_chart_figure(
    chart,
    title="Failure rate by round with control limits",
    subtitle=f"p-chart, {update.force.upper()}, including {ROUND_ID}" + (" (SYNTHETIC)" if update.synthetic else ""),
)

# %% [markdown]
# ## Did anything change significantly?

# %%
print(update)

# %% [markdown]
# "No significant change" means no change beyond sampling error; read it with the smallest
# detectable improvement above, not as evidence that nothing changed.
