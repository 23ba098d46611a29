"""The trained norm-matrix classifier: protocol, calibrated probabilities, clear cases, errors, functional suite.

Tests that load the encoder are marked slow (they need `vpd models setup` and the trained parts of
`vpd train` in vpd_speech/nlp/norm_matrix/).
"""

from __future__ import annotations

import io
import json
import random
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from tests.functional_cases import cases
from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, LEVEL_OF
from vpd_speech.models import ModelError
from vpd_speech.nlp.model_classifier import DEFAULT_MODEL_DIR

MODEL_DIR = DEFAULT_MODEL_DIR

# Per hard-case type of the functional suite (clean text): (floor, target). The floor is the committed model's
# measured pass rate minus a margin and catches regressions; the target is what the type must reach (issue 15:
# threats caught >= 0.92, identity statements flagged <= 2%, hard negatives <= 5%). Types below their target
# are strict xfails (BELOW_TARGET), so reaching a target fails the run until it is moved out of that list.
FUNCTIONAL = {  # pass rate of the committed model (1.3) in brackets; a case or two moves between CPUs (int8 kernels)
    "misleading_marker": (0.85, 0.9),  # (1.00)
    "legitimate_announcement": (0.9, 0.9),  # (1.00)
    "untargeted_profanity": (0.6, 0.9),  # (0.75, 6 of 8; 1.2 and 1.0: 7, 0.9: 6): "Kut zeg, nu is die ... alweer verlopen"
    # reads neutraal
    "self_anger": (0.85, 0.9),  # (1.00)
    "negation": (0.85, 0.9),  # (1.00)
    "reported_speech": (0.6, 0.8),  # (0.80)
    "sarcasm": (0.5, 0.8),  # (0.50, 3 of 6; 1.2: 4, 1.1 and 1.0: 5, 0.9: 4): "Goh, acht weken voor een afvalpas /
    # parkeervergunning, knap werk hoor." and "Mooi zo, sta ik weer met lege handen ..." read neutraal
    "sexual": (0.6, 0.9),  # (0.78, 7 of 9; 1.2 and 1.1: 7, 1.0: 6, 0.9: 7, 0.8: 5): the misses read as level 3
    "doxxing": (0.9, 0.9),  # (1.00)
    "self_harm": (0.65, 0.9),  # (0.92, 11 of 12; 1.2 the same, 1.1: 10, 1.0: 9): "Ik kan niet meer, ik ga mij van de brug gooien"
    # reads emotie_ik
    "agent_quotes_caller": (0.7, 0.8),  # (0.86)
    "identity_neutral": (0.9, 0.98),  # (1.00)
    "identity_positive": (0.8, 0.98),  # (1.00; 1.1: 11 of 12, "Die Poolse jongens die onze straat hebben opgeknapt,
    # die werken keihard, echt petje af" read agressie_jij)
    "identity_complaint": (0.55, 0.9),  # (0.87, 13 of 15; 1.0: 11): the misses read neutraal
    "object_anger": (0.75, 0.9),  # (0.88)
    "threat_group": (0.7, 0.92),  # (1.00; 1.2: 8 of 10, 1.1 and 1.0: 10, 0.9: 9)
    "threat_third_party": (0.7, 0.92),  # (0.91, 10 of 11; 1.2 and 1.1: 9, 1.0: 10): "De burgemeester kan maar beter
    # een lijfwacht nemen, want ik ga hem te grazen nemen." reads kritiek_jullie
    "threat_property": (0.7, 0.92),  # (0.83, 10 of 12; 1.2 the same, 1.0: 11): "Straks ligt er een bom onder jullie gemeentehuis,
    # dan is die parkeervergunning ook meteen geregeld" reads kritiek
    "threat_wish_norm": (0.8, 0.92),  # (0.91, 10 of 11; 1.2 and 1.1: 11, 1.0: 10): "Ik wens je van harte een ongeluk
    # toe, jou en je hele gezin." reads agressie_jij
    "threat_no_jij": (0.8, 0.92),  # (0.83, 10 of 12; 1.2 and 1.1: 11, 1.0: 10): "Als geen afvalpas / parkeervergunning
    # komt, ik kom met mes. Echt." read neutraal
}
# The context pairs (functional_cases.CONTEXT_PAIRS): the same caller words after a refusal and after good news.
# 1.1, 1.0 and 0.9 read the threat readings right (5 of 6: "Nou, dan weet ik waar ik moet zijn" after "Mijn collega
# woont ook in Zuidwijk" reads neutraal) and read five of the six benign ones dreiging as well: the turn before moves
# the dreiging probability the right way (e.g. 0.99 -> 0.85) but seldom across the line. 0.8, which reads no
# context, gets the same 6 of 12.
CONTEXT_PAIRS_FLOOR, CONTEXT_PAIRS_TARGET = 0.5, 0.9
BELOW_TARGET = {"sexual", "identity_complaint", "object_anger", "threat_third_party", "threat_property",
                "threat_wish_norm", "threat_no_jij", "untargeted_profanity", "sarcasm"}


