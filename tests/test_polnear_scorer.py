"""The PolNeAR scorer: brat reading and the scoring recipe, on tiny synthetic corpora written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from onrecord.evaluation.polnear import (
    GoldDocument,
    GoldRelation,
    PolnearError,
    Scores,
    char_set,
    evaluate,
    gold_statements,
    jaccard,
    load_split,
    match_contents,
    parse_ann,
    quote_type,
    render_table,
    score,
    scores_to_dict,
    source_last_word,
    strict_key,
    words,
)
from onrecord.records import Span, Speaker, Statement

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "polnear"

# ------------------------------------------------------------------------------------------ helpers


def span(text: str, part: str, occurrence: int = 0) -> Span:
    """The span of the `occurrence`-th `part` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), part)


def brat_t(tid: str, label: str, *spans: Span) -> str:
    offsets = ";".join(f"{s.start} {s.end}" for s in spans)
    return f"{tid}\t{label} {offsets}\t{' '.join(s.text for s in spans)}"


def statement(content: tuple[Span, ...], mention: Span | None = None, name: str | None = None) -> Statement:
    return Statement("s", "indirect", content, None, Speaker(name=name, mention=mention), 0.5)


def document(text: str, *relations: GoldRelation) -> GoldDocument:
    return GoldDocument("doc", text, relations)


def relation(content: tuple[Span, ...], source: tuple[Span, ...] = ()) -> GoldRelation:
    return GoldRelation("E1", content, source)


