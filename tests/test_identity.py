"""Speaker identity across articles: names, the Blinken and Biden rules, organisations, corrections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from onrecord.records import SpeakerType
from onrecord.store import StoreError, merge_people, open_store, split_person
from onrecord.store.identity import Mention, _same_given, resolve_speaker
from onrecord.store.names import parse_name
from record_factory import add_article, said


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(str(tmp_path / "identity.db"))
    yield connection
    connection.close()


def resolve(
    conn: sqlite3.Connection,
    name: str,
    kind: SpeakerType = "person",
    role: str | None = None,
    seen: str = "2024-05-01",
    context: tuple[str, ...] = (),
) -> int | None:
    return resolve_speaker(conn, Mention(name, kind, role, seen, context))


def name_of(conn: sqlite3.Connection, speaker: int | None) -> str:
    return str(conn.execute("SELECT name FROM speakers WHERE id = ?", (speaker,)).fetchone()[0])


@pytest.mark.parametrize(
    ("name", "display", "title", "given", "surname"),
    [
        (
            "US Secretary of State Antony Blinken",
            "Antony Blinken",
            "US Secretary of State",
            ("antony",),
            "blinken",
        ),
        ("Mr. Blinken", "Blinken", "Mr.", (), "blinken"),
        ("Blinken's", "Blinken", None, (), "blinken"),
        ("Russia's Vladimir Putin", "Vladimir Putin", "Russia's", ("vladimir",), "putin"),
        ("Ursula von der Leyen", "Ursula von der Leyen", None, ("ursula",), "von der leyen"),
        ('Patrick "Paddy" Orwin', "Patrick Orwin", None, ("patrick",), "orwin"),
        ("Martin Luther King Jr.", "Martin Luther King", None, ("martin", "luther"), "king"),
        ("José Álvarez", "José Álvarez", None, ("jose",), "alvarez"),
    ],
)
def test_person_names_split_into_title_given_names_and_surname(
    name: str, display: str, title: str | None, given: tuple[str, ...], surname: str
) -> None:
    parsed = parse_name(name, person=True)
    assert parsed is not None
    assert (parsed.display, parsed.title, parsed.given, parsed.surname) == (display, title, given, surname)


@pytest.mark.parametrize("name", ["the minister", "officials", "President", "a senior aide"])
def test_descriptions_name_no_one(name: str) -> None:
    assert parse_name(name, person=True) is None


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("antony", "anthony", True),
        ("mohammad", "mohammed", True),
        ("jeffrey", "jeffery", True),
        ("philip", "phillip", True),
        ("a", "antony", True),
        ("joe", "jill", False),
        ("joe", "hunter", False),
        ("john", "joan", False),
        ("paul", "paula", False),
        ("daniel", "daniela", False),
        ("joe", "jon", False),
        ("karen", "sharon", False),
    ],
)
def test_first_names_match_only_when_equal_an_initial_or_a_one_letter_misspelling(
    one: str, other: str, same: bool
) -> None:
    assert _same_given(one, other) is same
    assert _same_given(other, one) is same


def test_blinken_in_all_his_spellings_is_one_person_with_his_role_and_its_dates(
    conn: sqlite3.Connection,
) -> None:
    ids = {
        resolve(conn, "Blinken", seen="2024-01-10"),
        resolve(conn, "Antony Blinken", seen="2024-02-01"),
        resolve(conn, "Anthony Blinken", seen="2024-03-05"),
        resolve(conn, "US Secretary of State Antony Blinken", seen="2024-04-20"),
        resolve(conn, "Mr. Blinken", seen="2024-05-02"),
        resolve(conn, "Antony Blinken", role="US Secretary of State", seen="2024-06-30"),
    }
    assert len(ids) == 1
    speaker = ids.pop()
    assert name_of(conn, speaker) == "Antony Blinken"
    roles = conn.execute(
        "SELECT role, first_seen, last_seen FROM roles WHERE speaker_id = ?", (speaker,)
    ).fetchall()
    assert roles == [("US Secretary of State", "2024-04-20", "2024-06-30")]


def test_bidens_who_share_a_surname_are_never_merged(conn: sqlite3.Connection) -> None:
    joe, hunter, jill = (resolve(conn, name) for name in ("Joe Biden", "Hunter Biden", "Jill Biden"))
    assert len({joe, hunter, jill}) == 3
    assert resolve(conn, "President Joe Biden") == joe
    bare = resolve(conn, "Biden")
    assert bare not in {joe, hunter, jill}, "a bare surname shared by several people stays ambiguous"
    assert name_of(conn, bare) == "Biden"
    assert resolve(conn, "Biden", context=("Hunter Biden", "Kamala Harris")) == hunter


def test_a_bare_surname_goes_to_a_namesake_who_dominates_it(tmp_path: Path) -> None:
    conn = open_store(str(tmp_path / "dominance.db"))
    for number in range(20):
        topic = f"bridge {number} would be repaired by {2030 + number}"
        text = f"In a speech in town {number}, Joe Biden said {topic}."
        add_article(conn, text, [said(text, topic, "Joe Biden")])
    text = "Hunter Biden said he had no comment on the painting sale."
    add_article(conn, text, [said(text, "he had no comment on the painting sale", "Hunter Biden")])
    joe = resolve(conn, "Joe Biden")
    assert resolve(conn, "Biden") == joe, "20 statements against 1: (20+1) >= 10 * (1+1)"
    conn.close()


def test_the_first_full_name_names_a_speaker_known_by_surname_only(conn: sqlite3.Connection) -> None:
    first = resolve(conn, "Tamsin Okafor-Reed", seen="2023-09-01") and resolve(conn, "Okafor-Reed")
    assert name_of(conn, first) == "Tamsin Okafor-Reed"
    bare = resolve(conn, "Vandermeer")
    assert resolve(conn, "Lotte Vandermeer") == bare
    assert name_of(conn, bare) == "Lotte Vandermeer"


def test_an_organisation_is_never_a_person(conn: sqlite3.Connection) -> None:
    person = resolve(conn, "Morgan", "person")
    firm = resolve(conn, "Morgan", "organization")
    assert person != firm
    times = resolve(conn, "The Harbour Times", "media")
    assert resolve(conn, "Harbour Times", "media") == times
    assert resolve(conn, "Harbour Times", "organization") == times
    assert resolve(conn, "Harbour Times", "person") != times


def test_an_unknown_type_is_settled_by_the_first_typed_mention(conn: sqlite3.Connection) -> None:
    unknown = resolve(conn, "Varnhold Courier", "unknown")
    assert resolve(conn, "The Varnhold Courier", "media") == unknown
    assert conn.execute("SELECT type FROM speakers WHERE id = ?", (unknown,)).fetchone()[0] == "media"
    person = resolve(conn, "Ilse Marten")
    assert resolve(conn, "Marten", "unknown") == person


def test_descriptions_get_no_speaker(conn: sqlite3.Connection) -> None:
    assert resolve(conn, "the finance ministry", "unknown") is None
    assert resolve(conn, "officials", "person") is None


def _article(conn: sqlite3.Connection, name: str, topic: str) -> None:
    text = f"{name} said {topic} on Tuesday."
    add_article(conn, text, [said(text, topic, name)], published="2024-03-01")


def _speaker_of(conn: sqlite3.Connection, topic: str) -> str:
    row = conn.execute(
        "SELECT sp.name FROM statements s JOIN speakers sp ON sp.id = s.speaker_id WHERE s.text = ?", (topic,)
    ).fetchone()
    return str(row[0])


def test_merge_moves_statements_and_holds_for_later_articles(conn: sqlite3.Connection) -> None:
    _article(conn, "Joseph Biden", "the rail line would be extended")
    _article(conn, "Joe Biden", "the tax credit would stay")
    done = merge_people(conn, "Joe Biden", "Joseph Biden")
    assert done.statements == 1
    assert _speaker_of(conn, "the rail line would be extended") == "Joe Biden"
    _article(conn, "Joseph Biden", "the port would be dredged")
    assert _speaker_of(conn, "the port would be dredged") == "Joe Biden"
    assert conn.execute("SELECT count(*) FROM speakers WHERE key LIKE '%biden'").fetchone()[0] == 1


def test_split_separates_a_name_and_holds_for_later_articles(conn: sqlite3.Connection) -> None:
    _article(conn, "Karen Lindqvist", "the school would open in May")
    _article(conn, "Karin Lindqvist", "the clinic had no doctors")
    assert _speaker_of(conn, "the clinic had no doctors") == "Karen Lindqvist", "auto-merged (one letter)"
    done = split_person(conn, "Karen Lindqvist", "Karin Lindqvist")
    assert done.statements == 1 and done.other == "Karin Lindqvist"
    assert _speaker_of(conn, "the clinic had no doctors") == "Karin Lindqvist"
    _article(conn, "Karin Lindqvist", "the clinic would hire two nurses")
    assert _speaker_of(conn, "the clinic would hire two nurses") == "Karin Lindqvist"
    _article(conn, "Karen Lindqvist", "the school had a new roof")
    assert _speaker_of(conn, "the school had a new roof") == "Karen Lindqvist"


def test_corrections_refuse_what_they_cannot_do_in_one_sentence(conn: sqlite3.Connection) -> None:
    _article(conn, "Joe Biden", "the tax credit would stay")
    _article(conn, "Hunter Biden", "he had no comment")
    with pytest.raises(StoreError, match="no speaker is known as 'Nobody Atall'"):
        merge_people(conn, "Joe Biden", "Nobody Atall")
    with pytest.raises(StoreError, match="already one speaker"):
        merge_people(conn, "Joe Biden", "joe biden")
    with pytest.raises(StoreError, match="nothing to split"):
        split_person(conn, "Joe Biden", "Joe Biden")
    with pytest.raises(StoreError, match="no statement of Joe Biden is credited to the name 'Jill Biden'"):
        split_person(conn, "Joe Biden", "Jill Biden")