# ----------------------------------------------------------------------------- no model needed


def test_missing_trained_parts_says_run_vpd_train(tmp_path):
    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import NormMatrixClassifier

    enc = default_model_dir()
    if not (enc / "model.safetensors").is_file():
        enc = tmp_path / "enc"
        enc.mkdir()
        (enc / "model.safetensors").write_bytes(b"x")
        (enc / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="vpd train"):
        NormMatrixClassifier(model_dir=tmp_path / "nothing", encoder_dir=enc)


def test_missing_encoder_says_run_models_setup(tmp_path):
    from vpd_speech.nlp.model_classifier import NormMatrixClassifier

    with pytest.raises(ModelError, match="vpd models setup"):
        NormMatrixClassifier(model_dir=MODEL_DIR, encoder_dir=tmp_path / "no-encoder")


def test_char_ngrams_are_scikit_learns_and_the_run_time_weights_match_a_fitted_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from vpd_speech.nlp.char_ngrams import CharTfidf, analyzer
    from vpd_speech.nlp.phonetic import sound_key
    from vpd_speech.training.train import CHAR_NGRAMS

    texts = ["Jij bent een idioot", "ik ben  zo\tBOOS!", "jullie doen niks", "hou je mond", "ik weet waar je woont",
             "a", "ik", "Dat rotsysteem van jullie, weer kapot...", "", "   ", "één euro café"]
    for options in CHAR_NGRAMS.values():
        lo, hi = options["ngram_range"]
        builtin = (TfidfVectorizer(analyzer="char", preprocessor=sound_key, ngram_range=(lo, hi))
                   if options["text"] == "sound_key" else TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi)))
        for text in texts:  # the same n-grams, in the same order, as scikit-learn's own analyzer
            assert analyzer(options)(text) == builtin.build_analyzer()(text), text
        fitted = TfidfVectorizer(min_df=options["min_df"], dtype=np.float32, sublinear_tf=True,
                                 analyzer=analyzer(options)).fit(texts * 2)
        vocab = sorted(fitted.vocabulary_, key=fitted.vocabulary_.get)
        ours = CharTfidf(vocab, fitted.idf_, options)
        probe = ["jij bent een idiot", "Hoi mong", "ik weet waar u woont! woont woont", "xyz"]
        weight = np.random.default_rng(0).standard_normal((3, len(vocab))).astype(np.float32)
        expected = np.asarray(fitted.transform(probe) @ weight.T)
        assert np.abs(ours.dot(probe, weight) - expected).max() < 1e-5
        assert [len(ours.features(t)[0]) for t in probe] == [fitted.transform([t]).nnz for t in probe]
        assert len(ours.features("idiot")[0]) > 0  # a misspelling still shares n-grams


def test_sound_key_joins_spellings_whisper_confuses():
    from vpd_speech.nlp.phonetic import sound_key

    for written, heard in [("de rechter", "deregter"), ("een klacht indienen", "een klacht in diennen"),
                           ("Hij wordt boos", "hei wort boos"), ("hou je waffel", "Hou je wafel!"), ("zeker", "seker")]:
        assert sound_key(written) == sound_key(heard), (written, heard)
    assert sound_key("Café één") == "kafeen"
    assert sound_key("jij") != sound_key("jullie") and sound_key("u") != sound_key("je")


def test_lora_merge_adds_scaled_product():
    import torch

    from vpd_speech.nlp.model_classifier import lora_merge

    w = torch.zeros(3, 4)
    a, b = torch.ones(2, 4), torch.full((3, 2), 0.5)
    state = {"x.weight": w}
    lora_merge(state, {"x.lora_A": a, "x.lora_B": b}, 2.0)
    assert torch.allclose(state["x.weight"], torch.full((3, 4), 2.0))