def write_split(root: Path, docs: dict[str, tuple[str, dict[str, str]]], annotators: dict[str, str]) -> Path:
    """root/metadata.tsv and root/dev/{text,attributions}; `docs` maps name to (text, {annotator: ann})."""
    split = root / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    rows = ["compartment\tfilename\tlevel\tannotators\tpublisher"]
    rows += [f"dev\t{name}\tNone\t{ids}\tsynthetic" for name, ids in annotators.items()]
    (root / "metadata.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name, (text, anns) in docs.items():
        (split / "text" / f"{name}.txt").write_bytes(text.encode("utf-8"))
        for annotator, ann in anns.items():
            (split / "attributions" / f"{name}_{annotator}.ann").write_text(ann, encoding="utf-8")
    return split


TEXT = "“We will win,” Jane Smith said. The rival camp said the race was “far from over” tonight."
CONTENT_1 = span(TEXT, "“We will win,”")
SOURCE_1 = span(TEXT, "Jane Smith")
CUE_1 = span(TEXT, "said")
CONTENT_2 = span(TEXT, "the race was “far from over” tonight")
SOURCE_2 = span(TEXT, "The rival camp")
CUE_2 = span(TEXT, "said", 1)

ANN = "\n".join(
    [
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",  # forward references
        brat_t("T1", "Content", CONTENT_1),
        brat_t("T2", "Source", SOURCE_1),
        brat_t("T3", "Cue", CUE_1),
        brat_t("T4", "Attribution", CUE_1),
        brat_t("T5", "Discuss", SOURCE_2),
        "#1\tAnnotatorNotes T5\tis a camp a source?",
        brat_t("T6", "Content", CONTENT_2),
        brat_t("T7", "Cue", CUE_2),
        brat_t("T8", "Attribution", CUE_2),
        "E2\tAttribution-no-source:T8 Cue:T7 Content:T6",
        "E3\tAttribution:T8 Cue:T7",  # no content: not gold
        brat_t("T9", "Discard", CUE_2),
        "",
    ]
)


# ------------------------------------------------------------------------------------------- reader


def test_reader_resolves_forward_references_and_reads_roles() -> None:
    relations = parse_ann(ANN, TEXT)
    assert [r.id for r in relations] == ["E1", "E2"]
    first = relations[0]
    assert first.content == (CONTENT_1,)
    assert first.source == (SOURCE_1,)
    assert first.cue == (CUE_1,)


def test_reader_ignores_flags_notes_and_relations_without_content() -> None:
    relations = parse_ann(ANN, TEXT)
    assert all(SOURCE_2 not in r.source for r in relations)
    assert len(relations) == 2


def test_reader_keeps_no_source_relations() -> None:
    second = parse_ann(ANN, TEXT)[1]
    assert second.source == ()
    assert second.content == (CONTENT_2,)
    assert second.cue == (CUE_2,)


def test_reader_handles_discontinuous_spans_repeated_roles_and_wrapped_text() -> None:
    text = "“First part,” he said, “second part.”\nShe agreed, and so did they."
    first, second = span(text, "“First part,”"), span(text, "“second part.”")
    ann = "\n".join(
        [
            f"T1\tContent {first.start} {first.end};{second.start} {second.end}\t{first.text}",
            "a continuation line left by brat when a span text holds a newline",
            brat_t("T2", "Source", span(text, "he")),
            brat_t("T3", "Source", span(text, "She")),
            brat_t("T4", "Content", span(text, "agreed")),
            "E1\tAttribution:T2 Source:T2 Content:T1",
            "E2\tAttribution:T3 Source:T3 Source2:T2 Content:T4 Content2:T1",
        ]
    )
    one, two = parse_ann(ann, text)
    assert one.content == (first, second)
    assert two.source == (span(text, "he"), span(text, "She"))
    assert two.content == (first, second, span(text, "agreed"))  # sorted by offset


def test_load_split_uses_the_canonical_annotator(tmp_path: Path) -> None:
    other = brat_t("T1", "Content", span(TEXT, "the race")) + "\nE1\tAttribution-no-source:T1 Content:T1\n"
    split = write_split(tmp_path, {"doc1": (TEXT, {"bbbb": ANN, "aaaa": other})}, {"doc1": "bbbb|aaaa"})
    (doc,) = load_split(split)
    assert (doc.name, doc.annotator, doc.text) == ("doc1", "bbbb", TEXT)
    assert [r.id for r in doc.relations] == ["E1", "E2"]


def test_load_split_reads_text_exactly_and_finds_metadata_in_the_split(tmp_path: Path) -> None:
    text = "Line one.\r\nShe said it works.\r\n"
    content = span(text, "it works")
    ann = brat_t("T1", "Content", content) + "\nE1\tAttribution-no-source:T1 Content:T1\n"
    split = write_split(tmp_path, {"doc1": (text, {"cccc": ann})}, {"doc1": "cccc"})
    (split / "metadata.tsv").write_text((tmp_path / "metadata.tsv").read_text())
    (tmp_path / "metadata.tsv").unlink()
    (doc,) = load_split(split)
    assert doc.text == text
    assert doc.relations[0].content[0].text == "it works"


def test_load_split_reports_a_missing_canonical_file(tmp_path: Path) -> None:
    split = write_split(tmp_path, {"doc1": (TEXT, {"aaaa": ANN})}, {"doc1": "bbbb|aaaa"})
    with pytest.raises(PolnearError, match="canonical"):
        load_split(split)


def test_load_split_reports_a_directory_that_is_not_a_split(tmp_path: Path) -> None:
    with pytest.raises(PolnearError, match="text/"):
        load_split(tmp_path)


# ------------------------------------------------------------------------------------ content match


def test_perfect_prediction_scores_100() -> None:
    doc = GoldDocument("doc", TEXT, parse_ann(ANN, TEXT))
    scores = score([doc], {"doc": gold_statements(doc)})
    assert scores.extraction.f1 == scores.attribution.f1 == scores.strict_extraction.f1 == 1.0
    assert scores.name_accuracy == 1.0
    assert (scores.gold, scores.predicted, scores.matched, scores.speaker_correct) == (2, 2, 2, 2)


def test_missing_predictions_score_zero() -> None:
    doc = GoldDocument("doc", TEXT, parse_ann(ANN, TEXT))
    scores = score([doc], {})
    assert (scores.extraction.precision, scores.extraction.recall, scores.extraction.f1) == (0, 0, 0)
    assert scores.name_accuracy is None


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [
        ("abcde", True),  # Jaccard 5/10 = 0.5 exactly
        ("abcd", False),  # 4/10
        ("abcdefghijklmnopqrst", True),  # 10/20
        ("abcdefghijklmnopqrstu", False),  # 10/21, just below
        ("defghijklm", True),  # 7/13, just above
        ("efghijklmn", False),  # 6/14
    ],
)
def test_jaccard_threshold_is_one_half_inclusive(predicted: str, matches: bool) -> None:
    text = "abcdefghijklmnopqrstu"
    gold = relation((span(text, "abcdefghij"),))
    scores = score([document(text, gold)], {"doc": [statement((span(text, predicted),))]})
    assert scores.matched == int(matches)


