"""Rule tests: parameter tables of short texts -> the statement a careful journalist would record.

Every text here was written for these tests; people, places and outlets are invented.

Positive tables give, per text, the expected content, speaker name, kind and (where it is worth
asserting) the cue, the speaker's local mention, type and role. The helper runs `onrecord.extract`, picks
the statement whose content best matches the expected content and checks the rest on that statement.
Negative cases (scare quotes, titles of works, song lyrics, nicknames, apostrophes, "the said property")
must yield no statement at all.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pytest

import onrecord
from onrecord.records import Span, Statement

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

# Quote characters ignored when comparing content (apostrophes included: the comparison is symmetric).
QUOTE_MARKS = "“”\"'‘’«»„‚‹›"
_DROP_QUOTES = str.maketrans("", "", QUOTE_MARKS)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Expected:
    """What a positive case must produce. `None` for cue/mention/type/role means "not asserted"."""

    content: str | tuple[str, ...]
    name: str | None
    kind: str
    cue: str | None = None
    mention: str | None = None
    type: str | None = None
    role: str | None = None


def case(
    case_id: str,
    text: str,
    content: str | tuple[str, ...],
    name: str | None,
    kind: str,
    *,
    cue: str | None = None,
    mention: str | None = None,
    type: str | None = None,
    role: str | None = None,
    known_failure: str | None = None,
) -> ParameterSet:
    """One row of a positive table; a tuple `content` lists the parts of a discontinuous quote.

    `known_failure` names why the extractor still gets the row wrong; the row then runs as a strict xfail.
    """
    expected = Expected(content, name, kind, cue=cue, mention=mention, type=type, role=role)
    marks = [pytest.mark.xfail(reason=known_failure, strict=True)] if known_failure else []
    return pytest.param(text, expected, id=case_id, marks=marks)


def normalise_content(parts: tuple[str, ...] | list[str]) -> str:
    """Join content parts, dropping quote marks, and ignore punctuation and spacing at part/line joins."""
    pieces = []
    for part in parts:
        piece = part.translate(_DROP_QUOTES)
        piece = re.sub(r"[,.;:]*\s+", " ", piece)
        pieces.append(piece.strip(" ,.;:\t\n"))
    return " ".join(piece for piece in pieces if piece)


def statement_content(statement: Statement) -> str:
    return normalise_content([span.text for span in statement.content])


def expected_content(expected: Expected) -> str:
    parts = (expected.content,) if isinstance(expected.content, str) else expected.content
    return normalise_content(parts)


def normalise_name(name: str | None) -> str | None:
    """Names compare with apostrophes unified, spacing collapsed and a leading "the" dropped."""
    if name is None:
        return None
    name = " ".join(name.translate(_APOSTROPHES).split())
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def normalise_role(role: str | None) -> str | None:
    normalised = normalise_name(role)
    return None if normalised is None else normalised.casefold()


@cache
def run_extract(text: str) -> tuple[Statement, ...]:
    return tuple(onrecord.extract(text))


def describe(statements: tuple[Statement, ...]) -> str:
    if not statements:
        return "  (no statements)"
    lines = []
    for st in statements:
        cue = st.cue.text if st.cue else None
        mention = st.speaker.mention.text if st.speaker.mention else None
        lines.append(
            f"  - kind={st.kind!r} content={[s.text for s in st.content]!r} cue={cue!r} "
            f"speaker={st.speaker.name!r} type={st.speaker.type!r} role={st.speaker.role!r} "
            f"mention={mention!r}"
        )
    return "\n".join(lines)


def find_statement(text: str, expected: Expected) -> Statement:
    """The extracted statement whose normalised content equals (or else best matches) the expected one."""
    statements = run_extract(text)
    assert statements, f"no statement extracted from {text!r}"
    want = expected_content(expected)
    exact = [st for st in statements if statement_content(st) == want]
    if exact:
        by_name = [st for st in exact if normalise_name(st.speaker.name) == normalise_name(expected.name)]
        return (by_name or exact)[0]

    def score(st: Statement) -> float:
        return difflib.SequenceMatcher(None, statement_content(st), want).ratio()

    return max(statements, key=score)


def check(text: str, expected: Expected) -> None:
    statement = find_statement(text, expected)
    context = f"\ntext: {text!r}\nexpected: {expected}\nextracted:\n{describe(run_extract(text))}"
    assert statement_content(statement) == expected_content(expected), f"content differs{context}"
    assert normalise_name(statement.speaker.name) == normalise_name(expected.name), f"speaker{context}"
    assert statement.kind == expected.kind, f"kind{context}"
    if expected.cue is not None:
        assert statement.cue is not None, f"no cue{context}"
        assert " ".join(statement.cue.text.split()).casefold() == expected.cue.casefold(), f"cue{context}"
    if expected.mention is not None:
        assert statement.speaker.mention is not None, f"no mention{context}"
        assert statement.speaker.mention.text == expected.mention, f"mention{context}"
    if expected.type is not None:
        assert statement.speaker.type == expected.type, f"speaker type{context}"
    if expected.role is not None:
        assert normalise_role(statement.speaker.role) == normalise_role(expected.role), f"role{context}"


# --------------------------------------------------------------------------------------------------
# Direct quotes: quote-mark styles, speaker before / after / in the middle, split quotes, colons,
# a quote running over two paragraphs, attribution in the previous or next sentence, unattributed.
# --------------------------------------------------------------------------------------------------
DIRECT_QUOTES = [
    case(
        "straight-speaker-after",
        '"We will not raise taxes this year," Finance Minister Olav Rydberg said on Monday.',
        "We will not raise taxes this year",
        "Olav Rydberg",
        "direct",
        cue="said",
        type="person",
    ),
    case(
        "curly-inverted-said-appositive",
        "“The bridge will reopen in May,” said Carla Mendes, the city’s transport director.",
        "The bridge will reopen in May",
        "Carla Mendes",
        "direct",
        cue="said",
    ),
    case(
        "curly-speaker-before-colon",
        "Mayor Tomas Ekdahl said: “Nobody will lose their home because of this plan.”",
        "Nobody will lose their home because of this plan",
        "Tomas Ekdahl",
        "direct",
        cue="said",
    ),
    case(
        "curly-speaker-before-comma",
        "Senator Ruth Abernathy said, “The votes are simply not there.”",
        "The votes are simply not there",
        "Ruth Abernathy",
        "direct",
        cue="said",
    ),
    case(
        "told-parliament-colon",
        "Prime Minister Johan Lindqvist told parliament: “There will be no early election.”",
        "There will be no early election",
        "Johan Lindqvist",
        "direct",
        cue="told",
    ),
    case(
        "speaker-middle-of-sentence",
        "“The harvest was poor,” Dmitri Vasko said, “but the prices were worse.”",
        ("The harvest was poor", "but the prices were worse"),
        "Dmitri Vasko",
        "direct",
        cue="said",
    ),
    case(
        "speaker-middle-told-outlet",
        "“The reforms are late,” Nora Vance told Radio Halden, “but they are not dead.”",
        ("The reforms are late", "but they are not dead"),
        "Nora Vance",
        "direct",
        cue="told",
    ),
    case(
        "split-across-sentences",
        "“We made a mistake,” the governor, Elaine Porter, said. “We will fix it by the summer.”",
        ("We made a mistake", "We will fix it by the summer"),
        "Elaine Porter",
        "direct",
        cue="said",
    ),
    case(
        "curly-single-quotes",
        "‘This is not a retreat,’ said General Anton Brask.",
        "This is not a retreat",
        "Anton Brask",
        "direct",
        cue="said",
    ),
    case(
        "straight-single-quotes",
        "'We expect a decision within weeks,' trade envoy Mina Sato told reporters.",
        "We expect a decision within weeks",
        "Mina Sato",
        "direct",
        cue="told",
    ),
    case(
        "guillemets",
        "«We will not be intimidated», said Claire Dubreuil, the mayor of Saint-Aubrac.",
        "We will not be intimidated",
        "Claire Dubreuil",
        "direct",
        cue="said",
    ),
    case(
        "german-low-high-marks",
        "„The negotiations are over“, said Katrin Vogler, a spokeswoman for the coalition.",
        "The negotiations are over",
        "Katrin Vogler",
        "direct",
        cue="said",
    ),
    case(
        "present-tense-says",
        "“Rents have doubled in five years,” says Amira Haddad, who chairs the tenants’ association.",
        "Rents have doubled in five years",
        "Amira Haddad",
        "direct",
        cue="says",
    ),
    case(
        "question-asked",
        "“Who is going to pay for this?” asked opposition leader Greta Holm.",
        "Who is going to pay for this?",
        "Greta Holm",
        "direct",
        cue="asked",
    ),
    case(
        "apostrophes-inside-quote-and-name",
        "“We don’t negotiate with ourselves, and we won’t start now,” said union leader Kevin O’Hara.",
        "We don’t negotiate with ourselves, and we won’t start now",
        "Kevin O’Hara",
        "direct",
        cue="said",
    ),
    case(
        "nested-single-quotes",
        (
            "“When they say ‘temporary’, I hear ‘forever’,” said Ines Carvalho, "
            "who has lived in the camp since 2016."
        ),
        "When they say ‘temporary’, I hear ‘forever’",
        "Ines Carvalho",
        "direct",
        cue="said",
    ),
    case(
        "said-in-a-statement",
        "“We are confident the deal will hold,” Defence Secretary Alan Brody said in a statement on Friday.",
        "We are confident the deal will hold",
        "Alan Brody",
        "direct",
        cue="said",
    ),
    case(
        "pronoun-after-quote-told",
        "Helga Marsh left the podium early. “I have said all I am going to say,” she told the committee.",
        "I have said all I am going to say",
        "Helga Marsh",
        "direct",
        cue="told",
        mention="she",
    ),
    case(
        "pronoun-added",
        "Rafael Ortiz welcomed the ruling. “It is a victory for every small farmer,” he added.",
        "It is a victory for every small farmer",
        "Rafael Ortiz",
        "direct",
        cue="added",
        mention="he",
    ),
    case(
        "signed-after-a-dash",
        "“The bus lanes have halved my commute.” ― Maren Aaltonen\n“Nobody asked us first.” — Tobias Fenn",
        "Nobody asked us first",
        "Tobias Fenn",
        "direct",
        cue="—",
        mention="Tobias Fenn",
    ),
    case(
        "previous-sentence-was-blunt",
        "Interior Minister Pavel Dusek was blunt. “The border will stay closed until the numbers come down.”",
        "The border will stay closed until the numbers come down",
        "Pavel Dusek",
        "direct",
    ),
    case(
        "previous-sentence-two-sentence-quote",
        (
            "Asked about the strike, Edith Malmberg did not hesitate. “The offer is final. "
            "There is no more money.”"
        ),
        "The offer is final. There is no more money",
        "Edith Malmberg",
        "direct",
    ),
    case(
        "next-sentence-attribution",
        (
            "“The money is simply gone.” The warning came from Auditor General Ruth Okafor, "
            "who presented her annual report on Thursday."
        ),
        "The money is simply gone",
        "Ruth Okafor",
        "direct",
    ),
    case(
        "multi-paragraph-quote",
        (
            "Governor Sam Whitaker addressed the legislature on Monday.\n\n"
            "“This state has waited long enough for a budget, and families have waited with it.\n\n"
            "“Today the waiting stops,” he said."
        ),
        (
            "This state has waited long enough for a budget, and families have waited with it. "
            "Today the waiting stops"
        ),
        "Sam Whitaker",
        "direct",
        cue="said",
        mention="he",
    ),
    case(
        "unattributed-after-narration",
        "The debate dragged on past midnight. “We are going round in circles.”",
        "We are going round in circles",
        None,
        "direct",
    ),
    case(
        "unattributed-slogan-then-description",
        "“Not one more closure.” The words were painted on a banner across the hospital gates.",
        "Not one more closure",
        None,
        "direct",
    ),
]


# --------------------------------------------------------------------------------------------------
# Indirect (reported) speech with a range of cue verbs and constructions.
# --------------------------------------------------------------------------------------------------
INDIRECT_SPEECH = [
    case(
        "passive-cue-the-agent-speaks",
        "The mayor was told by the city auditors that the budget was short by four million.",
        "that the budget was short by four million",
        "city auditors",
        "indirect",
        mention="the city auditors",
    ),
    case(
        "passive-cue-without-agent-has-no-speaker",
        "The mayor was told that the budget was short by four million.",
        "that the budget was short by four million",
        None,
        "indirect",
        cue="was told",
    ),
    case(
        "said-that",
        "Health Minister Sara Lindgren said that hospital waiting lists would fall by a third next year.",
        "that hospital waiting lists would fall by a third next year",
        "Sara Lindgren",
        "indirect",
        cue="said",
    ),
    case(
        "said-without-that",
        "Mayor Peter Quist said the new tram line would open on schedule.",
        "the new tram line would open on schedule",
        "Peter Quist",
        "indirect",
        cue="said",
    ),
    case(
        "said-on-day-that",
        "Labour Minister Ana Rosário said on Thursday that the minimum wage would rise by 6 percent.",
        "that the minimum wage would rise by 6 percent",
        "Ana Rosário",
        "indirect",
        cue="said",
    ),
    case(
        "told-reporters-that",
        "Trade Minister Yusuf Demir told reporters that talks with the dockworkers were close to a deal.",
        "that talks with the dockworkers were close to a deal",
        "Yusuf Demir",
        "indirect",
        cue="told",
    ),
    case(
        "told-reporters-without-that",
        "Senator Maureen Tully told reporters the committee would meet again in January.",
        "the committee would meet again in January",
        "Maureen Tully",
        "indirect",
        cue="told",
    ),
    case(
        "told-committee-that",
        "Emma Kristiansen told the inquiry that the documents had been shredded in 2017.",
        "that the documents had been shredded in 2017",
        "Emma Kristiansen",
        "indirect",
        cue="told",
    ),
    case(
        "added-pronoun",
        (
            "Senator Dolores Reyes criticised the plan on Monday. "
            "She added that she would vote against the bill."
        ),
        "that she would vote against the bill",
        "Dolores Reyes",
        "indirect",
        cue="added",
        mention="She",
    ),
    case(
        "warned",
        "Central bank governor Tobias Hartmann warned that inflation could rise again in the autumn.",
        "that inflation could rise again in the autumn",
        "Tobias Hartmann",
        "indirect",
        cue="warned",
    ),
    case(
        "insisted",
        "Party chairman Viktor Sandor insisted that the leadership contest would go ahead as planned.",
        "that the leadership contest would go ahead as planned",
        "Viktor Sandor",
        "indirect",
        cue="insisted",
    ),
    case(
        "denied",
        "Defence Minister Ilona Varga denied that troops had crossed the border.",
        "that troops had crossed the border",
        "Ilona Varga",
        "indirect",
        cue="denied",
    ),
    case(
        "acknowledged",
        "Police Commissioner Grant Maddox acknowledged that mistakes had been made during the raid.",
        "that mistakes had been made during the raid",
        "Grant Maddox",
        "indirect",
        cue="acknowledged",
    ),
    case(
        "reiterated",
        "Foreign Secretary Amelia Stroud reiterated that the embassy would remain open.",
        "that the embassy would remain open",
        "Amelia Stroud",
        "indirect",
        cue="reiterated",
    ),
    case(
        "argued",
        "Economist Lars Petrov argued that the tax cut would mostly benefit wealthy households.",
        "that the tax cut would mostly benefit wealthy households",
        "Lars Petrov",
        "indirect",
        cue="argued",
    ),
    case(
        "claimed",
        "Opposition leader Fiona Grady claimed that the unemployment figures had been manipulated.",
        "that the unemployment figures had been manipulated",
        "Fiona Grady",
        "indirect",
        cue="claimed",
    ),
    case(
        "hinted",
        "Prime Minister Rui Tavares hinted that a cabinet reshuffle could come before the summer.",
        "that a cabinet reshuffle could come before the summer",
        "Rui Tavares",
        "indirect",
        cue="hinted",
    ),
    case(
        "stressed",
        "Education Minister Hanna Berg stressed that no rural schools would close.",
        "that no rural schools would close",
        "Hanna Berg",
        "indirect",
        cue="stressed",
    ),
    case(
        "noted",
        "Auditor Simon Achterberg noted that the accounts had not been checked since 2019.",
        "that the accounts had not been checked since 2019",
        "Simon Achterberg",
        "indirect",
        cue="noted",
    ),
    case(
        "confirmed",
        "The prime minister’s spokesman, Henrik Sjöberg, confirmed that the summit had been postponed.",
        "that the summit had been postponed",
        "Henrik Sjöberg",
        "indirect",
        cue="confirmed",
    ),
    case(
        "announced",
        "Governor Lucy Tran announced that the state would cover the cost of school meals.",
        "that the state would cover the cost of school meals",
        "Lucy Tran",
        "indirect",
        cue="announced",
    ),
    case(
        "wrote-op-ed",
        (
            "Finance Minister Marta Kowal wrote in an op-ed that the pension reform "
            "could not be delayed any longer."
        ),
        "that the pension reform could not be delayed any longer",
        "Marta Kowal",
        "indirect",
        cue="wrote",
    ),
    case(
        "tweeted",
        "President Elias Moreno tweeted that the election results would be respected.",
        "that the election results would be respected",
        "Elias Moreno",
        "indirect",
        cue="tweeted",
    ),
    case(
        "according-to-after",
        "The factory will close in March, according to Paolo Ricci, the regional labour inspector.",
        "The factory will close in March",
        "Paolo Ricci",
        "indirect",
        cue="according to",
    ),
    case(
        "according-to-before",
        "According to Energy Minister Karin Holt, gas reserves are sufficient for the winter.",
        "gas reserves are sufficient for the winter",
        "Karin Holt",
        "indirect",
        cue="according to",
    ),
    case(
        "made-it-clear-that",
        "Trade Commissioner Valeria Conti made it clear that the tariffs would stay in place.",
        "that the tariffs would stay in place",
        "Valeria Conti",
        "indirect",
    ),
    case(
        "responded-that",
        (
            "Asked about the leak, spokesman Jonas Weber responded that the ministry did not comment "
            "on internal documents."
        ),
        "that the ministry did not comment on internal documents",
        "Jonas Weber",
        "indirect",
        cue="responded",
    ),
    case(
        "inverted-said-after-content",
        "The ceasefire was holding, said Colonel Amir Saleh, a military spokesman.",
        "The ceasefire was holding",
        "Amir Saleh",
        "indirect",
        cue="said",
    ),
]


# --------------------------------------------------------------------------------------------------
# Media outlets as speakers (type "media").
# --------------------------------------------------------------------------------------------------
MEDIA_REPORTS = [
    case(
        "newspaper-reported-that",
        "The Harbour Times reported that the port authority had quietly shelved the expansion plan.",
        "that the port authority had quietly shelved the expansion plan",
        "The Harbour Times",
        "indirect",
        cue="reported",
        type="media",
    ),
    case(
        "according-to-newspaper",
        "According to the Daily Courier, the minister's resignation letter was drafted on Sunday.",
        "the minister's resignation letter was drafted on Sunday",
        "The Daily Courier",
        "indirect",
        cue="according to",
        type="media",
    ),
    case(
        "broadcaster-reported-on-day",
        (
            "Public broadcaster Radio Nordvik reported on Tuesday that three cabinet members "
            "had threatened to resign."
        ),
        "that three cabinet members had threatened to resign",
        "Radio Nordvik",
        "indirect",
        cue="reported",
        type="media",
    ),
    case(
        "gazette-wrote",
        "The Valley Gazette wrote that the council had ignored the advice of its own engineers.",
        "that the council had ignored the advice of its own engineers",
        "The Valley Gazette",
        "indirect",
        cue="wrote",
        type="media",
    ),
    case(
        "tribune-reported-without-that",
        "The Northern Tribune reported the contract had been awarded without a public tender.",
        "the contract had been awarded without a public tender",
        "The Northern Tribune",
        "indirect",
        cue="reported",
        type="media",
    ),
]


# --------------------------------------------------------------------------------------------------
# Organisations as speakers (type "organization").
# --------------------------------------------------------------------------------------------------
ORGANISATIONS = [
    case(
        "ministry-said-that",
        "The Ministry of Finance said on Friday that the deficit would be lower than forecast.",
        "that the deficit would be lower than forecast",
        "Ministry of Finance",
        "indirect",
        cue="said",
        type="organization",
    ),
    case(
        "the-ministry-back-reference",
        (
            "The Ministry of Agriculture announced new fishing quotas on Monday. "
            "The ministry said the quotas would be reviewed in a year."
        ),
        "the quotas would be reviewed in a year",
        "Ministry of Agriculture",
        "indirect",
        cue="said",
        mention="The ministry",
        type="organization",
    ),
    case(
        "company-statement",
        "Nordhavn Shipping said in a statement that it would cut 400 jobs at its Bergsund yard.",
        "that it would cut 400 jobs at its Bergsund yard",
        "Nordhavn Shipping",
        "indirect",
        cue="said",
        type="organization",
    ),
    case(
        "authority-said",
        "The Regional Water Authority said the reservoir was at its lowest level since 1976.",
        "the reservoir was at its lowest level since 1976",
        "Regional Water Authority",
        "indirect",
        cue="said",
        type="organization",
    ),
    case(
        "union-warned",
        "The Federation of Secondary Teachers warned that strikes would resume in September.",
        "that strikes would resume in September",
        "Federation of Secondary Teachers",
        "indirect",
        cue="warned",
        type="organization",
    ),
    case(
        "the-airline-direct-quote",
        (
            "Skyvale Airways cancelled 120 flights on Sunday. "
            "“We regret the inconvenience to our passengers,” the airline said in a statement."
        ),
        "We regret the inconvenience to our passengers",
        "Skyvale Airways",
        "direct",
        cue="said",
        mention="the airline",
        type="organization",
        known_failure="a description is linked to an organisation only when it repeats a word of its name",
    ),
]


# --------------------------------------------------------------------------------------------------
# Mixed: reported speech that contains a quoted fragment.
# --------------------------------------------------------------------------------------------------
MIXED_QUOTES = [
    case(
        "said-fragment-at-end",
        "Finance Minister Olav Rydberg said the budget was “tight but fair”.",
        "the budget was “tight but fair”",
        "Olav Rydberg",
        "mixed",
        cue="said",
    ),
    case(
        "said-fragment-noun-phrase",
        "Union leader Rosa Lindahl said the pay offer was “an insult to every nurse in the country”.",
        "the pay offer was “an insult to every nurse in the country”",
        "Rosa Lindahl",
        "mixed",
        cue="said",
    ),
    case(
        "warned-fragment",
        "The ambassador, Karl Dressler, warned that relations were at “a very delicate moment”.",
        "that relations were at “a very delicate moment”",
        "Karl Dressler",
        "mixed",
        cue="warned",
    ),
    case(
        "according-to-fragment-middle",
        "According to Senator Paul Whitcombe, the bill is “dead on arrival” in the upper house.",
        "the bill is “dead on arrival” in the upper house",
        "Paul Whitcombe",
        "mixed",
        cue="according to",
    ),
    case(
        "told-reporters-fragment",
        "Mayor Ida Falk told reporters that the festival had been “a triumph for the whole city”.",
        "that the festival had been “a triumph for the whole city”",
        "Ida Falk",
        "mixed",
        cue="told",
    ),
    case(
        "straight-single-quoted-fragment",
        "Party spokesman Lucas Brenner said the leaked memo was 'a draft, nothing more'.",
        "the leaked memo was 'a draft, nothing more'",
        "Lucas Brenner",
        "mixed",
        cue="said",
    ),
    case(
        "straight-double-quoted-fragment",
        'Judge Miriam Kessler said the evidence was "thin at best" and adjourned the hearing.',
        'the evidence was "thin at best"',
        "Miriam Kessler",
        "mixed",
        cue="said",
        known_failure="the parser attaches the second verb phrase to the reported clause",
    ),
]


# --------------------------------------------------------------------------------------------------
# Speaker resolution (pronoun, surname, description) and roles (appositive, pre-modifier).
# --------------------------------------------------------------------------------------------------
SPEAKER_RESOLUTION = [
    case(
        "pronoun-she-to-full-name",
        (
            "Foreign Minister Lidia Moravec arrived in Geneva on Sunday. "
            "She said that the talks would focus on prisoner exchanges."
        ),
        "that the talks would focus on prisoner exchanges",
        "Lidia Moravec",
        "indirect",
        cue="said",
        mention="She",
        type="person",
        role="Foreign Minister",
    ),
    case(
        "pronoun-he-skips-other-person",
        (
            "Mayor Karen Holst met union leader David Ekwueme on Tuesday. "
            "He said the meeting had been constructive."
        ),
        "the meeting had been constructive",
        "David Ekwueme",
        "indirect",
        cue="said",
        mention="He",
    ),
    case(
        "surname-to-full-name",
        (
            "Environment Minister Jakob Strand presented the plan on Monday. "
            "Strand said the last coal plants would close by 2030."
        ),
        "the last coal plants would close by 2030",
        "Jakob Strand",
        "indirect",
        cue="said",
        mention="Strand",
    ),
    case(
        "surname-direct-quote",
        (
            "Defence Minister Pia Lundgren toured the shipyard on Monday. "
            "“These frigates will be delivered on time,” Lundgren said."
        ),
        "These frigates will be delivered on time",
        "Pia Lundgren",
        "direct",
        cue="said",
        mention="Lundgren",
    ),
    case(
        "two-people-one-surname-kept-apart-by-title",
        (
            "Senator Maria Okafor and her brother, Daniel Okafor, a city councillor, spoke at the rally. "
            "Mr. Okafor said the budget was fair. Ms. Okafor said the budget would fail."
        ),
        "the budget would fail",
        "Maria Okafor",
        "indirect",
        cue="said",
        mention="Ms. Okafor",
    ),
    case(
        "description-matches-either-role-paragraphs-later",
        (
            "Retired general Mark Halloran, a former NATO commander, joined the delegation in Chisinau.\n\n"
            "The talks lasted four hours.\n\n"
            "The former general said the plan was too slow."
        ),
        "the plan was too slow",
        "Mark Halloran",
        "indirect",
        cue="said",
        mention="The former general",
        role="former NATO commander",
    ),
    case(
        "they-to-the-group-named-last",
        (
            "The Harbour Authority published its traffic figures on Monday.\n\n"
            "Ferry operators from the northern islands met the minister later. "
            "They said the new timetable was unworkable."
        ),
        "the new timetable was unworkable",
        "Ferry operators from the northern islands",
        "indirect",
        cue="said",
        mention="They",
    ),
    case(
        "description-picks-the-role-that-matches-best",
        (
            "Republican presidential nominee Donald Trump and Democratic vice presidential nominee Tim Kaine "
            "both campaigned in Ohio on Monday.\n\n"
            "The Republican nominee said the state would decide the election."
        ),
        "the state would decide the election",
        "Donald Trump",
        "indirect",
        cue="said",
        mention="The Republican nominee",
    ),
    case(
        "title-case-headline-cue-is-not-part-of-the-name",
        "Senator Lindgren Tells Voters To Stay Home\n\nShe said the polls were rigged.",
        "the polls were rigged",
        "Lindgren",
        "indirect",
        cue="said",
        mention="She",
    ),
    case(
        "the-minister-to-full-name",
        (
            "Transport Minister Elin Sahlberg visited the flooded rail depot on Friday. "
            "The minister said repairs would take at least six weeks."
        ),
        "repairs would take at least six weeks",
        "Elin Sahlberg",
        "indirect",
        cue="said",
        mention="The minister",
        role="Transport Minister",
    ),
    case(
        "the-president-told-reporters",
        (
            "President Omar Haddadi flew to the summit on Wednesday. "
            "The president told reporters that a deal was within reach."
        ),
        "that a deal was within reach",
        "Omar Haddadi",
        "indirect",
        cue="told",
        mention="The president",
    ),
    case(
        "age-description-to-full-name",
        (
            "Senator Walter Brigg announced his retirement on Monday. "
            "The 74-year-old said he wanted to spend more time with his grandchildren."
        ),
        "he wanted to spend more time with his grandchildren",
        "Walter Brigg",
        "indirect",
        cue="said",
        mention="The 74-year-old",
    ),
    case(
        "role-appositive-organisation",
        (
            "Henrik Aalto, NATO’s deputy secretary general, said the alliance would increase "
            "patrols in the Baltic."
        ),
        "the alliance would increase patrols in the Baltic",
        "Henrik Aalto",
        "indirect",
        cue="said",
        type="person",
        role="NATO’s deputy secretary general",
    ),
    case(
        "role-appositive-with-article",
        "Maria Santos, the country’s chief negotiator, said an agreement was close.",
        "an agreement was close",
        "Maria Santos",
        "indirect",
        cue="said",
        role="country’s chief negotiator",
    ),
    case(
        "role-premodifier",
        "Foreign Minister Teresa Lobo said on Monday that her government would send observers to the vote.",
        "that her government would send observers to the vote",
        "Teresa Lobo",
        "indirect",
        cue="said",
        role="Foreign Minister",
    ),
    case(
        "role-premodifier-long",
        "National Security Adviser Celia Okonkwo told reporters that the threat level had been raised.",
        "that the threat level had been raised",
        "Celia Okonkwo",
        "indirect",
        cue="told",
        role="National Security Adviser",
    ),
    case(
        "role-carried-to-pronoun",
        (
            "Agnes Whitford, the city’s chief medical officer, spoke after the briefing. "
            "She warned that the outbreak had not yet peaked."
        ),
        "that the outbreak had not yet peaked",
        "Agnes Whitford",
        "indirect",
        cue="warned",
        mention="She",
        role="city’s chief medical officer",
    ),
]


# --------------------------------------------------------------------------------------------------
# Precision: acts are not speech, preposition phrases are not cues, a question put to someone is not
# their statement. Positive rows keep what is speech; `not_case` rows name what must not be reported.
# --------------------------------------------------------------------------------------------------
PRECISION = [
    case(
        "act-that-is-verbal-attacked-as",
        "Senator Maria Kovac attacked her opponent as a fraud during the debate.",
        "her opponent as a fraud during the debate",
        "Maria Kovac",
        "indirect",
        cue="attacked",
    ),
    case(
        "act-that-is-verbal-persuaded-that",
        "Governor Ellen Brandt persuaded the council that the budget was sound.",
        "that the budget was sound",
        "Ellen Brandt",
        "indirect",
        cue="persuaded",
    ),
    case(
        "topic-phrase-before-the-cue-is-not-content",
        "In a discussion about the use of Western weapons against targets in Russia, Foreign Minister "
        "Oskar Lind said the policy had not changed.",
        "the policy had not changed",
        "Oskar Lind",
        "indirect",
        cue="said",
    ),
    case(
        "a-question-asked-is-the-askers",
        "Senator Maria Kovac asked whether the minister had read the report.",
        "whether the minister had read the report",
        "Maria Kovac",
        "indirect",
        cue="asked",
    ),
    case(
        "the-statement-around-an-infinitive-act",
        "French President Paul Delacroix said he wants to allow the rebels to attack military positions "
        "across the river.",
        "he wants to allow the rebels to attack military positions across the river",
        "Paul Delacroix",
        "indirect",
        cue="said",
    ),
]


def not_case(case_id: str, text: str, *, cue: str | None = None, content: str | None = None) -> ParameterSet:
    """A text in which no statement may have this cue (or begin with this content)."""
    return pytest.param(text, cue, content, id=case_id)


NOT_STATEMENTS = [
    not_case(
        "infinitive-act-is-no-cue",
        "French President Paul Delacroix said he wants to allow the rebels to attack military positions "
        "across the river.",
        cue="attack",
    ),
    not_case(
        "act-wanted-is-no-cue",
        "Foreign Minister Ana Petrova is said to want to persuade President Karl Holm to lift the "
        "restrictions.",
        cue="persuade",
    ),
    not_case(
        "act-in-a-question-is-no-cue",
        "Asked by a reporter if he could persuade the president, Foreign Minister Oskar Lind said he "
        "would try.",
        content="if he could persuade",
    ),
    not_case(
        "preposition-phrase-is-no-cue",
        "In a discussion about the use of Western weapons against targets in Russia, Foreign Minister "
        "Oskar Lind said the policy had not changed.",
        content="the use of Western weapons",
    ),
]


# --------------------------------------------------------------------------------------------------
# Negatives: nothing here is a statement.
# --------------------------------------------------------------------------------------------------
NEGATIVES = [
    pytest.param("The government’s so-called “reform” has been delayed again.", id="scare-so-called"),
    pytest.param("The “temporary” tax has now been in place for eleven years.", id="scare-temporary"),
    pytest.param(
        "The ministry’s new “efficiency drive” has so far cost more than it saved.", id="scare-noun-phrase"
    ),
    pytest.param(
        'Officials moved the refugees to a "transit centre" on the edge of the town.', id="scare-straight"
    ),
    pytest.param("Her book “The Long Road Home” was published in 2019.", id="title-book"),
    pytest.param("Her debut novel, “What the Tide Left”, sold 40,000 copies.", id="title-novel-commas"),
    pytest.param("The film “Night Train to Varna” opens in cinemas on Friday.", id="title-film"),
    pytest.param("The series “A Quiet Border” won three awards on Saturday.", id="title-series"),
    pytest.param("The exhibition “Faces of the Delta” runs until May.", id="title-exhibition"),
    pytest.param(
        "The band closed the rally with “Born on the Wrong Side of the River”.", id="song-title-closed-with"
    ),
    pytest.param(
        "The crowd sang “we’re going home, we’re going home” as the results came in.", id="song-lyrics-sang"
    ),
    pytest.param(
        "Former boxer Thomas “Tommy” Reilly opened a gym in the old fire station.", id="nickname-curly"
    ),
    pytest.param("Councillor Patricia 'Patsy' Moran chaired the meeting.", id="nickname-straight-single"),
    pytest.param("The word ‘austerity’ did not appear anywhere in the budget.", id="single-quoted-word"),
    pytest.param("The term “gig worker” is not defined in law.", id="term-mention"),
    pytest.param("The frigate “Valiant” returned to port on Sunday.", id="ship-name"),
    pytest.param(
        "The prime minister’s office didn’t publish the ministers’ travel plans.", id="apostrophes-curly"
    ),
    pytest.param(
        "Prices have not been this high since the ’90s, when the mine was still open.", id="the-90s"
    ),
    pytest.param(
        "Ukraine’s grain exports rose last year, but the farmers’ unions weren’t satisfied.",
        id="apostrophes-possessives",
    ),
    pytest.param(
        "The workers' canteen and the drivers' rest room were both closed on Monday.",
        id="apostrophes-straight-plural-possessives",
    ),
    pytest.param("Sinead O’Brien’s team didn’t lose a game all season.", id="apostrophes-name"),
    pytest.param("The said property was sold at auction in 2015.", id="said-adjective"),
    pytest.param("The said company repaid the loan in full last spring.", id="said-adjective-subject"),
    pytest.param("Rebels attacked the convoy near the border on Tuesday.", id="act-attacked-a-convoy"),
    pytest.param("The navy could strike the port within days.", id="deed-strike"),
    pytest.param(
        "Since the start of the war, the Valdorian government has adjusted its support for the region to fit "
        "changing conditions.",
        id="deed-adjusted-support",
    ),
    pytest.param(
        "Foreign Minister Oskar Lind was asked by a reporter if he could persuade President Karl Holm to "
        "lift the restrictions.",
        id="question-put-to-someone",
    ),
    pytest.param(
        "Senator Maria Kovac was asked whether the minister had read the report.", id="asked-whether-passive"
    ),
]


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), DIRECT_QUOTES)
def test_direct_quotes(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), INDIRECT_SPEECH)
def test_indirect_speech(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), MEDIA_REPORTS)
def test_media_reports(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), ORGANISATIONS)
def test_organisation_speakers(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), MIXED_QUOTES)
def test_mixed_quotes(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), SPEAKER_RESOLUTION)
def test_speaker_resolution(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), PRECISION)
def test_precision_rows(text: str, expected: Expected) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "cue", "content"), NOT_STATEMENTS)
def test_not_statements(text: str, cue: str | None, content: str | None) -> None:
    statements = run_extract(text)
    for statement in statements:
        if cue is not None:
            assert statement.cue is None or cue not in statement.cue.text.lower(), describe(statements)
        if content is not None:
            assert not statement_content(statement).startswith(content), describe(statements)


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives_yield_no_statement(text: str) -> None:
    statements = run_extract(text)
    assert statements == (), f"expected no statement in {text!r}, got:\n{describe(statements)}"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("“The harvest was poor,” Dmitri Vasko said, “but the prices were worse.”", id="middle"),
        pytest.param(
            "“We made a mistake,” Elaine Porter said. “We will fix it by the summer.”", id="across-sentences"
        ),
    ],
)
def test_split_quote_is_one_statement_with_two_spans(text: str) -> None:
    statements = run_extract(text)
    assert len(statements) == 1, f"expected one statement, got:\n{describe(statements)}"
    (statement,) = statements
    assert len(statement.content) == 2, f"expected two content spans, got:\n{describe(statements)}"
    first, second = statement.content
    assert first.end <= second.start
    assert statement.cue is not None
    assert first.end <= statement.cue.start < second.start


ALL_TEXTS = [
    pytest.param(param.values[0], id=param.id)
    for param in [
        *DIRECT_QUOTES,
        *INDIRECT_SPEECH,
        *MEDIA_REPORTS,
        *ORGANISATIONS,
        *MIXED_QUOTES,
        *SPEAKER_RESOLUTION,
        *PRECISION,
        *NEGATIVES,
    ]
]


def all_spans(statement: Statement) -> list[Span]:
    spans = list(statement.content)
    if statement.cue is not None:
        spans.append(statement.cue)
    if statement.speaker.mention is not None:
        spans.append(statement.speaker.mention)
    return spans


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_every_span_slices_the_text_exactly(text: str) -> None:
    for statement in run_extract(text):
        for span in all_spans(statement):
            assert 0 <= span.start <= span.end <= len(text), f"{span} out of range in {text!r}"
            assert text[span.start : span.end] == span.text, f"{span} does not slice {text!r}"


# Apostrophes that cannot be quote marks: inside a word (don’t, O’Hara) or eliding a decade (the ’90s).
_WORD_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)|(?<=\s)['’](?=\d)")


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_apostrophes_never_delimit_content(text: str) -> None:
    """No content span may open or close on an apostrophe (don’t, O’Hara, the ’90s, ministers’)."""
    apostrophes = {m.start() for m in _WORD_APOSTROPHE.finditer(text)}
    for statement in run_extract(text):
        for span in statement.content:
            assert span.start - 1 not in apostrophes, f"content opens after an apostrophe: {span}"
            assert span.start not in apostrophes, f"content opens on an apostrophe: {span}"
            assert span.end not in apostrophes, f"content closes before an apostrophe: {span}"
            assert span.end - 1 not in apostrophes, f"content closes on an apostrophe: {span}"