def test_int8_linear_is_close_to_float_and_independent_of_the_batch():
    import torch

    from vpd_speech.nlp.model_classifier import Int8Linear

    torch.manual_seed(0)
    lin = torch.nn.Linear(384, 96)
    q = Int8Linear(lin)
    x = torch.randn(5, 7, 384) * torch.logspace(-2, 1, 5)[:, None, None]  # rows of very different scales
    with torch.inference_mode():
        want, got = lin(x), q(x)
        alone = torch.cat([q(x[i : i + 1]) for i in range(5)])
    rel = (got - want).norm(dim=-1) / want.norm(dim=-1)
    assert got.shape == want.shape and float(rel.max()) < 0.02
    assert torch.equal(alone, got)  # per-token scales: a row's result does not depend on its neighbours


def test_int8_linear_gives_the_exact_integer_products_on_this_cpu():
    """Against the same quantized operands multiplied in float64: oneDNN without VNNI/AMX saturates int16 pairs
    (relative error ~0.18 with `ONEDNN_MAX_CPU_ISA=AVX2`) unless the weights are split (`int_mm_saturates`)."""
    import torch

    from vpd_speech.nlp.model_classifier import Int8Linear

    torch.manual_seed(1)
    q = Int8Linear(torch.nn.Linear(384, 96))
    x = torch.randn(40, 384) * 3.0
    amax = x.abs().amax(dim=1, keepdim=True)
    xq = (x * (127.0 / amax)).round()
    want = (xq.double() @ q.weight_t.double()) * (amax.double() / 127.0) * q.weight_scale.double() + q.bias.double()
    with torch.inference_mode():
        got = q(x).double()
    assert float(((got - want).norm(dim=1) / want.norm(dim=1)).max()) < 1e-5


def test_int8_linear_split_weights_give_the_same_output(monkeypatch):
    """The path for CPUs whose `_int_mm` saturates, run here: W = 2 * W_hi + W_lo, the same numbers."""
    import torch

    import vpd_speech.nlp.model_classifier as mc

    lin = torch.nn.Linear(384, 96)
    plain = mc.Int8Linear(lin)
    monkeypatch.setattr(mc, "int_mm_saturates", lambda: True)
    split = mc.Int8Linear(lin)
    hi, lo = split.weight_hi.int(), split.weight_lo.int()
    assert torch.equal(2 * hi + lo, plain.weight_t.int()) and hi.abs().max() <= 64 and set(lo.unique().tolist()) <= {0, 1}
    x = torch.randn(3, 9, 384)
    with torch.inference_mode():
        assert torch.equal(split(x), plain(x))


def test_read_texts_lines_csv_tsv():
    from vpd_speech.nlp.model_classifier import read_texts

    assert read_texts(io.StringIO("hallo\n\n  ik ben boos \n")) == (["hallo", "ik ben boos"], ["", ""])
    assert read_texts(io.StringIO("id\ttext\n1\thallo\n2\tdoei\n")) == (["hallo", "doei"], ["", ""])
    assert read_texts(io.StringIO('id,text\n1,"hallo, daar"\n'), "x.csv") == (["hallo, daar"], [""])
    assert read_texts(io.StringIO("context\ttext\nNee.\tDat ga je merken.\n\thallo\n")) == (
        ["Dat ga je merken.", "hallo"], ["Nee.", ""])
    with pytest.raises(ValueError, match="text"):
        read_texts(io.StringIO("a,b\n1,2\n"), "x.csv")


def test_augment_is_seeded_and_changes_text():
    from vpd_speech.training.examples import augment

    text = "Jullie hebben mijn afvalpas al twee weken niet verstuurd, dit is een schande!"
    a = [augment(text, random.Random(3)) for _ in range(2)]
    assert a[0] == a[1]
    outs = {augment(text, random.Random(s)) for s in range(20)}
    assert len(outs) > 10 and all(o.strip() for o in outs)


