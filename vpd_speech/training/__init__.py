"""Training the norm-matrix classifier and the transcripts it learns from (the `train` extra)."""
