"""Test configuration shared by the whole suite."""

import os

import matplotlib

# Figures are tested on the returned objects and the CSV of plotted numbers, never on a screen.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
