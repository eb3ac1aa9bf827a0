"""PolNeAR scorer: brat gold in, predicted `Statement`s matched and scored per shared/polnear/README.md.

Choices made where the recipe leaves room (each one is a constant or a small function below):

- Gold: every `E` relation of type `Attribution` or `Attribution-no-source` with at least one `Content*`
  role, from the canonical annotator's file. A relation "has a source" when it has a `Source*` role (one
  `Attribution-no-source` relation in the corpus does name a source; the span decides, not the type).
  Span texts are sliced from the article, never taken from the `.ann` (brat may wrap them over lines).
- Content match: character sets leave out whitespace and `QUOTE_CHARS`; Jaccard >= 0.5 is tested exactly
  (2 * |G & P| >= |G | P|); greedy in descending Jaccard, ties broken by gold order (file order of the `E`
  lines) and then prediction order (the extractor's order).
- Strict extraction is its own one-to-one matching, independent of the Jaccard matching: each content is
  reduced to its list of pieces, every piece trimmed of `TRIM_CHARS` at both ends, empty pieces dropped,
  pieces sorted, and neighbouring pieces merged when only `TRIM_CHARS` lie between them (so "A," he said,
  "B." annotated as one piece or as two compares equal, but "A ... B" never equals "A" + "B" when words
  lie between them). Gold and prediction agree when these piece lists are equal.
- Quote type of a gold content: the article's quoted regions are found with `quoted_indices` (double
  quotes “ ” « » „ " and single quotes ‘ ’ ' told from apostrophes by their neighbours; a paragraph break
  closes every open quote, as US news style reopens quotes on each paragraph). Only letters and digits of
  the content count: all inside a quoted region = direct; some = mixed; none = indirect.
- Name accuracy: eligible pairs are Jaccard-matched pairs whose gold has a source made of at least one
  word that is not in `PRONOUNS`. Words are split on whitespace and dashes, lowercased, stripped of outer
  punctuation and of a possessive 's / ’s / trailing apostrophe.
- Undefined ratios: precision, recall and F1 are 0 when their denominator is 0; per-type recall and name
  accuracy are `None` (shown as "n/a", JSON null) when nothing is eligible.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

from rich.table import Table

from onrecord.records import Span, Speaker, Statement

QuoteType = Literal["direct", "mixed", "indirect"]
QUOTE_TYPES: tuple[QuoteType, ...] = ("direct", "mixed", "indirect")
StrictKey = tuple[tuple[int, int], ...]

QUOTE_CHARS = frozenset("\"“”‘’'`«»„")
TRIM_CHARS = QUOTE_CHARS | frozenset(",.;:!?—–-()[]")
RELATION_TYPES = frozenset({"Attribution", "Attribution-no-source"})
IGNORED_LABELS = frozenset({"Discuss", "Discard"})
# Sources made only of these words are pronouns: name accuracy skips them (no coreference in the gold).
# fmt: off
PRONOUNS = frozenset({
    "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours",
    "he", "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs",
    "myself", "ourselves", "yourself", "yourselves", "himself", "herself", "itself", "themselves",
    "who", "whom", "whose", "which", "that", "this", "these", "those",
    "one", "someone", "somebody", "anyone", "anybody", "everyone", "everybody",
})
# fmt: on

_T_LINE = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"(E\d+)\t(.*)")
_ROLE = re.compile(r"([A-Za-z-]+?)\d*:(T\d+)")
_WORD_SPLIT = re.compile(r"[\s\-–—]+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_DOUBLE_QUOTES = frozenset('"“”«»„')
_OPENERS = frozenset("([{/—–-\"“‘'")


class PolnearError(Exception):
    """The corpus directory is not laid out as expected; the message is one sentence for the user."""


@dataclass(frozen=True)
class GoldRelation:
    """One annotated attribution: content (what), source (who, may be empty) and cue spans."""

    id: str
    content: tuple[Span, ...]
    source: tuple[Span, ...] = ()
    cue: tuple[Span, ...] = ()


@dataclass(frozen=True)
class GoldDocument:
    """One article with its canonical annotation."""

    name: str
    text: str
    relations: tuple[GoldRelation, ...]
    annotator: str = ""


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 as fractions in [0, 1]."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Scores:
    """Counts summed over all articles, with the recipe's measures derived from them."""

    documents: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_correct: int = 0
    strict_matched: int = 0
    name_eligible: int = 0
    name_correct: int = 0
    gold_by_type: Mapping[QuoteType, int] = field(default_factory=dict)
    found_by_type: Mapping[QuoteType, int] = field(default_factory=dict)

    @property
    def extraction(self) -> PRF:
        return prf(self.matched, self.predicted, self.gold)

    @property
    def attribution(self) -> PRF:
        return prf(self.speaker_correct, self.predicted, self.gold)

    @property
    def strict_extraction(self) -> PRF:
        return prf(self.strict_matched, self.predicted, self.gold)

    @property
    def name_accuracy(self) -> float | None:
        return _ratio(self.name_correct, self.name_eligible)

    def recall_by_type(self) -> dict[QuoteType, float | None]:
        return {t: _ratio(self.found_by_type.get(t, 0), self.gold_by_type.get(t, 0)) for t in QUOTE_TYPES}


