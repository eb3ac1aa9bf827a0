"""Queries: search ranking, snippets and filters; people; one person's record; export round trips; CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from onrecord import queries
from onrecord.cli import main
from onrecord.store import open_store
from record_factory import add_article, said

ARTICLES = [
    (
        "Quillbury Gazette",
        "https://www.quillbury-gazette.example/ferry",
        "2024-01-15",
        "Mayor Odile Marsh said the ferry, the old ferry and the night ferry would all keep running.",
        [("the ferry, the old ferry and the night ferry would all keep running", "Odile Marsh", "Mayor")],
    ),
    (
        "Havelport Herald",
        "https://news.havelport-herald.example/dam",
        "2024-03-02",
        "Ruth Okonkwo said the dam inspection would take eleven weeks, and that the ferry to the island "
        "was not affected by the work on the reservoir.",
        [
            (
                "the dam inspection would take eleven weeks, and that the ferry to the island was not "
                "affected by the work on the reservoir",
                "Ruth Okonkwo",
                "chief engineer",
            )
        ],
    ),
    (
        "Quillbury Gazette",
        "https://www.quillbury-gazette.example/budget",
        "2024-06-20",
        "Joe Biden said the harbour budget was fair. Hunter Biden said he had sold no paintings to the port.",
        [
            ("the harbour budget was fair", "Joe Biden", "President"),
            ("he had sold no paintings to the port", "Hunter Biden", None),
        ],
    ),
    (
        None,
        None,
        None,
        "The Harbour Times reported that the ferry fares would rise in autumn.",
        [("the ferry fares would rise in autumn", "The Harbour Times", None)],
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "record.db"
    conn = open_store(str(path))
    for site, url, published, text, quotes in ARTICLES:
        statements = [
            said(text, quote, name, "media" if "Times" in name else "person", role)
            for quote, name, role in quotes
        ]
        add_article(conn, text, statements, url=url, published=published, site=site)
    conn.close()
    return path


def texts(hits: list[queries.SearchHit]) -> list[str]:
    return [hit.text for hit in hits]


def test_search_ranks_by_bm25_and_highlights_the_words(db: Path) -> None:
    hits = queries.search(str(db), "ferry")
    assert len(hits) == 3
    assert hits[0].speaker == "Odile Marsh", "three mentions in a short statement rank first"
    assert hits[0].score <= hits[1].score <= hits[2].score
    marked = [text for text, highlighted in hits[0].snippet if highlighted]
    assert marked == ["ferry", "ferry", "ferry"]
    assert "".join(text for text, _ in hits[0].snippet) == hits[0].text
    assert (hits[0].site, hits[0].published, hits[0].appearances) == ("Quillbury Gazette", "2024-01-15", 1)


def test_search_phrases_prefixes_and_every_word(db: Path) -> None:
    assert texts(queries.search(str(db), '"night ferry"')) == [ARTICLES[0][4][0][0]]
    assert len(queries.search(str(db), "paint*")) == 1
    assert queries.search(str(db), "ferry paintings") == []


@pytest.mark.parametrize(
    ("filters", "speakers"),
    [
        ({"speaker": "Odile Marsh"}, ["Odile Marsh"]),
        ({"speaker": "marsh"}, ["Odile Marsh"]),
        ({"speaker": "Nobody"}, []),
        ({"since": "2024-03-02"}, ["Ruth Okonkwo"]),
        ({"until": "2024-03-02"}, ["Odile Marsh", "Ruth Okonkwo"]),
        ({"since": "2024-02", "until": "2024-03"}, ["Ruth Okonkwo"]),
        ({"site": "havelport herald"}, ["Ruth Okonkwo"]),
        ({"site": "havelport-herald.example"}, ["Ruth Okonkwo"]),
        ({"site": "www.quillbury-gazette.example"}, ["Odile Marsh"]),
    ],
)
def test_search_filters(db: Path, filters: dict[str, str], speakers: list[str]) -> None:
    hits = queries.search(str(db), "ferry", **filters)  # type: ignore[arg-type]
    assert sorted(hit.speaker or "" for hit in hits) == speakers


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("Okonkwo", ["Ruth Okonkwo"]),
        ("ruth okonkwo", ["Ruth Okonkwo"]),
        ("Biden", ["Hunter Biden", "Joe Biden"]),
        ("The Harbour Times", ["Harbour Times"]),
        ("Harbour", []),  # a word of an organisation's name is not its name: the words said are searched
        ("Okon", []),  # part of a surname names nobody
    ],
)
def test_search_finds_the_speaker_a_name_means(db: Path, text: str, speakers: list[str]) -> None:
    hits = queries.search(str(db), text)
    named = [hit for hit in hits if hit.speaker in speakers]
    assert sorted({hit.speaker or "" for hit in named}) == speakers
    assert hits[: len(named)] == named, "the speaker's statements come first"
    assert all(hit.speaker_id is not None for hit in named), "each links the person page"


def test_search_by_name_pages_and_filters(db: Path) -> None:
    both = queries.search(str(db), "Biden")
    assert [h.statement_id for h in queries.search(str(db), "Biden", limit=1, offset=1)] == [
        both[1].statement_id
    ]
    assert queries.search(str(db), "Biden", since="2025") == []
    assert [h.speaker for h in queries.search(str(db), "Okonkwo", speaker="Odile Marsh")] == []


def test_search_and_export_leave_out_statements_below_the_min_confidence(tmp_path: Path) -> None:
    conn = open_store(str(tmp_path / "low.db"))
    text = "Mayor Odile Marsh said the ferry would keep running. Ruth Okonkwo said the ferry was late."
    sure, unsure = (
        said(text, "the ferry would keep running", "Odile Marsh"),
        said(text, "the ferry was late", "Ruth Okonkwo"),
    )
    add_article(conn, text, [sure, replace(unsure, confidence=0.2)])
    assert [h.speaker for h in queries.search(conn, "ferry")] == ["Odile Marsh"], "0.3 by default"
    assert len(queries.search(conn, "ferry", min_confidence=0.0)) == 2
    assert queries.search(conn, "ferry", min_confidence=0.95) == []
    assert (
        queries.search(conn, "Okonkwo") == [] and len(queries.search(conn, "Okonkwo", min_confidence=0)) == 1
    )
    out = tmp_path / "all.csv"
    assert queries.export(conn, "csv", str(out)) == 1
    assert queries.export(conn, "csv", str(out), min_confidence=0.0) == 2
    with pytest.raises(queries.QueryError, match="between 0 and 1"):
        queries.search(conn, "ferry", min_confidence=2.0)


def test_search_by_a_shared_surname_covers_every_namesake(db: Path) -> None:
    assert len(queries.search(str(db), "port OR budget OR harbour", speaker="Biden")) == 0
    assert {hit.speaker for hit in queries.search(str(db), "the", speaker="Biden")} == {
        "Joe Biden",
        "Hunter Biden",
    }


def test_search_pages_with_limit_and_offset(db: Path) -> None:
    every = texts(queries.search(str(db), "the", limit=10))
    assert (
        texts(queries.search(str(db), "the", limit=2)) + texts(queries.search(str(db), "the", offset=2))
        == every
    )


@pytest.mark.parametrize("typed", ['"', "AND OR NOT", "ferry)", "fer-ry:", "Ωμέγα", "*", "ferry NEAR/2"])
def test_no_typed_text_breaks_search(db: Path, typed: str) -> None:
    try:
        queries.search(str(db), typed)
    except queries.QueryError as error:
        assert str(error).endswith("has no word to look for.")


def test_bad_dates_are_refused_in_one_sentence(db: Path) -> None:
    with pytest.raises(queries.QueryError, match=r"--since '15/01/2024' is not a date like"):
        queries.search(str(db), "ferry", since="15/01/2024")


def test_people_lists_speakers_with_counts_and_roles(db: Path) -> None:
    found = {person.name: person for person in queries.people(str(db))}
    assert set(found) == {"Odile Marsh", "Ruth Okonkwo", "Joe Biden", "Hunter Biden", "Harbour Times"}
    assert found["Joe Biden"].roles == ("President",) and found["Joe Biden"].statements == 1
    assert found["Harbour Times"].type == "media"
    assert [person.name for person in queries.people(str(db), "biden")] == ["Joe Biden", "Hunter Biden"]


def test_person_gives_roles_outlets_and_statements_in_date_order(db: Path) -> None:
    record = queries.person(str(db), "Okonkwo")
    assert record.name == "Ruth Okonkwo"
    assert [(role.role, role.first_seen, role.last_seen) for role in record.roles] == [
        ("chief engineer", "2024-03-02", "2024-03-02")
    ]
    assert record.outlets == (queries.Outlet("Havelport Herald", 1),)
    assert [statement.published for statement in record.statements] == ["2024-03-02"]
    assert queries.person(str(db), f"#{record.id}") == record


def test_person_refuses_unknown_and_ambiguous_names(db: Path) -> None:
    with pytest.raises(queries.QueryError, match="no speaker is known as 'Zed Nobody'"):
        queries.person(str(db), "Zed Nobody")
    with pytest.raises(queries.QueryError, match=r"'Biden' may mean Joe Biden \(#\d+\), Hunter Biden"):
        queries.person(str(db), "Biden")


def _article_text(db: Path, article_id: int) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0])
    finally:
        conn.close()


def test_export_formats_round_trip(db: Path, tmp_path: Path) -> None:
    assert queries.export(str(db), "jsonl", str(tmp_path / "out.jsonl")) == 5
    assert queries.export(str(db), "csv", str(tmp_path / "out.csv")) == 5
    assert queries.export(str(db), "parquet", str(tmp_path / "out.parquet")) == 5
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert list(lines[0]) == list(rows[0]) == list(table[0]) == list(queries.EXPORT_COLUMNS)
    for line, row, record in zip(lines, rows, table, strict=True):
        assert line["text"] == row["text"] == record["text"]
        assert line["speaker"] == (row["speaker"] or None) == record["speaker"]
        assert line["published"] == (row["published"] or None) == record["published"]
        assert json.loads(row["spans"]) == json.loads(record["spans"]) == line["spans"]
        start, end = line["spans"]["content"][0]
        assert _article_text(db, line["article_id"])[start:end] == line["text"]


def test_export_refuses_parquet_on_standard_output(db: Path) -> None:
    with pytest.raises(queries.QueryError, match="Parquet is binary"):
        queries.export(str(db), "parquet")


def test_cli_queries(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["search", "ferry", "--db", str(db), "--site", "Quillbury Gazette"])
    assert result.exit_code == 0 and "Odile Marsh" in result.stdout and "Okonkwo" not in result.stdout
    result = runner.invoke(main, ["search", "ferry", "--db", str(db), "--json", "--limit", "1"])
    assert [hit["speaker"] for hit in json.loads(result.stdout)] == ["Odile Marsh"]
    result = runner.invoke(main, ["people", "--db", str(db), "biden", "--json"])
    assert [person["name"] for person in json.loads(result.stdout)] == ["Joe Biden", "Hunter Biden"]
    result = runner.invoke(main, ["people", "--db", str(db), "okonkwo"])
    assert result.exit_code == 0 and "Okonkwo" in result.stdout
    result = runner.invoke(main, ["people", "list", "--db", str(db), "--json"])
    assert len(json.loads(result.stdout)) == 5
    result = runner.invoke(main, ["person", "Odile Marsh", "--db", str(db)])
    assert result.exit_code == 0 and "Mayor" in result.stdout
    result = runner.invoke(main, ["export", "--format", "jsonl", "--db", str(db)])
    assert len(result.stdout.splitlines()) == 5
    result = runner.invoke(main, ["person", "Biden", "--db", str(db)])
    assert result.exit_code == 1 and result.stderr.startswith("onrecord: 'Biden' may mean")
    result = runner.invoke(main, ["search", "ferry", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 1 and "no such database" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_cli_people_merge_and_split(tmp_path: Path) -> None:
    path = tmp_path / "people.db"
    conn = open_store(str(path))
    for text, name in [
        ("Karen Lindqvist said the school would open in May.", "Karen Lindqvist"),
        ("Karin Lindqvist said the clinic had no doctors.", "Karin Lindqvist"),
        ("Ola Berg said the bridge was safe.", "Ola Berg"),
    ]:
        add_article(conn, text, [said(text, text.split(" said ")[1].rstrip("."), name)])
    conn.close()
    runner = CliRunner()
    result = runner.invoke(main, ["people", "split", "Karen Lindqvist", "Karin Lindqvist", "--db", str(path)])
    assert result.exit_code == 0 and result.stdout.startswith("Split Karin Lindqvist")
    result = runner.invoke(main, ["people", "merge", "Ola Berg", "Karin Lindqvist", "--db", str(path)])
    assert result.exit_code == 0 and "1 statement(s) moved" in result.stdout
    result = runner.invoke(main, ["people", "merge", "Ola Berg", "Nobody Here", "--db", str(path)])
    assert result.exit_code == 1 and result.stderr == "onrecord: no speaker is known as 'Nobody Here'.\n"
