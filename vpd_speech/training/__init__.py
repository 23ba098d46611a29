"""Training the norm-matrix classifier and the transcripts it learns from (`vpd train`; the `train` extra).

Training reads the labelled corpus of a source checkout (eval/data/); it is not part of the package.
"""

from pathlib import Path

from vpd_speech.resources import shipped

DATA = Path(__file__).resolve().parents[2] / "eval" / "data"  # the source checkout's corpus and transcripts
DEFAULT_CORPUS = DATA / "corpus.tsv"
DEFAULT_ASR = DATA / "asr_transcripts.tsv"
# training only: the train split's agent utterances spoken by a second voice (take 1, mb-nl3), and the whole train
# split spoken again by mb-nl2 with other settings (take 2)
DEFAULT_ASR_EXTRA = (DATA / "asr_transcripts_agent_take1.tsv", DATA / "asr_transcripts_train_take2.tsv")
DEFAULT_OUT = shipped("vpd_speech.nlp", "norm_matrix")
# Independent author passes (eval/data/authors/README.md): forty-seven train with the corpus, in the order trained
# (0.8 appended amstelveen to culemborg, 1.0 the two contrast writers oss and hoorn, 1.1 the four identity writers
# breda to zaandam, 1.3 the twenty writers that had decided between models, denhelder to vlaardingen); three are never
# trained on, the cross-author test (each chosen before any result on it: the young Rotterdam street register, the
# terse Groningen farmer and the orthodox-Reformed Veluwe mother are furthest from the corpus and from the other
# writers).
AUTHORS_DIR = DATA / "authors"
AUTHORS_ASR = AUTHORS_DIR / "asr_transcripts.tsv"
TRAIN_AUTHORS = (
    "almere", "ambtenaar", "amsterdam", "arnhem", "brabant", "friesland", "haags", "leiden", "limburg", "nijmegen", "nt2",
    "twente", "utrecht", "vlaams", "westfriesland", "zeeland", "zuidoost", "amstelveen", "emmen", "lelystad", "culemborg",
    "oss", "hoorn", "breda", "schiedam", "maastricht", "zaandam",
    # selection writers until 1.3 (each decided whether a new model shipped, sessions 13-19; the model card says how)
    "denhelder", "zwolle", "dordrecht", "haarlem", "tilburg", "apeldoorn", "venlo", "deventer", "heerlen", "denbosch",
    "purmerend", "gouda", "alkmaar", "hilversum", "almelo", "assen", "zoetermeer", "helmond", "kampen", "vlaardingen",
)
# Trained on without their dreiging rows: the contrast writers of session 16 put threats and non-threats into the
# sentence shapes of the false alarms; with their threats the candidate read new false dreiging and lost, without
# them it won (1.0; the model card says how).
THREATS_LEFT_OUT = ("oss", "hoorn")
HELD_OUT_AUTHORS = ("rotterdam", "groningen", "veluwe")
# Never trained on and not part of the cross-author test: writers from the unchanged brief who decide whether a new
# model ships. winterswijk, spijkenisse, amersfoort and rijswijk decided 1.2 or 1.3 (session 20; the twenty writers
# before them are trained on since 1.3).
SELECTION_AUTHORS = ("winterswijk", "spijkenisse", "amersfoort", "rijswijk")
