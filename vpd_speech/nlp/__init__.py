"""Words to judgements: lexicon markers, the e5 encoder and the norm-matrix classifier."""