def prf(correct: int, predicted: int, gold: int) -> PRF:
    """P = correct / predicted, R = correct / gold, F1 their harmonic mean (0 where undefined)."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --------------------------------------------------------------------------------------------- reading


def read_text(path: Path) -> str:
    """The file decoded as UTF-8 exactly as stored (no newline translation), so offsets index it."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _text_bound_spans(ann: str, text: str) -> dict[str, tuple[Span, ...]]:
    """First pass: every `T` id (except annotator flags) to its pieces, in file order."""
    spans: dict[str, tuple[Span, ...]] = {}
    for line in ann.split("\n"):
        match = _T_LINE.match(line)
        if match is None or match[2] in IGNORED_LABELS:
            continue
        pieces = (piece.split() for piece in match[3].split(";"))
        spans[match[1]] = tuple(_span(text, int(start), int(end)) for start, end in pieces)
    return spans


def _relation(event_id: str, args: str, spans: Mapping[str, tuple[Span, ...]]) -> GoldRelation | None:
    """An `E` line's arguments as a relation; None when it is not an attribution or has no content."""
    tokens = args.split()
    if not tokens or tokens[0].split(":", 1)[0] not in RELATION_TYPES:
        return None
    roles: dict[str, list[Span]] = {"Content": [], "Source": [], "Cue": []}
    for token in tokens[1:]:
        match = _ROLE.fullmatch(token)
        if match is not None and match[1] in roles:
            roles[match[1]].extend(spans.get(match[2], ()))
    if not roles["Content"]:
        return None
    content, source, cue = (tuple(sorted(set(roles[r]), key=_span_key)) for r in ("Content", "Source", "Cue"))
    return GoldRelation(event_id, content, source, cue)


def _span_key(span: Span) -> tuple[int, int]:
    return (span.start, span.end)


def parse_ann(ann: str, text: str) -> tuple[GoldRelation, ...]:
    """Every attribution relation with a content span in a brat `.ann` file, in file order.

    Two passes, since an `E` line may name `T` ids defined further down. Lines that are neither `T` nor
    `E` lines (`#` notes, continuation lines of a wrapped span text) are ignored.
    """
    spans = _text_bound_spans(ann, text)
    relations = []
    for line in ann.split("\n"):
        match = _E_LINE.match(line)
        relation = _relation(match[1], match[2], spans) if match else None
        if relation is not None:
            relations.append(relation)
    return tuple(relations)


def _metadata_path(split_dir: Path) -> Path:
    for candidate in (split_dir / "metadata.tsv", split_dir.parent / "metadata.tsv"):
        if candidate.is_file():
            return candidate
    raise PolnearError(f"No metadata.tsv found in {split_dir} or its parent directory.")


def read_annotators(metadata: Path) -> dict[str, list[str]]:
    """Document name to its annotator ids (canonical first), from the `annotators` column."""
    lines = read_text(metadata).splitlines()
    if not lines:
        raise PolnearError(f"{metadata} is empty.")
    header = lines[0].split("\t")
    if "filename" not in header or "annotators" not in header:
        raise PolnearError(f"{metadata} lacks a 'filename' or an 'annotators' column.")
    name_col, ann_col = header.index("filename"), header.index("annotators")
    annotators: dict[str, list[str]] = {}
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) > max(name_col, ann_col):
            annotators[cells[name_col]] = [a for a in cells[ann_col].split("|") if a]
    return annotators


