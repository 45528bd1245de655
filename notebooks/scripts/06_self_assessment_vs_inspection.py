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
# # 06 · The force's self-assessment against the inspection
#
# In 2016 the force graded 132 case files it had audited itself, and the inspectorate re-graded
# the same cases. Only percentages were published: the force found about 80% good or adequate,
# the inspectorate 76% requiring improvement or inadequate. No cross-tabulation was published,
# so agreement (kappa) cannot be computed, but the margins alone bound how far the two could
# have agreed.

# %% tags=["parameters"]
DATA_DIR = None  # None: the project's data/ folder (the report passes its own)
DOUBLE_GRADED_FILE = "mps_self_assessment_double_graded_synthetic.csv"  # in the data folder's synthetic/
GRADER_A = "grade_force"
GRADER_B = "grade_inspectorate"
FAILING = ["requires improvement", "inadequate"]

# %%
import pandas as pd
from IPython.display import Markdown, display

import inspection_analysis as ia

# %%
project = ia.load_project(DATA_DIR, failing=FAILING)
Markdown(project.integrity_note)

# %% [markdown]
# ## 2016: bounds on agreement from the published margins

# %%
bounds = ia.assessor_agreement()
Markdown(str(bounds))

# %% [markdown]
# However the two graded any one case, their agreement cannot exceed the upper bound above. When
# it is low, a comparison between a force's own audit (the 170-file audit of 2017 Q2, or a
# quarter added with `add-quarter`) and the inspectorate's rounds mixes a change in practice
# with a change of assessor.
#
# ## A kappa example on SYNTHETIC double-graded cases
#
# **SYNTHETIC DATA.** The file below was generated to match the published (derived) margins of
# the 132 cases; the cross-tabulation itself is **invented** to show how kappa would be reported
# if the real table were available. It is not a finding about the force.

# %%
double = pd.read_csv(project.data / "synthetic" / DOUBLE_GRADED_FILE)
names = ("the force (SYNTHETIC)", "the inspectorate (SYNTHETIC)")
synthetic_kappa = ia.agreement_from_cases(double, GRADER_A, GRADER_B, failing=FAILING, names=names)
display(Markdown(str(synthetic_kappa)))
synthetic_kappa.table

# %% [markdown]
# Kappa corrects the observed agreement for the agreement expected by chance from the margins:
# near 0 the two assessors agree little more than chance would give, 1 is perfect agreement. The
# figure above is of **SYNTHETIC** gradings; with the real cross-tabulation the same call gives
# the real figure.
#
# ### Grade by grade (SYNTHETIC)
#
# The same **SYNTHETIC** cases cross-tabulated on the full grade scale, best first, with every grade
# shown even when unused. For ordered grades the kappa is linearly weighted, so a near miss counts
# for more than a distant one; the weights depend on the number of grades on the scale.

# %%
by_grade = ia.agreement_from_cases(double, GRADER_A, GRADER_B, names=names)
display(Markdown(str(by_grade)))
by_grade.table
