"""Validated frames or datasets -> the counts table, the sufficient statistics of every analysis.

``table`` holds :func:`to_counts`; ``contract`` the counts-table contract (checking a
table, combining published and case-level sources); ``parquet`` counts a Parquet file
or dataset inside DuckDB and ``spark`` on Apache Spark, both applying the rules
of :data:`~inspection_analysis.schema.CASE_RULES` through ``dataset_checks``.
"""
