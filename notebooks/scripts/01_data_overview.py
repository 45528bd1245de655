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
# # 01 · Data overview: what was published, by whom, and what is missing
#
# This notebook loads and validates the shipped data: the **rounds registry** (one row per
# audit round), the **published figures** (one row per number quoted by the inspectorate or
# the press, each with its source and a verbatim quote) and the **counts table** that every
# later notebook analyses. Nothing here computes a statistic.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
FORCE = "mps"
FAILING = ["requires improvement", "inadequate"]

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 120)

# %% [markdown]
# ## The project state
#
# `load_project` reads the data folder the one way the report and the command line read it: the
# registry, the published figures, and every case-level file recorded in `manifest.csv` (read
# with its stored column mapping and checked against its SHA-256). A recorded file that changed
# since it was added is named here.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
rounds, counts = project.rounds, project.counts
Markdown(project.integrity_note)

# %% [markdown]
# ## The rounds registry
#
# Who assessed each round matters as much as the numbers: the 2016 inspection and the 2017 Q3,
# Q4 updates were graded by the inspectorate, the 170-file 2017 Q2 audit by the force's own
# audit team, and the 2016 self-assessment comparison by both. The scale also changed: early
# inspections used four grades (good / adequate / requires improvement / inadequate), case files
# from 2016 three.

# %%
rounds.loc[rounds["force"] == FORCE, ["round_id", "label", "period", "assessor", "scale", "role", "sample", "notes"]]

# %% [markdown]
# ## Counts per round
#
# The project's counts table (`n`, `failures`, and each grade) holds the published figures, with
# every round that has a recorded case-level file counted from that file instead; its `data_kind`
# column says which. A count that was not published stays `<NA>`: nothing is imputed.
# `round_counts` lists the rounds of the force's series in time order; the re-gradings (`role`
# "regrade": the 2016 self-assessment comparison) are not rounds of the series and are analysed
# in notebook 06.

# %%
series = ia.round_counts(counts, FORCE, rounds=rounds)
series.merge(counts[["round_id", "data_kind"]], on="round_id", how="left")

# %%
Markdown(f"Rounds counted from a recorded case-level file: {', '.join(project.case_level_rounds) or 'none'}.")

# %% [markdown]
# ## Published against missing
#
# Rounds where the number of failing case files is unknown cannot be tested. In the published
# record the most important gap is the **2017 Q2 audit of 170 case files**: the force's audit
# team reported its findings to the inspectorate, which said they did "not indicate that any
# significant improvement has occurred", but no grade counts were published. Notebook 03 asks
# what such an audit could and could not have shown.

# %%
rates = ia.round_rates(counts, FORCE, rounds=rounds)
missing = rates.loc[~rates["counts_published"], "label"]
display(Markdown(f"Rounds of the series without failure counts: {', '.join(missing) or 'none'}."))
rates[["round_id", "label", "assessor", "n", "failures", "counts_published"]]

# %% [markdown]
# ## Provenance: every published number with its source
#
# Each row below is one published figure with the source URL and the verbatim quote that
# contains its numbers. Rows with `status` "variant" (for example a newspaper's "about 384"
# cases in 2016) are kept for provenance but never counted. Derived numbers (sums, differences)
# are marked as such in `derived_note`.

# %%
provenance = project.published.merge(rounds[["round_id", "force"]], on="round_id")
provenance.loc[
    provenance["force"] == FORCE,
    ["round_id", "case_type", "status", "n_cases", "n_failing", "n_good", "n_requires_improvement",
     "n_inadequate", "derived_note", "source_url", "quote"],
]