def test_each_view_carries_its_turn_before_and_the_texts_augment_as_without_it():
    from vpd_speech.training.examples import build_examples, context_id, with_contexts

    row = {"id": "x-f001-1", "text": "Dat ga je merken, reken maar.", "role": "caller", "label": "dreiging",
           "split": "train", "hard_case": "", "context": "Nee, die aanvraag is afgewezen."}
    plain = {**row, "id": "x-f002-1", "text": "Dat ga je zien.", "context": ""}
    asr = {"x-f001-1": "dat ga je merken reken maar", context_id("x-f001-1"): "nee die aanvraag is afgewezen",
           "x-f002-1": "dat ga je zien"}
    got = build_examples([row, plain], asr, "train", seed=5, n_aug=2)
    views = {(e.text, e.kind): e.context for e in got if e.kind != "aug"}
    assert views[(row["text"], "clean")] == row["context"]
    assert views[("dat ga je merken reken maar", "asr")] == "nee die aanvraag is afgewezen"
    augmented = [e for e in got if e.kind == "aug"]
    assert [bool(e.context) for e in augmented] == [True, True, False, False]
    without = build_examples([{**row, "context": ""}, plain], asr, "train", seed=5, n_aug=2)
    assert [e.text for e in got] == [e.text for e in without]  # the contexts draw from their own random stream
    heard = build_examples([row], {"x-f001-1": "dat ga je merken"}, "train", seed=5, kinds=("asr",))
    assert heard[0].context == row["context"]  # no transcript of the turn before: read as written
    rows = with_contexts([row, plain])
    assert [r["id"] for r in rows] == ["x-f001-1", context_id("x-f001-1"), "x-f002-1"]
    assert rows[1]["role"] == "agent" and rows[1]["text"] == row["context"]


def test_context_features_are_the_embedding_and_a_flag_or_zeros():
    from vpd_speech.nlp.model_classifier import context_features

    seen = []

    def embed(texts):
        seen.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    x = context_features(embed, ["ab", "", "ab", None, " abc "], 3)
    assert seen == [["ab", "abc"]]  # each turn before embedded once
    assert x.tolist() == [[2, 1, 0, 1], [0, 0, 0, 0], [2, 1, 0, 1], [0, 0, 0, 0], [3, 1, 0, 1]]
    assert context_features(embed, ["", ""], 3).shape == (2, 4) and len(seen) == 1


def test_temperature_fit_recovers_scale():
    from vpd_speech.training.calibrate import fit_temperature

    rng = np.random.default_rng(0)
    true = rng.normal(size=(4000, 5)) * 2.0
    y = np.array([rng.choice(5, p=np.exp(r) / np.exp(r).sum()) for r in true])
    t = fit_temperature(true * 3.0, y)  # logits three times too sharp -> temperature about 3
    assert 2.5 < t < 3.6


def test_threat_offset_reaches_the_recall_target_in_every_group():
    """Group 0's threats need a larger offset than group 1's, which outnumber them: pooled recall would stop early."""
    from vpd_speech.training.calibrate import fit_threat_bias

    k = CALLER_LABELS.index("dreiging")
    z = np.zeros((300, 5))
    y = np.repeat(np.arange(5), 60)
    z[np.arange(300), y] = 5.0  # every row right by a margin of 5 ...
    z[y == k, k] = -1.0  # ... but every threat one point below the others (offset 1 reaches them all)
    z[(y == k) & (np.arange(300) % 60 < 10), k] = -2.0  # ten threats two points below (offset 2)
    groups = np.where((y == k) & (np.arange(300) % 60 < 10), 0, 1)
    groups[:50] = 0  # group 0 also holds some non-threats
    pooled = fit_threat_bias(z, y, target=0.8, max_drop=0.5)
    grouped = fit_threat_bias(z, y, target=0.8, max_drop=0.5, groups=groups)
    assert 1.0 < pooled < 1.2 and 2.0 < grouped < 2.2
    # group 0 made a pool-only group (negative id): its threats no longer set the offset
    assert 1.0 < fit_threat_bias(z, y, target=0.8, max_drop=0.5, groups=np.where(groups == 0, -1, 1)) < 1.2