def _canonical_ann(split_dir: Path, name: str, annotators: Mapping[str, list[str]]) -> Path:
    folder = split_dir / "attributions"
    if annotators.get(name):
        path = folder / f"{name}_{annotators[name][0]}.ann"
        if path.is_file():
            return path
        raise PolnearError(f"The canonical annotation {path} is missing.")
    found = [p for p in folder.glob(f"{name}_*.ann") if "_" not in p.stem[len(name) + 1 :]]
    if len(found) == 1:
        return found[0]
    raise PolnearError(f"{name} is not in metadata.tsv and has {len(found)} annotation files, not one.")


def load_document(split_dir: Path, name: str, annotators: Mapping[str, list[str]]) -> GoldDocument:
    """One article of a split with its canonical annotation."""
    ann_path = _canonical_ann(split_dir, name, annotators)
    text = read_text(split_dir / "text" / f"{name}.txt")
    annotator = ann_path.stem[len(name) + 1 :]
    return GoldDocument(name, text, parse_ann(read_text(ann_path), text), annotator)


def load_split(split_dir: Path) -> list[GoldDocument]:
    """Every article in `split_dir/text/` (sorted by name) with its canonical gold relations."""
    text_dir = split_dir / "text"
    if not text_dir.is_dir():
        raise PolnearError(f"{split_dir} has no text/ directory; is it a PolNeAR split?")
    annotators = read_annotators(_metadata_path(split_dir))
    return [load_document(split_dir, p.stem, annotators) for p in sorted(text_dir.glob("*.txt"))]


# --------------------------------------------------------------------------------------- span measures


def char_set(text: str, spans: Iterable[Span]) -> frozenset[int]:
    """Indices covered by `spans`, leaving out whitespace and quote characters."""
    size = len(text)
    return frozenset(
        i
        for span in spans
        for i in range(max(0, span.start), min(size, span.end))
        if not text[i].isspace() and text[i] not in QUOTE_CHARS
    )


def jaccard(gold: frozenset[int], predicted: frozenset[int]) -> Fraction:
    """|G & P| / |G | P|, exactly; 0 when both are empty."""
    union = len(gold | predicted)
    return Fraction(len(gold & predicted), union) if union else Fraction(0)


def match_contents(
    gold: Sequence[frozenset[int]], predicted: Sequence[frozenset[int]]
) -> list[tuple[int, int]]:
    """Greedy one-to-one (gold index, prediction index) pairs with Jaccard >= 1/2, best first."""
    candidates: list[tuple[Fraction, int, int]] = []
    for g, gold_set in enumerate(gold):
        for p, predicted_set in enumerate(predicted):
            value = jaccard(gold_set, predicted_set)
            if value > 0 and 2 * value >= 1:
                candidates.append((value, g, p))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, g, p in candidates:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append((g, p))
    return pairs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    while start < end and (text[start].isspace() or text[start] in TRIM_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRIM_CHARS):
        end -= 1
    return start, end


def strict_key(text: str, spans: Iterable[Span]) -> StrictKey:
    """Trimmed pieces, sorted, merged across gaps of trimmable characters only (see module docstring)."""
    pieces = sorted(p for p in (_trim(text, s.start, s.end) for s in spans) if p[0] < p[1])
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and all(c.isspace() or c in TRIM_CHARS for c in text[merged[-1][1] : start]):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def strict_matches(gold: Sequence[StrictKey], predicted: Sequence[StrictKey]) -> int:
    """One-to-one count of gold/prediction pairs with equal, non-empty strict keys."""
    predicted_counts = Counter(k for k in predicted if k)
    return sum(min(n, predicted_counts[k]) for k, n in Counter(k for k in gold if k).items())


# ----------------------------------------------------------------------------------------- quote types


def _neighbours(text: str, i: int) -> tuple[str, str]:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before, after


def _double_mark(text: str, i: int) -> Literal["open", "close", "toggle"] | None:
    """Context first (news text often uses ” to open or “ to close), the glyph where context is unclear.

    A mark opens at a paragraph start, or after a space or opener when a non-space follows; it closes
    after a non-space, non-opener when no letter or digit follows.
    """
    char = text[i]
    if char not in _DOUBLE_QUOTES:
        return None
    before, after = _neighbours(text, i)
    after_opener = before.isspace() or before in _OPENERS
    if before == "\n" or (after_opener and not after.isspace()):
        return "open"
    if not after_opener and not after.isalnum():
        return "close"
    if char in "“«„":
        return "open"
    return "close" if char in "”»" else "toggle"


