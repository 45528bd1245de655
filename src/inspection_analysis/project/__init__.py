"""Operations on the project's data folder: adding a quarter, the manifest, sampling case lists and running the notebooks."""
