"""Who a speaker mention is: names, roles and kinds, resolved within one article."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from onrecord.extraction.doccache import entities_in, text_of
from onrecord.extraction.lexicon import lexicon
from onrecord.extraction.mentions import Mention, Mentions, latest_before
from onrecord.records import Span, Speaker, SpeakerType

ORG_LABELS = {"ORG", "NORP", "GPE"}
GENDERED = {"he": "he", "him": "he", "she": "she", "her": "she"}
PERSONAL = {"he", "she", "him", "her", "i", "we", "you"}
RELATIVE = {"who", "which", "that", "whom"}
BREAKS = {"–", "—", "--", "(", ")", "|"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
NOT_DESCRIPTIVE = DETERMINERS | {"his", "her", "their", "its", "our", "my", "your"}


class Entities:
    """Every person and organisation mention of one article, in text order, for resolving speakers.

    Chunks are added in text order. No spaCy object outlives its chunk: mentions are plain records, and
    plural subjects (for `they`) are kept as tokens only for the chunk being resolved; the last one of the
    earlier chunks is resolved once, when the next chunk is added.
    """

    def __init__(self) -> None:
        self.mentions = Mentions()
        self._groups: list[tuple[int, Token]] = []  # plural subjects of this chunk: (offset, head noun)
        self._group_starts: list[int] = []
        self._earlier_group: tuple[int, str | None, SpeakerType] | None = None
        self._pronouns: dict[str, str | None] = {}

    def add_doc(self, doc: Doc, base: int) -> None:
        if self._groups:
            start, noun = self._groups[-1]
            self._earlier_group = (start, *self._who(_noun_phrase(noun), start))
        self._groups, self._group_starts = [], []
        for ent in entities_in(doc, 0, len(doc)):
            if ent.label_ == "PERSON" or ent.label_ in ORG_LABELS:
                self.mentions.add(_mention(ent, base))
        for token in doc:
            if token.dep_ == "nsubj" and token.tag_ in ("NNS", "NNPS"):
                self._groups.append((base + token.idx, token))
                self._group_starts.append(base + token.idx)

    def resolve(self, source: SpacySpan | None, base: int) -> Speaker:
        if source is None:
            return Speaker(name=None)
        mention = _mention_span(source, base)
        name, kind = self._who(source, base + source.start_char)
        role = self.mentions.role_of(name) if kind == "person" and name else None
        return Speaker(name=name, type=kind, role=role, mention=mention)

    def _who(self, source: SpacySpan, at: int) -> tuple[str | None, SpeakerType]:
        head = source.root
        word = head.lower_
        if word in RELATIVE and head.head.head is not head.head:
            antecedent = _noun_phrase(head.head.head)
            return (
                self._who(antecedent, at) if antecedent.root.pos_ in ("PROPN", "NOUN") else (None, "unknown")
            )
        if head.pos_ == "PRON" or word in PERSONAL:
            return self._pronoun(word, at)
        for ent in _entities_near(head):
            if ent.label_ == "PERSON" and _names_organisation(ent.text):
                return _org_name(source, ent), _org_type(ent.text)
            if ent.label_ == "PERSON":
                return self.canonical(_clean_name(ent.text), at, _title_pronoun(ent)), "person"
            if ent.label_ in ORG_LABELS and " " not in ent.text and self.mentions.is_surname(ent.text):
                # a one-word name the tagger called an organisation but the article uses as a surname
                return self.canonical(ent.text, at), "person"
            if ent.label_ in ORG_LABELS:
                return _org_name(source, ent), _org_type(ent.text)
        return self._description(source, at)

    def _pronoun(self, word: str, at: int) -> tuple[str | None, SpeakerType]:
        wanted = "person" if word in PERSONAL else "organization"
        if word == "they":
            wanted = "organization"
        before = self.mentions.before(wanted, at, 30)
        if word == "they":
            group = self._group_before(at)
            if group is not None and (not before or group[0] > before[-1].start):
                return group[1], group[2]  # `Officials … met the delegation. They said`
        if not before:
            return None, "person" if wanted == "person" else "unknown"
        if word in GENDERED:
            agreeing = [m for m in before if self._pronoun_of(m.name, at) in (None, GENDERED[word])]
            before = agreeing or before
        recent = [m for m in before[-6:] if m.subject] or before[-1:]
        last = recent[-1]
        return (self.canonical(last.name, at), "person") if wanted == "person" else (last.name, last.type)

    def _group_before(self, at: int) -> tuple[int, str | None, SpeakerType] | None:
        """The plural subject named last before `at`, resolved: (offset, name, kind)."""
        count = bisect_left(self._group_starts, at)
        if count:
            start, noun = self._groups[count - 1]
            return (start, *self._who(_noun_phrase(noun), start))
        earlier = self._earlier_group
        return earlier if earlier is not None and earlier[0] < at else None

    def _pronoun_of(self, name: str, at: int) -> str | None:
        """`he` or `she` when the article says Mr./Ms. before the name or its given name tells; else None."""
        if name not in self._pronouns:
            self._pronouns[name] = self._find_pronoun(name, at)
        return self._pronouns[name]

    def _find_pronoun(self, name: str, at: int) -> str | None:
        full = self.canonical(name, at)
        given = lexicon().given_names.get(full.split()[0].lower())
        if given:
            return given
        for mention in self.mentions.titled(full):  # `Mr. Kerry` elsewhere, when it is this Kerry
            if self.canonical(mention.name, mention.start, mention.pronoun) == full:
                return mention.pronoun
        return None

    def _best_described(self, noun: str, modifiers: set[str], at: int) -> Mention | None:
        """The person introduced earlier whose role has `noun` and most of `modifiers`, the latest on a tie:
        "the Republican nominee" is the Republican nominee, not the last nominee named."""
        best: Mention | None = None
        best_score = -1
        for mention in reversed(self.mentions.described_before(noun, at)):
            score = len(modifiers & set(mention.described.split()))
            if score > best_score:
                best, best_score = mention, score
                if score == len(modifiers):
                    break  # nobody earlier can score higher, and the latest wins a tie
        return best

    def _description(self, source: SpacySpan, at: int) -> tuple[str | None, SpeakerType]:
        head = source.root
        text = _strip_determiner(_noun_phrase(head).text)
        if head.pos_ == "PROPN":
            return self.canonical(_clean_name(text), at), "unknown"
        noun = head.lower_
        org = self.mentions.last_org_with(noun, at)
        if org is not None:
            return org.name, org.type
        if noun.endswith("year-old") or noun == "old":
            people = self.mentions.before("person", at, 1)
            return (self.canonical(people[-1].name, at), "person") if people else (text or None, "unknown")
        modifiers = {t.lower_ for t in _noun_phrase(head) if t.is_alpha and t.i != head.i} - NOT_DESCRIPTIVE
        best = self._best_described(noun, modifiers, at)
        if best is not None:
            return self.canonical(best.name, at), "person"
        first = self.mentions.first_person
        if (
            first is not None and first.start > at
        ):  # a headline: nobody is named yet, the story names them later
            described = self.mentions.first_described(noun)
            if described is not None:
                return self.canonical(described.name, described.start), "person"
        return text or None, "unknown"

    def canonical(self, name: str, at: int, pronoun: str | None = None) -> str:
        """The fullest name this article uses for `name`: "Blinken" -> "Anthony Blinken".

        `pronoun` ("she" for `Mrs. Clinton`) keeps two people with one surname apart by their given names.
        """
        words = name.split()
        if not words:
            return name
        key = words[-1].lower()
        same = self.mentions.fuller(key, len(words))
        if len(words) == 1 and not same:
            same = self.mentions.fuller(key, 1, given=True)
        if pronoun:
            given = lexicon().given_names
            same = [n for n in same if given.get(n[0].split()[0].lower(), pronoun) == pronoun] or same
        return latest_before(same, at) if same else name


def _entities_near(head: Token) -> list[SpacySpan]:
    """Entities naming the phrase itself: the one containing its head, or one in an appositive.

    "Clinton supporters" and "a Reuters poll" are not Clinton or Reuters: their head lies outside the entity.
    """
    phrase = _noun_phrase(head)
    ents = [e for e in entities_in(head.doc, phrase.start, phrase.end) if e.start <= head.i < e.end]
    for child in head.children:
        if child.dep_ == "appos":
            inside = entities_in(child.doc, child.left_edge.i, child.right_edge.i + 1)
            ents.extend(e for e in inside if e.label_ == "PERSON")
    return ents


def _names_organisation(name: str) -> bool:
    return name.split()[-1].lower() in lexicon().org_words


def _mention(ent: SpacySpan, base: int) -> Mention:
    if ent.label_ == "PERSON" and not _names_organisation(ent.text):
        # The role is the appositive after the name ("Mark Halloran, a former NATO commander"), else the
        # title before it ("French President Emmanuel Macron"); descriptions may match either.
        roles = [r for r in (_appositive_role(ent), _premodifier_role(ent)) if r]
        return Mention(
            _clean_name(ent.text),
            "person",
            roles[0] if roles else None,
            base + ent.start_char,
            _is_subject(ent),
            _title_pronoun(ent),
            " ".join(roles).lower(),
        )
    return Mention(ent.text, _org_type(ent.text), None, base + ent.start_char, _is_subject(ent))


def _title_pronoun(ent: SpacySpan) -> str | None:
    """`Mr. Kerry` is he, `Ms. Warren` and `Mrs. Clinton` are she."""
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    first = ent[0].lower_
    for word in (first, before):
        if word in ("mr.", "mr"):
            return "he"
        if word in ("mrs.", "mrs", "ms.", "ms", "miss"):
            return "she"
    return None


def _is_subject(ent: SpacySpan) -> bool:
    return ent.root.dep_ in ("nsubj", "nsubjpass") or ent.root.head.dep_ in ("nsubj", "nsubjpass")


def _appositive_role(ent: SpacySpan) -> str | None:
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i and child.pos_ in ("NOUN", "PROPN"):
            return _strip_determiner(_noun_phrase(child, keep_clauses=False).text) or None
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        return _strip_determiner(_noun_phrase(root.head, keep_clauses=False).text[: ent.start_char]) or None
    return None


def _premodifier_role(ent: SpacySpan) -> str | None:
    """The words right before the name in its phrase, up to a determiner, a possessive, punctuation, a
    conjunction or another person's name ("… Donald Trump and Democratic nominee Tim Kaine")."""
    subtree = {t.i for t in ent.root.subtree}
    start = ent.start
    while start > 0 and start - 1 in subtree and not _ends_premodifier(ent.doc[start - 1]):
        start -= 1
    left = list(ent.doc[start : ent.start])
    while left and (left[0].pos_ in ("ADP", "CCONJ", "DET") or left[0].lower_ in ("former",)):
        left = left[1:]
    words = [t.text_with_ws for t in left if t.i >= (left[0].i if left else 0)]
    role = "".join(words).strip(" ,")
    return role if role and any(t.pos_ in ("NOUN", "PROPN") for t in left) else None