def test_matching_is_greedy_by_jaccard_and_one_to_one() -> None:
    a = frozenset(range(10))
    b = frozenset(range(12))
    assert match_contents([a, b], [b, a]) == [(0, 1), (1, 0)]
    assert match_contents([a, b], [a]) == [(0, 0)]
    assert match_contents([a, a], [a]) == [(0, 0)]
    assert match_contents([b], [a, b]) == [(0, 1)]


def test_one_prediction_cannot_match_two_golds() -> None:
    text = "She said the plan works and will pass."
    content = (span(text, "the plan works and will pass"),)
    doc = document(text, relation(content), relation(content))
    scores = score([doc], {"doc": [statement(content)]})
    assert (scores.matched, scores.extraction.precision, scores.extraction.recall) == (1, 1.0, 0.5)


def test_whitespace_and_quote_characters_are_left_out() -> None:
    text = 'She said: « ‘Tis “so” „odd" ` »  ok'
    assert "".join(text[i] for i in sorted(char_set(text, [Span(0, len(text), text)]))) == (
        "Shesaid:Tissoodd" + "ok"
    )
    gold = char_set(text, [span(text, "“so”")])
    assert jaccard(gold, char_set(text, [span(text, "so")])) == 1


# -------------------------------------------------------------------------------------- attribution


def _attribution(gold_source: tuple[Span, ...], mention: Span | None) -> int:
    text = TEXT
    gold = relation((CONTENT_1,), gold_source)
    return score([document(text, gold)], {"doc": [statement((CONTENT_1,), mention)]}).speaker_correct


def test_speaker_is_correct_when_source_and_mention_overlap() -> None:
    assert _attribution((SOURCE_1,), span(TEXT, "Smith")) == 1
    assert _attribution((SOURCE_1,), span(TEXT, "Jane Smith said")) == 1
    assert _attribution((SOURCE_1,), span(TEXT, "said")) == 0
    assert _attribution((SOURCE_1,), None) == 0


def test_overlap_on_excluded_characters_only_does_not_count() -> None:
    text = "He said “yes” she said."
    gold = relation((span(text, "yes"),), (span(text, "He said “"),))
    predicted = statement((span(text, "yes"),), span(text, "“yes"))
    assert score([document(text, gold)], {"doc": [predicted]}).speaker_correct == 0


def test_gold_without_source_needs_a_prediction_without_mention() -> None:
    assert _attribution((), None) == 1
    assert _attribution((), span(TEXT, "Jane")) == 0


def test_attribution_needs_a_content_match() -> None:
    gold = relation((CONTENT_1,), (SOURCE_1,))
    predicted = statement((span(TEXT, "tonight"),), SOURCE_1)
    scores = score([document(TEXT, gold)], {"doc": [predicted]})
    assert (scores.matched, scores.speaker_correct, scores.attribution.f1) == (0, 0, 0)


# ------------------------------------------------------------------------------------------- strict


def test_strict_boundaries_are_trimmed_of_whitespace_quotes_and_punctuation() -> None:
    text = "He said: “(We will win — all of it!)” Then [more]."
    assert strict_key(text, [span(text, " “(We will win — all of it!)”")]) == strict_key(
        text, [span(text, "We will win — all of it")]
    )
    assert strict_key(text, [span(text, "We will win")]) != strict_key(
        text, [span(text, "We will win — all")]
    )
    assert strict_key(text, [span(text, "“")]) == ()


