"""`make train`'s corpus: PolNeAR relations become non-overlapping CONTENT/SOURCE/CUE entities on the
tagger's feature copy (tiny split written by the test; the real training run is `make train`)."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin

from onrecord.training.corpus import build_docbin, feature_corpus
from onrecord.training.train import main as train_main
from test_polnear_scorer import brat_t, span, write_split

TEXT = (
    "The harbour master said that the pier would reopen in May. It would be safer, she added.\n\n"
    "Residents, the council said, remain worried that the ferries will not return."
)


def _ann() -> str:
    content = span(TEXT, "that the pier would reopen in May. It would be safer")
    nested = span(TEXT, "It would be safer")
    lines = [
        brat_t("T1", "Source", span(TEXT, "The harbour master")),
        brat_t("T2", "Cue", span(TEXT, "said")),
        brat_t("T3", "Content", content),
        brat_t("T4", "Source", span(TEXT, "she")),
        brat_t("T5", "Cue", span(TEXT, "added")),
        brat_t("T6", "Content", nested),
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
        "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6",
    ]
    return "\n".join(lines) + "\n"


def test_relations_become_entities_that_may_cross_sentences(tmp_path: Path) -> None:
    split = write_split(tmp_path, {"pier": (TEXT, {"a1": _ann()})}, {"pier": "a1"})
    assert build_docbin(split, tmp_path / "dev.spacy") == 1
    nlp = spacy.blank("en")
    (doc,) = DocBin().from_disk(tmp_path / "dev.spacy").get_docs(nlp.vocab)
    entities = [(e.label_, e.text) for e in doc.ents]
    assert ("CONTENT", "that the pier would reopen in May. It would be safer") in entities
    assert ("SOURCE", "The harbour master") in entities and ("CUE", "said") in entities
    assert ("CONTENT", "It would be safer") not in entities  # nested inside the outer content
    assert ("SOURCE", "she") in entities  # outside every content, so kept
    assert {str(t.morph) for t in doc if t.text == "pier"} == {"Gov=say"}


def test_the_reader_hides_the_entities_from_the_predicted_side(tmp_path: Path) -> None:
    split = write_split(tmp_path, {"pier": (TEXT, {"a1": _ann()})}, {"pier": "a1"})
    build_docbin(split, tmp_path / "dev.spacy")
    (example,) = feature_corpus(tmp_path / "dev.spacy")(spacy.blank("en"))
    assert not example.predicted.ents and example.reference.ents
    assert example.predicted.text == TEXT and example.predicted[1].tag_ == example.reference[1].tag_


def test_training_without_polnear_says_what_is_missing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert train_main([str(tmp_path / "nowhere")]) == 1
    assert "no train/ and dev/ splits" in capsys.readouterr().err