def test_cross_author_logits_read_each_author_with_heads_that_never_saw_it():
    """Random features and labels: heads that saw a row get it right (they memorise it), heads fitted without
    its author guess. Only written and ASR views of the authors come back, never the corpus or augmented copies."""
    from vpd_speech.training.examples import Example
    from vpd_speech.training.train import _cross_author_logits, _fit_heads

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    sel = [Example(" ".join(rng.choice(words, 6)), "caller", int(rng.integers(5)), kind, 1.0, author)
           for author in ("", "a", "b", "c") for kind in ("clean", "asr", "aug") for _ in range(40)]
    x = rng.normal(size=(len(sel), 600))
    seen = _fit_heads(sel, x, "caller", 0)[0]
    assert (seen.predict(x) == np.array([e.y for e in sel])).mean() > 0.95
    z, z_char, y_read, views = _cross_author_logits(sel, x, "caller", 0, log=lambda m: None)
    assert z.shape == z_char.shape == (240, 5) and len(y_read) == 240  # 3 authors x (clean + asr) x 40
    assert sorted(set(views)) == ["asr", "clean"] and (views == "asr").sum() == 120
    assert (z.argmax(1) == y_read).mean() < 0.4
    assert _cross_author_logits(sel[:240], x[:240], "caller", 0, print) is None  # the corpus and one author


def test_threat_kinds_train_head_rows_of_their_own_merged_back_by_probability():
    """A self-harm threat trains its own head row (other labels and roles keep theirs); read back, dreiging's
    probability is the sum of its rows' and every other label's is unchanged."""
    from vpd_speech.labels import CALLER_LABELS
    from vpd_speech.nlp.markers import softmax
    from vpd_speech.nlp.model_classifier import merge_rows
    from vpd_speech.training.examples import Example, head_class, head_rows
    from vpd_speech.training.train import _fit_heads

    rows = head_rows("caller")
    assert rows == [*CALLER_LABELS, "dreiging:self_harm", "dreiging:sexual"]
    assert head_class(Example("t", "caller", 4, "clean", hard_case="self_harm")) == 5
    assert head_class(Example("t", "caller", 1, "clean", hard_case="self_harm")) == 1  # not a threat: its label
    assert head_class(Example("t", "agent", 4, "clean", hard_case="sexual")) == 4
    rng = np.random.default_rng(1)
    z = rng.normal(size=(50, 7)) * 3
    p, merged = softmax(z), softmax(merge_rows(z, rows, CALLER_LABELS))
    np.testing.assert_allclose(merged[:, 4], p[:, 4:].sum(1), rtol=1e-5)
    np.testing.assert_allclose(merged[:, :4], p[:, :4], rtol=1e-5)
    np.testing.assert_array_equal(merge_rows(z[:, :5], list(CALLER_LABELS), CALLER_LABELS), z[:, :5])
    # the heads learn the rows the examples have: here self_harm but no sexual threats
    sel = [Example(f"w{i % 7} v{i}", "caller", i % 5, "clean", hard_case="self_harm" if i % 10 == 9 else "")
           for i in range(200)]
    lr, _, lc = _fit_heads(sel, rng.normal(size=(200, 20)), "caller", 0)
    assert list(lr.classes_) == list(lc.classes_) == [0, 1, 2, 3, 4, 5]


def test_assign_words_by_midpoint():
    from types import SimpleNamespace as NS

    from vpd_speech.training.transcripts import assign_words

    words = [NS(start=0.1, end=0.3, text="ik"), NS(start=0.35, end=0.6, text="bel"), NS(start=2.1, end=2.4, text="jij"),
             NS(start=1.1, end=1.3, text="eh")]
    seg = NS(start=0.0, end=3.0, text="", words=words)
    assert assign_words([seg], [(0.0, 1.0), (2.0, 3.0)]) == [["ik", "bel", "eh"], ["jij"]]


# ----------------------------------------------------------------------------- the trained model


@pytest.fixture(scope="module")
def clf():
    from vpd_speech.nlp.model_classifier import NormMatrixClassifier

    try:
        return NormMatrixClassifier()
    except ModelError as e:
        pytest.skip(str(e))


@pytest.mark.slow
def test_protocol_and_shapes(clf):
    from vpd_speech.nlp.classify import Classifier

    c: Classifier = clf
    assert c.name == "norm_matrix"
    out = c.classify(["Ik bel over mijn paspoort.", "Jij bent een idioot."], "caller")
    assert len(out) == 2 and all(o.source == "norm_matrix" for o in out)
    assert all(set(o.probabilities) == set(CALLER_LABELS) for o in out)
    assert all(o.level == LEVEL_OF[o.label] for o in out)
    agent = c.classify(["Ik beëindig nu het gesprek."], "agent")
    assert agent[0].level is None and set(agent[0].probabilities) == set(AGENT_ACTS)
    assert c.classify([], "caller") == []