def test_strict_pieces_merge_across_gaps_of_trimmable_characters_only() -> None:
    text = "“One,” “two.” he said, “three.”"
    whole = span(text, "“One,” “two.”")
    pieces = (span(text, "“One,”"), span(text, "“two.”"))
    assert strict_key(text, pieces) == strict_key(text, [whole])
    three = span(text, "“three.”")
    assert strict_key(text, (*pieces, three)) != strict_key(text, [Span(0, len(text), text)])
    assert strict_key(text, (three, *pieces)) == strict_key(text, (*pieces, three))


def test_strict_extraction_counts_only_equal_trimmed_boundaries() -> None:
    text = "She said “the plan works, and it will pass.”"
    gold = relation((span(text, "“the plan works, and it will pass.”"),))
    exact = statement((span(text, "the plan works, and it will pass"),))
    loose = statement((span(text, "the plan works, and it will"),))
    assert score([document(text, gold)], {"doc": [exact]}).strict_matched == 1
    loose_scores = score([document(text, gold)], {"doc": [loose]})
    assert (loose_scores.matched, loose_scores.strict_matched) == (1, 0)


# --------------------------------------------------------------------------------------- quote type


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        ("“We will win,” she said.", "We will win,", "direct"),
        ("“We will win,” she said.", "“We will win,”", "direct"),
        ('"We will win," she said.', '"We will win,"', "direct"),
        ("She said the bill was “dead on arrival” in the Senate.", "the bill was “dead on arrival”", "mixed"),
        ("She said the bill was “dead on arrival” in the Senate.", "dead on arrival", "direct"),
        ("She said it's Clinton's plan and the voters' choice.", "it's Clinton's plan", "indirect"),
        ("She said the bill was dead.", "the bill was dead", "indirect"),
        ("Photo.\n”Mr. Trump is transparent,” one wrote.", "Mr. Trump is transparent,", "direct"),
        ('"PENCE: Well, this is “Shark Tank.” But it is serious.', "But it is serious", "direct"),
        ("He called it a ‘disaster’ for the party.", "a ‘disaster’ for the party", "mixed"),
        ("“Open all paragraph\nnot quoted here,” she said.", "not quoted here", "indirect"),
        ("They said ''we must not overreact,'' he wrote.", "we must not overreact,", "direct"),
    ],
)
def test_quote_type(text: str, content: str, expected: str) -> None:
    assert quote_type(text, [span(text, content)]) == expected


def test_quote_type_of_discontinuous_content() -> None:
    text = "“One,” he said, “two.” And he said three."
    assert quote_type(text, [span(text, "“One,”"), span(text, "“two.”")]) == "direct"
    assert quote_type(text, [span(text, "“One,”"), span(text, "three")]) == "mixed"


def test_recall_is_split_by_quote_type() -> None:
    doc = GoldDocument("doc", TEXT, parse_ann(ANN, TEXT))
    scores = score([doc], {"doc": [statement((CONTENT_1,))]})
    assert scores.gold_by_type == {"direct": 1, "mixed": 1, "indirect": 0}
    assert scores.found_by_type == {"direct": 1, "mixed": 0, "indirect": 0}
    assert scores.recall_by_type() == {"direct": 1.0, "mixed": 0.0, "indirect": None}


# ------------------------------------------------------------------------------------ name accuracy


def test_words_are_lowercased_without_punctuation_or_possessive() -> None:
    expected = ["sen", "debbie", "wasserman", "schultz", "d", "fla", "office"]
    assert words("Sen. Debbie Wasserman-Schultz’s (D-Fla.) office") == expected
    assert words('the Clintons\' "friends,"') == ["the", "clintons", "friends"]


@pytest.mark.parametrize(
    ("source", "last_word"),
    [
        ("Jane Smith", "smith"),
        ("Trump's", "trump"),
        ("Clinton’s campaign", "campaign"),
        ("he", None),
        ("They", None),
        ("he and Mr. Allen", "allen"),
    ],
)
def test_source_last_word_skips_pronouns(source: str, last_word: str | None) -> None:
    text = f"{source} said so."
    assert source_last_word(relation((span(text, "so"),), (span(text, source),))) == last_word
    assert source_last_word(relation((span(text, "so"),))) is None