def _ends_premodifier(token: Token) -> bool:
    return token.dep_ in ("det", "punct", "poss", "case", "cc") or token.ent_type_ == "PERSON"


def _noun_phrase(head: Token, keep_clauses: bool = False) -> SpacySpan:
    drop = {"relcl", "appos", "acl", "punct", "advcl", "cc", "conj"} - (
        {"relcl", "acl"} if keep_clauses else set()
    )
    tokens = [head]
    for child in head.children:
        if child.dep_ not in drop:
            tokens.extend(child.subtree)
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    doc = head.doc
    for token in doc[start : head.i]:
        if token.text in BREAKS or token.is_space:
            start = token.i + 1  # a dateline or a line break before the name is not part of it
    for token in doc[head.i + 1 : end]:
        if token.text in BREAKS or token.is_space:
            end = token.i
            break
    return doc[start:end]


def _mention_span(source: SpacySpan, base: int) -> Span:
    phrase = _noun_phrase(source.root) if source.root.lower_ not in RELATIVE else source
    words = [t for t in phrase if not t.is_space]
    start, end = words[0].idx, words[-1].idx + len(words[-1])
    return Span(base + start, base + end, text_of(phrase.doc)[start:end])


def _clean_name(text: str) -> str:
    words = text.replace("’s", "").replace("'s", "").split()
    honorifics = lexicon().honorifics
    while len(words) > 1 and words[0].lower().rstrip(".") in honorifics:
        words = words[1:]
    if len(words) > 1 and _headline_cue(words[-1]):
        words = words[:-1]  # a title-case headline: `Trump Tells Voters …` names Trump
    return " ".join(words).strip(" ,.’'")


def _headline_cue(word: str) -> bool:
    """`Says`, `Tells`, `Warns`: a cue verb in the present tense, capitalised as in a headline."""
    cues = lexicon().cue_class
    lower = word.lower()
    return word[:1].isupper() and lower.endswith("s") and (lower[:-1] in cues or lower[:-2] in cues)


def _strip_determiner(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _org_name(source: SpacySpan, ent: SpacySpan) -> str:
    name = _strip_determiner(ent.text)
    before = source.doc[ent.start - 1] if ent.start > 0 else None
    has_the = ent.text.lower().startswith("the ") or (before is not None and before.lower_ == "the")
    return "The " + name if has_the and _org_type(name) == "media" else name


def _org_type(name: str) -> SpeakerType:
    lowered = f" {name.lower()} "
    if any(f" {word} " in lowered for word in lexicon().media_words):
        return "media"
    return "organization"