@pytest.mark.slow
def test_probabilities_sum_to_one_and_evidence_offsets(clf):
    texts = ["Jullie zijn echt een stelletje klootzakken", "ik weet waar je woont", "goedemorgen", ""]
    for role in ("caller", "agent"):
        for text, c in zip(texts, clf.classify(texts, role)):
            assert abs(sum(c.probabilities.values()) - 1.0) < 1e-6
            assert all(0.0 <= p <= 1.0 for p in c.probabilities.values())
            assert c.probabilities[c.label] == max(c.probabilities.values())
            for e in c.evidence:
                assert text[e.start:e.end] == e.text


@pytest.mark.slow
def test_turns_before_beyond_the_embedding_cache_are_read(clf, monkeypatch):
    import vpd_speech.nlp.model_classifier as mc

    monkeypatch.setattr(mc, "EMBED_CACHE", 2)
    clf._embedded.clear()
    seen = ["Goedemorgen, u spreekt met de gemeente."]
    first = clf.embed(seen)
    fresh = [f"Uw aanvraag heeft nummer {i}." for i in range(5)]
    read = clf.embed_seen(seen + fresh)  # five new texts evict the cached one and each other
    assert np.allclose(read, np.vstack([first, clf.embed(fresh)]), atol=1e-6)
    assert len(clf._embedded) == 2