def _single_mark(text: str, i: int) -> Literal["open", "close"] | None:
    """‘ and ' open before a letter after a space or opener; ’ and ' close unless a letter follows."""
    char = text[i]
    if char not in "‘’'":
        return None
    before, after = _neighbours(text, i)
    if char in "‘'" and (before.isspace() or before in _OPENERS) and after.isalpha():
        return "open"
    if char in "’'" and not before.isspace() and not after.isalnum():
        return "close"
    return None


def quoted_indices(text: str) -> frozenset[int]:
    """Indices of characters inside quotation marks (the marks themselves excluded).

    Double quotes nest (a depth count, so "A “B” C" stays quoted after “B”); single quotes are one flag
    that a closing double quote also clears; a newline closes everything.
    """
    inside: set[int] = set()
    depth, single = 0, False
    for i, char in enumerate(text):
        double_mark = _double_mark(text, i)
        single_mark = None if double_mark else _single_mark(text, i)
        if char == "\n":
            depth, single = 0, False
        elif double_mark is not None:
            opens = double_mark == "open" or (double_mark == "toggle" and depth == 0)
            depth, single = (depth + 1, single) if opens else (max(0, depth - 1), False)
        elif single_mark is not None:
            single = single_mark == "open"
        elif depth or single:
            inside.add(i)
    return frozenset(inside)


def quote_type(text: str, spans: Iterable[Span], quoted: frozenset[int] | None = None) -> QuoteType:
    """direct when every letter/digit of the content is quoted, mixed when some are, else indirect."""
    quoted = quoted_indices(text) if quoted is None else quoted
    letters = [i for i in char_set(text, spans) if text[i].isalnum()]
    inside = sum(1 for i in letters if i in quoted)
    if letters and inside == len(letters):
        return "direct"
    return "mixed" if inside else "indirect"


# ----------------------------------------------------------------------------------- speakers and names


def words(text: str) -> list[str]:
    """Lowercased words, split on whitespace and dashes, without outer punctuation or possessive."""
    result = []
    for token in _WORD_SPLIT.split(text.lower()):
        word = _POSSESSIVE.sub("", _strip_punctuation(token))
        word = _strip_punctuation(word)
        if word:
            result.append(word)
    return result


def _strip_punctuation(token: str) -> str:
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not token[end - 1].isalnum() and token[end - 1] not in "'’":
        end -= 1
    return token[start:end]


def source_last_word(relation: GoldRelation) -> str | None:
    """The gold source's last word, or None when there is no source or it is only pronouns."""
    source_words = words(" ".join(span.text for span in relation.source))
    if not source_words or all(word in PRONOUNS for word in source_words):
        return None
    return source_words[-1]


def speaker_correct(text: str, relation: GoldRelation, speaker: Speaker) -> bool:
    """Gold source and predicted mention share a character; with no gold source, no mention either."""
    mention = speaker.mention
    if not relation.source:
        return mention is None
    return mention is not None and bool(char_set(text, relation.source) & char_set(text, (mention,)))


def name_correct(last_word: str, speaker: Speaker) -> bool:
    return speaker.name is not None and last_word in words(speaker.name)


# ------------------------------------------------------------------------------------------- scoring


def score_document(document: GoldDocument, predictions: Sequence[Statement]) -> Scores:
    """The counts of one article."""
    text, gold = document.text, document.relations
    pairs = match_contents(
        [char_set(text, r.content) for r in gold], [char_set(text, s.content) for s in predictions]
    )
    quoted = quoted_indices(text)
    types = [quote_type(text, r.content, quoted) for r in gold]
    last_words = [source_last_word(gold[g]) for g, _ in pairs]
    return Scores(
        documents=1,
        gold=len(gold),
        predicted=len(predictions),
        matched=len(pairs),
        speaker_correct=sum(speaker_correct(text, gold[g], predictions[p].speaker) for g, p in pairs),
        strict_matched=strict_matches(
            [strict_key(text, r.content) for r in gold], [strict_key(text, s.content) for s in predictions]
        ),
        name_eligible=sum(1 for w in last_words if w is not None),
        name_correct=sum(
            name_correct(w, predictions[p].speaker) for w, (_, p) in zip(last_words, pairs, strict=True) if w
        ),
        gold_by_type=Counter(types),
        found_by_type=Counter(types[g] for g, _ in pairs),
    )


