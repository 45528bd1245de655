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
# # 07 · Case-level analysis (SYNTHETIC DATA throughout)
#
# **Everything in this notebook uses SYNTHETIC case-level data.** The published figures are
# totals per round; no case-level file has been published. The shipped synthetic sample
# reproduces every published margin (cases and failing files per round, the 10 / 64 / 61 and
# 93 / 127 / 83 grade splits) but case types and criterion outcomes are **invented**. The point
# is to show the analyses a real case-level extract would support, not to report findings.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
BASELINE = "mps-2016"
FOLLOW_UP = "mps-2018"
FAILING = ["requires improvement", "inadequate"]

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 400)
pd.set_option("display.precision", 4)

# %% [markdown]
# The synthetic sample is read from the project state's data folder, as the report reads it.

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
rounds, cases = project.rounds, project.synthetic
display(Markdown(project.integrity_note))
display(Markdown(f"**{'SYNTHETIC' if cases['synthetic'].all() else 'NOT ALL SYNTHETIC'}:** {len(cases)} case files, "
                 f"{cases['synthetic'].sum()} of them labelled synthetic."))
cases.groupby("round_id", observed=True).size()

# %% [markdown]
# ## Criterion by criterion (SYNTHETIC), with Holm adjustment
#
# Each criterion (victim visited promptly, officers communicated, suspect traced, crime recorded
# under the Home Office Counting Rules, missing child traced promptly) compared between the two
# rounds, overall and by case type. With many comparisons some will be "significant" by chance;
# the Holm-adjusted p-values control the family-wise error rate. Raw and adjusted are both shown.

# %%
criteria = ia.compare_criteria(cases, BASELINE, FOLLOW_UP)
criteria[criteria["case_type"] == "all"]

# %% [markdown]
# ## Case-mix-adjusted comparison (SYNTHETIC)
#
# If the share of each case type differs between rounds, the crude change in failure rate mixes
# a change in practice with a change in case mix. Stratifying by case type (Cochran–Mantel–Haenszel)
# compares like with like.

# %%
by_type = ia.to_counts(cases, by=("round_id", "case_type"), failing=FAILING, rounds=rounds)
adjusted = ia.compare_rounds(by_type, BASELINE, FOLLOW_UP, rounds=rounds)
display(Markdown(adjusted["sentence"].iloc[0]))
adjusted[["difference", "pvalue", "cmh_odds_ratio", "cmh_odds_ratio_low", "cmh_odds_ratio_high", "cmh_pvalue",
          "verdict", "warnings"]]

# %% [markdown]
# ## Simpson's paradox: when crude and adjusted answers disagree
#
# A deliberately **INVENTED** illustration (not the force's data, not even the synthetic sample):
# in both case types the follow-up round fails fewer files, yet because it examined far more of
# the harder case type, its crude failure rate is much higher. The library warns when the crude
# and the case-mix-adjusted answers point in different directions.

# %%
invented_rounds = pd.DataFrame({
    "round_id": ["invented-round-a", "invented-round-b"], "force": "invented",
    "label": ["INVENTED round A", "INVENTED round B"], "reference_date": ["2016-05-31", "2018-10-19"],
    "assessor": "inspectorate", "scale": "3-point", "role": "audit",
})
invented = pd.DataFrame({
    "round_id": ["invented-round-a"] * 2 + ["invented-round-b"] * 2,
    "case_type": ["domestic abuse", "child sexual exploitation"] * 2,
    "n": [100, 20, 20, 100],
    "failures": [20, 16, 3, 75],
})
invented

# %%
simpson = ia.compare_rounds(invented, "invented-round-a", "invented-round-b", rounds=invented_rounds)
display(Markdown(f"**INVENTED ILLUSTRATION:** {simpson['sentence'].iloc[0]}\n\n*Warnings: {simpson['warnings'].iloc[0]}*"))
simpson[["rate_baseline", "rate_follow_up", "difference", "pvalue", "cmh_odds_ratio", "cmh_pvalue"]]

# %%
within = ia.compare_rounds(invented, "invented-round-a", "invented-round-b", by="case_type", rounds=invented_rounds)
display(Markdown("**INVENTED ILLUSTRATION, by case type:**\n\n" + "\n\n".join(within["sentence"])))
within[["case_type", "rate_baseline", "rate_follow_up", "difference", "pvalue", "pvalue_adjusted"]]

# %% [markdown]
# When the crude and the within-type answers point in different directions, the library's
# warning above says so. On real case-level data, such a warning means the crude comparison must
# not be reported alone.