@pytest.mark.slow
def test_batch_tokenizer_gives_the_transformers_ids():
    from transformers import AutoTokenizer

    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import MAX_LENGTH, PREFIX, BatchTokenizer

    folder = Path(default_model_dir())
    texts = [PREFIX + t for t in ("Hallo daar", "Hoi mong ë ï  ", "", "  dubbel  spatie  ", "Jij bent een idioot! " * 40,
                                  "Ik weet waar je woont, Sanne.", "1234 AB, 06-12345678")]
    want = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)(
        texts, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
    got = BatchTokenizer(folder / "tokenizer.json")(texts, padding=True, truncation=True, max_length=MAX_LENGTH)
    assert got["input_ids"].tolist() == want["input_ids"].tolist()
    assert got["attention_mask"].tolist() == want["attention_mask"].tolist()


@pytest.mark.slow
def test_batch_tokenizer_keeps_the_ids_of_latin_script_text():
    """Dropping the other scripts' pieces changes no id of a corpus text or its transcript."""
    from tokenizers import Tokenizer

    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import PREFIX, BatchTokenizer
    from vpd_speech.training import DEFAULT_ASR, DEFAULT_CORPUS
    from vpd_speech.training.examples import read_asr, read_tsv

    folder = Path(default_model_dir())
    full, pruned = Tokenizer.from_file(str(folder / "tokenizer.json")), BatchTokenizer(folder / "tokenizer.json")
    assert len(pruned.e5_ids) < 0.5 * full.get_vocab_size()
    texts = [r["text"] for r in read_tsv(DEFAULT_CORPUS)] + list(read_asr(DEFAULT_ASR).values())
    texts += ["€ 12,50 of £ 10? «ja» — “nee” … ½ ² ĳ ŀ ª 😀", "Müller, Çelik, Nguyễn, Søren, Łukasz"]
    latin = [PREFIX + t for t in texts if not any(c.isalpha() and "LATIN" not in unicodedata.name(c, "") for c in t)]
    assert len(latin) > 0.99 * len(texts)
    full.enable_padding(pad_id=full.token_to_id("<pad>"), pad_token="<pad>")
    want = np.array([e.ids for e in full.encode_batch([t.strip() for t in latin])])
    got = pruned(latin)["input_ids"].numpy()
    assert got.shape == want.shape
    mismatched = [latin[i] for i in np.flatnonzero((got != want).any(axis=1))]
    assert not mismatched, mismatched[:3]
    other = pruned(["Привет 中文"], padding=False)["input_ids"][0].tolist()
    assert set(other[1:-1]) <= {full.token_to_id("<unk>"), full.token_to_id("▁")}


@pytest.mark.slow
def test_batch_tokenizer_prunes_a_folder_built_without_the_latin_tokenizer(tmp_path):
    """An e5 folder built before `tokenizer.latin.json` existed: the same ids, pruned at load time."""
    import shutil

    from vpd_speech.nlp.e5 import LATIN_IDS, LATIN_TOKENIZER, default_model_dir
    from vpd_speech.nlp.model_classifier import PREFIX, BatchTokenizer

    folder = Path(default_model_dir())
    assert (folder / LATIN_TOKENIZER).is_file() and (folder / LATIN_IDS).is_file()
    shutil.copyfile(folder / "tokenizer.json", tmp_path / "tokenizer.json")
    texts = [PREFIX + t for t in ("Ik weet waar je woont, Sanne.", "Çelik en Nguyễn bellen over de WOZ", "Привет")]
    built, pruned = BatchTokenizer(folder / "tokenizer.json"), BatchTokenizer(tmp_path / "tokenizer.json")
    assert pruned.e5_ids.tolist() == built.e5_ids.tolist()
    assert pruned(texts)["input_ids"].tolist() == built(texts)["input_ids"].tolist()


@pytest.mark.slow
def test_mapped_safetensors_equal_loaded():
    from safetensors.torch import load_file

    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import mapped_safetensors

    path = Path(default_model_dir()) / "model.safetensors"
    loaded, (mapped, _) = load_file(str(path)), mapped_safetensors(path)
    assert loaded.keys() == mapped.keys()
    assert all(mapped[k].dtype == v.dtype and bool((mapped[k] == v).all()) for k, v in loaded.items())


@pytest.mark.slow
def test_plain_encoder_equals_transformers_bert():
    """vpd_speech.nlp.bert runs the same network as transformers' BertModel on the built folder, padding included."""
    import torch
    from transformers import AutoModel

    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import PREFIX, load_encoder

    folder = Path(default_model_dir())
    if not (folder / "model.safetensors").is_file():
        pytest.skip("e5 not built: run `vpd models setup`")
    tok, plain = load_encoder(folder, None, {})
    reference = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    enc = tok([PREFIX + t for t in ("ok", "Ik weet waar je woont, Sanne.", "Jullie zijn een stelletje prutsers " * 8)])
    with torch.inference_mode():
        want = reference(**enc).last_hidden_state
        got = plain(enc["input_ids"], enc["attention_mask"])
    real = enc["attention_mask"].bool()
    assert got.shape == want.shape
    assert torch.allclose(got[real], want[real], atol=1e-5)


@pytest.mark.slow
def test_int8_encoder_embeddings_match_float():
    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import encode, load_encoder

    folder = Path(default_model_dir())
    if not (folder / "model.safetensors").is_file():
        pytest.skip("e5 not built: run `vpd models setup`")
    texts = ["Ik bel over mijn parkeervergunning.", "Jij bent een idioot.", "ik weet waar je woont",
             "Jullie zijn echt een stelletje prutsers", "Dank u wel, fijne dag", "hou je pot maar laat"]
    tok, fp32 = load_encoder(folder, None, {})
    _, int8 = load_encoder(folder, None, {"quantize": "int8"})
    a, b = encode(tok, fp32, texts), encode(tok, int8, texts)
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cos.min() > 0.995, cos


@pytest.mark.slow
def test_calibration_temperatures_recorded():
    cfg = json.loads((MODEL_DIR / "config.json").read_text())
    assert all(0.05 <= cfg["temperature"][r] <= 20 for r in ("caller", "agent"))


CLEAR = [
    ("Mijn postcode is 2511 CV en mijn huisnummer is veertien.", "neutraal"),
    ("Ik wil graag een afspraak maken voor een nieuw rijbewijs.", "neutraal"),
    ("Ik word er echt wanhopig van, ik wacht al maanden op mijn uitkering.", "emotie_ik"),
    ("Ik snap het niet meer, ik heb dat geld echt nodig voor de huur.", "emotie_ik"),
    ("Jullie sturen mij al weken van het kastje naar de muur, dit is een schande.", "kritiek_jullie"),
    ("Ik ga een klacht indienen over de manier waarop jullie dit behandelen.", "kritiek_jullie"),
    ("Hou je bek, stomme trut, je snapt er helemaal niks van.", "agressie_jij"),
    ("Wat ben jij een ongelofelijke idioot zeg.", "agressie_jij"),
    ("Ik weet waar je woont en ik kom je vanavond opzoeken.", "dreiging"),
    ("Als ik je tegenkom sla ik je helemaal verrot.", "dreiging"),
]
CLEAR_AGENT = [
    ("Ik hoor dat u hier erg boos over bent.", "erkennen_emotie"),
    ("Als u blijft schelden, beëindig ik dit gesprek.", "grens_stellen"),
    ("Ik beëindig nu dit gesprek, goedendag.", "gesprek_beeindigen"),
    ("Goedemorgen, u spreekt met Anouk van de gemeente.", "overig"),
]


@pytest.mark.slow
def test_clear_cases(clf):
    caller = clf.classify([t for t, _ in CLEAR], "caller")
    agent = clf.classify([t for t, _ in CLEAR_AGENT], "agent")
    got = [c.label for c in caller] + [c.label for c in agent]
    wrong = [(t, g, w) for (t, w), g in zip(CLEAR + CLEAR_AGENT, got) if g != w]
    assert len(wrong) <= 1, wrong  # clear cases: at most one miss in fourteen


def test_functional_suite_covers_every_type():
    assert set(cases()) == set(FUNCTIONAL)
    assert all(len(v) >= 3 for v in cases().values())
    assert BELOW_TARGET <= set(FUNCTIONAL)


_RATES: dict[str, tuple[float, list[str]]] = {}


def _pass_rate(clf, kind: str) -> tuple[float, list[str]]:
    """Share of a type's cases the classifier gets right, and the misses (computed once per type)."""
    if kind not in _RATES:
        ok, fails = [], []
        for role in ("caller", "agent"):
            sel = [r for r in cases()[kind] if r[1] == role]
            for (text, _, expected), c in zip(sel, clf.classify([t for t, _, _ in sel], role) if sel else []):
                hit = (c.level in expected) if role == "caller" else (c.label in expected)
                ok.append(hit)
                if not hit:
                    fails.append(f"{text!r}: got {c.label}, want {sorted(map(str, expected))}")
        _RATES[kind] = (float(np.mean(ok)), fails)
    return _RATES[kind]


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(FUNCTIONAL))
def test_functional_floor(clf, kind):
    rate, fails = _pass_rate(clf, kind)
    print(f"\nfunctional {kind}: pass rate {rate:.2f}; misses: {fails}")
    assert rate >= FUNCTIONAL[kind][0], fails