@pytest.mark.parametrize(
    ("source", "name", "eligible", "correct"),
    [
        ("Smith", "Jane Smith", 1, 1),
        ("Sen. Smith's", "Smith", 1, 1),
        ("Jane Smith", "John Doe", 1, 0),
        ("Jane Smith", None, 1, 0),
        ("Jane Smith", "Smithson", 1, 0),
        ("she", "Jane Smith", 0, 0),
    ],
)
def test_name_accuracy(source: str, name: str | None, eligible: int, correct: int) -> None:
    text = f"{source} said the vote was rigged."
    content = (span(text, "the vote was rigged"),)
    gold = relation(content, (span(text, source),))
    scores = score([document(text, gold)], {"doc": [statement(content, span(text, source), name)]})
    assert (scores.name_eligible, scores.name_correct) == (eligible, correct)


# ----------------------------------------------------------------------------- evaluate and reports


def test_evaluate_runs_the_extractor_on_every_text(tmp_path: Path) -> None:
    split = write_split(tmp_path, {"doc1": (TEXT, {"aaaa": ANN}), "doc2": (TEXT, {"bbbb": ANN})}, {})
    seen: list[str] = []

    def extractor(text: str) -> list[Statement]:
        seen.append(text)
        return [statement((CONTENT_1,), SOURCE_1, "Jane Smith")]

    scores = evaluate(split, extractor)
    assert seen == [TEXT, TEXT]
    assert (scores.documents, scores.gold, scores.predicted, scores.matched) == (2, 4, 2, 2)
    assert scores.speaker_correct == 2


def test_scores_to_dict_gives_percentages_with_one_decimal() -> None:
    counts = {"gold": 3, "predicted": 2, "matched": 1, "speaker_correct": 1, "name_eligible": 3}
    scores = Scores(**counts, name_correct=2, gold_by_type={"direct": 3}, found_by_type={"direct": 1})
    data = scores_to_dict(scores)
    assert data["extraction"] == {"precision": 50.0, "recall": 33.3, "f1": 40.0, "correct": 1}
    assert data["strict_extraction"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "correct": 0}
    assert data["recall_by_type"] == {
        "direct": {"gold": 3, "found": 1, "recall": 33.3},
        "mixed": {"gold": 0, "found": 0, "recall": None},
        "indirect": {"gold": 0, "found": 0, "recall": None},
    }
    assert data["name_accuracy"] == {"eligible": 3, "correct": 2, "accuracy": 66.7}


def test_render_table_shows_every_measure() -> None:
    scores = Scores(documents=1, gold=3, predicted=2, matched=1, speaker_correct=1)
    console = Console(width=200, record=True)
    console.print(render_table(scores))
    output = console.export_text()
    labels = (
        "Extraction",
        "Attribution",
        "Strict extraction",
        "direct",
        "mixed",
        "indirect",
        "Name accuracy",
    )
    for expected in (*labels, "50.0", "33.3", "40.0", "n/a"):
        assert expected in output


# ------------------------------------------------------------------------------------- real corpus


@pytest.mark.polnear
def test_dev_split_loads_and_gold_scores_100_against_itself() -> None:
    dev = POLNEAR / "dev"
    if not dev.is_dir():
        pytest.skip(f"{dev} is absent")
    documents = load_split(dev)
    assert len(documents) == 84
    relations = sum(len(doc.relations) for doc in documents)
    assert 1500 <= relations <= 3500
    assert any(not r.source for doc in documents for r in doc.relations)
    for doc in documents:
        for rel in doc.relations:
            assert all(doc.text[s.start : s.end] == s.text for s in (*rel.content, *rel.source, *rel.cue))
    scores = score(documents, {doc.name: gold_statements(doc) for doc in documents})
    assert scores.extraction.f1 == scores.attribution.f1 == scores.strict_extraction.f1 == 1.0
    assert scores.name_accuracy == 1.0
    assert sum(scores.gold_by_type.values()) == relations
