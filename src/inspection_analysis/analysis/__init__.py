"""The domain layer: the counts table and the rounds registry -> tidy results and verdicts.

Nothing here reads a file: the caller (CLI, report, notebook) loads the
registry and the counts once and passes them down.
"""