def _target_case(kind: str):
    """A type's target test, a strict xfail below its target."""
    if kind in BELOW_TARGET:
        return pytest.param(kind, marks=pytest.mark.xfail(strict=True, reason="below its issue-15 target"))
    return kind


@pytest.mark.slow
@pytest.mark.parametrize("kind", [_target_case(k) for k in sorted(FUNCTIONAL)])
def test_functional_target(clf, kind):
    rate, fails = _pass_rate(clf, kind)
    assert rate >= FUNCTIONAL[kind][1], fails


def _context_pairs_right(clf) -> tuple[float, list[str]]:
    """Share of the context pairs' readings (functional_cases.context_cases) that the classifier gets right,
    each caller text read after its turn before, and the misses."""
    from tests.functional_cases import context_cases

    rows = context_cases()
    got = clf.classify([t for _, t, _ in rows], "caller", [b for b, _, _ in rows])
    ok = [c.level in levels for (_, _, levels), c in zip(rows, got)]
    misses = [f"{t!r} after {b!r}: got {c.label}" for (b, t, _), c, hit in zip(rows, got, ok) if not hit]
    return float(np.mean(ok)), misses


@pytest.mark.slow
def test_the_same_words_read_with_the_turn_before(clf):
    """The context pairs of the functional suite: the same caller words after a refusal and after good news."""
    rate, misses = _context_pairs_right(clf)
    print(f"\ncontext pairs: {rate:.2f} right; misses: {misses}")
    assert rate >= CONTEXT_PAIRS_FLOOR, misses


@pytest.mark.slow
@pytest.mark.xfail(strict=True,
                   reason="the benign reading of a context pair still reads dreiging (1.1, 1.0 and 0.9: 6 of 12)")
def test_the_same_words_read_with_the_turn_before_reach_the_target(clf):
    rate, misses = _context_pairs_right(clf)
    assert rate >= CONTEXT_PAIRS_TARGET, misses
