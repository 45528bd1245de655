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
FORCE = "mps"

# %%
import pandas as pd

from inspection_analysis import figures

pd.set_option("display.max_colwidth", 400)

# %% [markdown]
# ## Validate the new file
#
# `load_cases` checks every row (grades, case types, criterion values, round ids, duplicates) and
# raises `AuditDataError` listing every problem, so a bad file stops the notebook here.

# %%
rounds = ia.load_rounds()
cases = ia.load_cases(DATA_PATH, rounds=rounds)
quarter = cases[cases["round_id"] == ROUND_ID]
synthetic = bool(quarter["synthetic"].any()) if "synthetic" in quarter else False
print(f"{len(quarter)} case files for {ROUND_ID} in {DATA_PATH}")
print("SYNTHETIC DATA: these are not real audit results." if synthetic else "Real case-level data.")
quarter["grade"].value_counts(sort=False)

# %% [markdown]
# ## The counts table with the new quarter
#
# The new quarter's counts replace any published figures for the same round; every other round
# keeps its published counts.

# %%
published = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING)
new_counts = ia.to_counts(quarter, failing=FAILING)
new_counts = new_counts[new_counts["n"] > 0]
counts = pd.concat([published[published["round_id"].astype(str) != ROUND_ID], new_counts], ignore_index=True)
counts["round_id"] = counts["round_id"].astype(str)
order = rounds[(rounds["force"] == FORCE) & ~rounds["round_id"].str.contains("self-assessment")].sort_values(
    "reference_date")["round_id"].tolist()
with_counts = set(counts.loc[counts["failures"].notna(), "round_id"])
PREVIOUS = [r for r in order[: order.index(ROUND_ID)] if r in with_counts][-1]
counts[counts["round_id"].isin(order)][["round_id", "n", "failures", "data_kind"]]

# %% [markdown]
# ## Compared with the baseline and with the previous round

# %%
against_baseline = ia.compare_rounds(counts, BASELINE, ROUND_ID, rounds=rounds)
against_previous = ia.compare_rounds(counts, PREVIOUS, ROUND_ID, rounds=rounds)
changes = pd.concat([against_baseline, against_previous], ignore_index=True)
changes[["baseline", "follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low",
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
chart = ia.p_chart(counts, force=FORCE, rounds=rounds)
print(chart)
fig, ax = figures.p_chart_figure(
    chart.table.assign(special_cause=chart.table["special_cause"] != "common cause"),
    " ".join(chart.warnings[:1]),
    title="Failure rate by round with control limits",
    subtitle=f"p-chart, {FORCE.upper()}, including {ROUND_ID}" + (" (SYNTHETIC)" if synthetic else ""),
)

# %% [markdown]
# ## Did anything change significantly?

# %%
print(
    f"{ROUND_ID}{' (SYNTHETIC)' if synthetic else ''}: against {BASELINE}, {against_baseline['verdict'].iloc[0]}; "
    f"against {PREVIOUS}, {against_previous['verdict'].iloc[0]}."
)

# %% [markdown]
# "No significant change" means no change beyond sampling error; read it with the smallest
# detectable improvement above, not as evidence that nothing changed.
