"""Direct quotations: which quotes are statements, and who is credited with them."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from onrecord.extraction.candidates import Candidate
from onrecord.extraction.cues import cue_class, phrase_end, subject_of
from onrecord.extraction.doccache import sentence_of, sentences, text_of
from onrecord.extraction.quotes import Quote

SENTENCE_END = ".?!…"
LEAD_IN = set(",:—–-")


def direct_candidates(doc: Doc, quotes: list[Quote], inside: list[bool]) -> list[Candidate]:
    """One candidate per quote that reads as a statement; split quotes are merged into one.

    `inside` marks the tokens within quotation marks (`inside_mask`)."""
    found: list[Candidate] = []
    for quote in quotes:
        if not _is_statement_shaped(text_of(doc), quote):
            continue
        candidate = _attribute(doc, quote, inside)
        previous = found[-1] if found else None
        if candidate is not None and previous is not None and _same_cue(previous, candidate):
            previous.content.extend(quote.segments)
            continue
        if candidate is None:
            if previous is not None and _continues(doc, previous, quote):
                previous.content.extend(quote.segments)
                continue
            candidate = _from_context(doc, quote, previous)
        found.append(candidate)
    return found


def _same_cue(previous: Candidate, candidate: Candidate) -> bool:
    """`“A,” said Rubio. “B.”` parsed as one sentence: both quotes hang on the same cue."""
    return previous.kind == "direct" and previous.cue is not None and previous.cue == candidate.cue


def inside_mask(doc: Doc, quotes: list[Quote]) -> list[bool]:
    mask = [False] * len(doc)
    for quote in quotes:
        for start, end in quote.segments:
            span = doc.char_span(
                start - 1 if start > 0 else start, min(end + 1, len(text_of(doc))), alignment_mode="expand"
            )
            if span is not None:
                for token in span:
                    mask[token.i] = True
    return mask


def _is_statement_shaped(text: str, quote: Quote) -> bool:
    """Whole utterances, not scare quotes, titles or nicknames."""
    inner = " ".join(text[s:e] for s, e in quote.segments).strip()
    words = inner.split()
    if len(words) < 2:
        return False
    before = _last_char_before(text, quote.mark_start)
    opens_sentence = (
        before in ("", *SENTENCE_END, *LEAD_IN, "\n") or text[quote.mark_start - 1 : quote.mark_start] == "\n"
    )
    ends_utterance = inner[-1] in ",.?!…:;—–-"
    if (len(words) < 4 and not ends_utterance) or _looks_like_title(words, ends_utterance):
        return False
    return opens_sentence or (ends_utterance and len(words) >= 6)


def _looks_like_title(words: list[str], ends_utterance: bool) -> bool:
    """`“What the Tide Left”`: capitalised words and no closing punctuation name a work, not a statement."""
    capitalised = sum(w[:1].isupper() for w in words)
    return not ends_utterance and capitalised >= 0.6 * len(words)


def _frame(doc: Doc, quote: Quote, inside: list[bool]) -> list[Token]:
    """Tokens of the quote's sentences that lie outside every quotation."""
    start_tok = _token_at(doc, quote.start)
    end_tok = _token_at(doc, max(quote.start, quote.end - 1))
    if start_tok is None or end_tok is None:
        return []
    lo, hi = sentence_of(start_tok).start, sentence_of(end_tok).end
    if hi < len(doc) and _quote_ends_sentence(doc, end_tok):
        nxt = sentence_of(doc[hi])
        if not any(inside[t.i] for t in nxt) and len(nxt) <= 12:
            hi = nxt.end
    para_start = text_of(doc).rfind("\n", 0, quote.start) + 1
    para_end = text_of(doc).find("\n", quote.end)
    para_end = len(text_of(doc)) if para_end < 0 else para_end
    return [t for t in doc[lo:hi] if not inside[t.i] and para_start <= t.idx < para_end]


def _quote_ends_sentence(doc: Doc, end_tok: Token) -> bool:
    return end_tok.text in ",.?!" or sentence_of(end_tok).end == end_tok.i + 1


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, min(char + 1, len(text_of(doc))), alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _attribute(doc: Doc, quote: Quote, inside: list[bool]) -> Candidate | None:
    signed = _signature(doc, quote)
    if signed is not None:
        return signed
    frame = _frame(doc, quote, inside)
    cues = [t for t in frame if cue_class(t) is not None and cue_class(t) != "position"]
    if cues:
        cue = min(cues, key=lambda t: _distance(t, quote))
        subject = subject_of(cue)
        source = _phrase(subject) if subject is not None and not inside[subject.i] else None
        end = doc[phrase_end(cue) - 1]
        return Candidate("direct", list(quote.segments), (cue.idx, end.idx + len(end)), source, 0.9)
    colon = _colon_before(doc, quote)
    if colon is not None:
        subject = _sentence_subject(colon)
        if subject is not None:
            return Candidate(
                "direct", list(quote.segments), (colon.idx, colon.idx + 1), _phrase(subject), 0.75
            )
    return None


