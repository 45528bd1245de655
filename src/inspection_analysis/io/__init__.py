"""Files -> validated frames: the only layer, with :mod:`inspection_analysis.project`, that reads the disk.

``read`` reads CSV, XLSX, XLS, ODS and Parquet (``sniff`` checks what a file
really is, ``delimited`` reads CSV text, ``sheets`` workbooks, ``raw`` holds
what was read); ``checks`` holds the row-level checks; ``registry``, ``published``, ``mapping`` and ``cases`` load and validate
each kind of input; ``duplicate_ids`` finds repeated case IDs; ``synthetic``
generates the seeded synthetic samples.
"""

from inspection_analysis.io.cases import load_cases
from inspection_analysis.io.mapping import ColumnMapping, load_mapping
from inspection_analysis.io.published import load_published
from inspection_analysis.io.registry import load_rounds

__all__ = ["ColumnMapping", "load_cases", "load_mapping", "load_published", "load_rounds"]