def combine(parts: Iterable[Scores]) -> Scores:
    """Micro-average: sum the counts of several articles."""
    totals: Counter[str] = Counter()
    gold_by_type: Counter[QuoteType] = Counter()
    found_by_type: Counter[QuoteType] = Counter()
    count_fields = (
        "documents", "gold", "predicted", "matched", "speaker_correct", "strict_matched",
        "name_eligible", "name_correct",
    )  # fmt: skip
    for part in parts:
        totals.update({name: getattr(part, name) for name in count_fields})
        gold_by_type.update(part.gold_by_type)
        found_by_type.update(part.found_by_type)
    return Scores(
        **{name: totals[name] for name in count_fields},
        gold_by_type={t: gold_by_type[t] for t in QUOTE_TYPES},
        found_by_type={t: found_by_type[t] for t in QUOTE_TYPES},
    )


def score(documents: Sequence[GoldDocument], predictions: Mapping[str, Sequence[Statement]]) -> Scores:
    """Score predictions (keyed by document name; a missing name means no statements) against gold."""
    return combine(score_document(doc, predictions.get(doc.name, ())) for doc in documents)


def evaluate(split_dir: Path, extract: Callable[[str], list[Statement]]) -> Scores:
    """Run `extract` on the raw text of every article of a split and score it."""
    documents = load_split(split_dir)
    return score(documents, {doc.name: extract(doc.text) for doc in documents})


def gold_statements(document: GoldDocument) -> list[Statement]:
    """The gold relations as `Statement`s (mention = first source piece, name = source text)."""
    quoted = quoted_indices(document.text)
    statements = []
    for relation in document.relations:
        source = relation.source
        speaker = Speaker(
            name=" ".join(s.text for s in source) or None, mention=source[0] if source else None
        )
        kind = quote_type(document.text, relation.content, quoted)
        cue = relation.cue[0] if relation.cue else None
        statements.append(Statement(relation.id, kind, relation.content, cue, speaker, 1.0))
    return statements


# ------------------------------------------------------------------------------------------- reporting


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def render_table(scores: Scores) -> Table:
    """The scores as a rich table: percentages with one decimal, counts alongside."""
    table = Table(title=f"PolNeAR — {scores.documents} documents")
    for column in ("Measure", "P", "R", "F1", "Accuracy", "Counts"):
        table.add_column(column, justify="left" if column in ("Measure", "Counts") else "right")
    measures = (
        ("Extraction", scores.extraction, scores.matched),
        ("Attribution", scores.attribution, scores.speaker_correct),
        ("Strict extraction", scores.strict_extraction, scores.strict_matched),
    )
    for label, values, correct in measures:
        counts = f"{correct} correct / {scores.predicted} predicted / {scores.gold} gold"
        table.add_row(label, _cell(values.precision), _cell(values.recall), _cell(values.f1), "", counts)
    recalls = scores.recall_by_type()
    for kind in QUOTE_TYPES:
        counts = f"{scores.found_by_type.get(kind, 0)} found / {scores.gold_by_type.get(kind, 0)} gold"
        table.add_row(f"Recall, {kind}", "", _cell(recalls[kind]), "", "", counts)
    counts = f"{scores.name_correct} correct / {scores.name_eligible} eligible"
    table.add_row("Name accuracy", "", "", "", _cell(scores.name_accuracy), counts)
    return table


def _prf_dict(values: PRF, correct: int) -> dict[str, float | int | None]:
    return {
        "precision": _percent(values.precision),
        "recall": _percent(values.recall),
        "f1": _percent(values.f1),
        "correct": correct,
    }


def scores_to_dict(scores: Scores) -> dict[str, object]:
    """JSON-ready scores: percentages with one decimal (null where undefined) and the raw counts."""
    recalls = scores.recall_by_type()
    return {
        "documents": scores.documents,
        "gold": scores.gold,
        "predicted": scores.predicted,
        "extraction": _prf_dict(scores.extraction, scores.matched),
        "attribution": _prf_dict(scores.attribution, scores.speaker_correct),
        "strict_extraction": _prf_dict(scores.strict_extraction, scores.strict_matched),
        "recall_by_type": {
            kind: {
                "gold": scores.gold_by_type.get(kind, 0),
                "found": scores.found_by_type.get(kind, 0),
                "recall": _percent(recalls[kind]),
            }
            for kind in QUOTE_TYPES
        },
        "name_accuracy": {
            "eligible": scores.name_eligible,
            "correct": scores.name_correct,
            "accuracy": _percent(scores.name_accuracy),
        },
    }