SIGNATURE = re.compile(r"[^\S\n]*[―—–-][^\S\n]*(?=[A-Z])")


def _signature(doc: Doc, quote: Quote) -> Candidate | None:
    """`“...” ― Veronica Cruz`: a name signed after a dash on the quote's own line."""
    after = text_of(doc).find("\n", quote.end)
    line_end = len(text_of(doc)) if after < 0 else after
    close = quote.end + (1 if quote.closed else 0)
    dash = SIGNATURE.match(text_of(doc), close, line_end)
    if dash is None:
        return None
    name = doc.char_span(dash.end(), line_end, alignment_mode="contract")
    words = [t for t in name or () if not t.is_punct]
    if not words or len(words) > 6 or not all(t.is_title or t.pos_ == "PROPN" for t in words):
        return None
    source = doc[words[0].i : words[-1].i + 1]
    mark = dash.group().strip()
    at = text_of(doc).index(mark, close)
    return Candidate("direct", list(quote.segments), (at, at + len(mark)), source, 0.8)


def _distance(token: Token, quote: Quote) -> int:
    return min(abs(token.idx - quote.end), abs(token.idx - quote.start))


def _colon_before(doc: Doc, quote: Quote) -> Token | None:
    at = _last_char_index(text_of(doc), quote.mark_start)
    return _token_at(doc, at) if at >= 0 and text_of(doc)[at] == ":" else None


def _last_char_index(text: str, end: int) -> int:
    """Where the last non-space character before `end` is (-1 if none): `text[:end].rstrip()` without
    copying the text before every quote."""
    at = min(end, len(text)) - 1
    while at >= 0 and text[at].isspace():
        at -= 1
    return at


def _last_char_before(text: str, end: int) -> str:
    at = _last_char_index(text, end)
    return text[at] if at >= 0 else ""


def _sentence_subject(token: Token) -> Token | None:
    root = sentence_of(token).root
    return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _phrase(token: Token) -> SpacySpan:
    return token.doc[token.i : token.i + 1]


def _continues(doc: Doc, previous: Candidate, quote: Quote) -> bool:
    """`“A,” he said. “B.”`: a second quote right after an attributed quote, in the same paragraph."""
    if previous.kind != "direct" or previous.cue is None:
        return False
    gap = text_of(doc)[previous.content[-1][1] : quote.start]
    return "\n" not in gap.strip(" ”\"’'“") and len(gap) < 80 and previous.cue[0] < quote.start


def _from_context(doc: Doc, quote: Quote, previous: Candidate | None) -> Candidate:
    """No cue around the quote: borrow the speaker of the statement just before, or a lead-in sentence."""
    if previous is not None and previous.source is not None and quote.start - previous.content[-1][1] < 400:
        between = text_of(doc)[previous.content[-1][1] : quote.start]
        if between.count("\n") <= 2:
            return Candidate("direct", list(quote.segments), None, previous.source, 0.6)
    lead = _lead_in_subject(doc, quote)
    if lead is not None:
        return Candidate("direct", list(quote.segments), None, _phrase(lead), 0.5)
    return Candidate("direct", list(quote.segments), None, None, 0.4)


def _lead_in_subject(doc: Doc, quote: Quote) -> Token | None:
    """`Kirby was blunt. “...”`: a named subject in the sentence just before, same paragraph."""
    start_tok = _token_at(doc, quote.start)
    if start_tok is None or sentence_of(start_tok).start == 0:
        return None
    previous = sentence_of(doc[sentence_of(start_tok).start - 1])
    if "\n" in text_of(doc)[previous.end_char : quote.start]:
        return None
    subject = _sentence_subject(previous.root)
    if subject is not None and (subject.ent_type_ in ("PERSON", "ORG") or subject.pos_ == "PRON"):
        return subject
    return None


def headline_candidates(doc: Doc) -> list[Candidate]:
    """`Pat Caddell: Voters Are Worried`: a line that opens with a name and a colon."""
    found = []
    for sent in sentences(doc):
        colon = next((t for t in sent[:6] if t.text == ":"), None)
        if colon is None or colon.i == sent.start or len(sent) - (colon.i - sent.start) < 5:
            continue
        name = doc[sent.start : colon.i]
        if not all(t.pos_ == "PROPN" or t.is_title for t in name) or (
            sent.start and not doc[sent.start - 1].is_space
        ):
            continue
        rest = doc[colon.i + 1 : sent.end]
        text = rest.text.rstrip()
        start = rest.start_char + len(rest.text) - len(rest.text.lstrip())
        found.append(
            Candidate("direct", [(start, rest.start_char + len(text))], (colon.idx, colon.idx + 1), name, 0.5)
        )
    return found
