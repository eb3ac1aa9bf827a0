"""Check the team's news stance set against the PolNeAR articles it points into, and print its counts.

    python tools/check_news_stance.py [POLNEAR_DIR]        (default: ../shared/polnear)

Every row of `src/onrecord/evaluation/data/news_stance/labels.tsv` must name a known proposition, a split
and an article that exist, content (and source, when given) offsets inside the article's text, a label and
a reported flag from the allowed sets, and the first 12 hex digits of the sha1 of the content slice. The
articles are read only from POLNEAR_DIR; the repository keeps offsets, never article text. Exit status 0
when every row checks, 1 when any row fails (each failure is one line on stderr), 2 when the data or the
corpus cannot be read.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src/onrecord/evaluation/data/news_stance"
LABELS = ("support", "oppose", "neutral", "irrelevant")
SPLITS = ("train", "dev")
COLUMNS = (
    "proposition_id",
    "split",
    "doc",
    "content_start",
    "content_end",
    "source_start",
    "source_end",
    "holder",
    "reported",
    "label",
    "sha1",
)


def read_table(path: Path) -> list[dict[str, str]]:
    """A tab-separated file with a header line as one dict per row (UTF-8, exact text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]


def content_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _offsets(row: dict[str, str], size: int) -> str | None:
    """Why the row's offsets are unusable, or None when they index the article."""
    start, end = int(row["content_start"]), int(row["content_end"])
    if not 0 <= start < end <= size:
        return f"content {start}-{end} is outside the article ({size} characters)"
    if (row["source_start"] == "") != (row["source_end"] == ""):
        return "only one of source_start and source_end is given"
    if row["source_start"]:
        s_start, s_end = int(row["source_start"]), int(row["source_end"])
        if not 0 <= s_start < s_end <= size:
            return f"source {s_start}-{s_end} is outside the article ({size} characters)"
    return None


def row_problem(row: dict[str, str], propositions: set[str], corpus: Path) -> str | None:
    """One sentence on what is wrong with a row, or None when it checks."""
    if row["proposition_id"] not in propositions:
        return f"unknown proposition {row['proposition_id']!r}"
    if row["split"] not in SPLITS:
        return f"split {row['split']!r} is not one of {', '.join(SPLITS)}"
    if row["label"] not in LABELS:
        return f"label {row['label']!r} is not one of {', '.join(LABELS)}"
    if row["reported"] not in ("0", "1"):
        return f"reported is {row['reported']!r}, not 0 or 1"
    if not row["holder"].strip():
        return "holder is empty"
    path = corpus / row["split"] / "text" / row["doc"]
    if "/" in row["doc"] or not path.is_file():
        return f"article {row['split']}/text/{row['doc']} is not in {corpus}"
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    problem = _offsets(row, len(text))
    if problem is not None:
        return problem
    digest = content_sha1(text[int(row["content_start"]) : int(row["content_end"])])
    return None if digest == row["sha1"] else f"sha1 of the content is {digest}, the row says {row['sha1']}"


def print_counts(rows: list[dict[str, str]], titles: dict[str, str]) -> None:
    counts = Counter((row["proposition_id"], row["label"]) for row in rows)
    print("id\t" + "\t".join(LABELS) + "\ttotal\tholders\treported\tproposition")
    for pid, title in titles.items():
        own = [row for row in rows if row["proposition_id"] == pid]
        cells = [str(counts[pid, label]) for label in LABELS]
        holders = len({row["holder"] for row in own if row["label"] != "irrelevant"})
        reported = sum(row["reported"] == "1" for row in own)
        print(f"{pid}\t" + "\t".join(cells) + f"\t{len(own)}\t{holders}\t{reported}\t{title}")
    totals = [str(sum(row["label"] == label for row in rows)) for label in LABELS]
    print("all\t" + "\t".join(totals) + f"\t{len(rows)}")


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else Path("../shared/polnear")
    if not (corpus / "train" / "text").is_dir():
        print(f"{corpus} is not the PolNeAR folder (no train/text/ inside).", file=sys.stderr)
        return 2
    try:
        titles = {row["id"]: row["proposition"] for row in read_table(DATA / "propositions.tsv")}
        rows = read_table(DATA / "labels.tsv")
    except (OSError, ValueError, IndexError) as error:
        print(f"The news stance data in {DATA} cannot be read: {error}.", file=sys.stderr)
        return 2
    failures = 0
    for number, row in enumerate(rows, start=2):
        problem = row_problem(row, set(titles), corpus)
        if problem is not None:
            failures += 1
            print(f"labels.tsv line {number}: {problem}.", file=sys.stderr)
    print_counts(rows, titles)
    print(f"{len(rows) - failures} of {len(rows)} rows check.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
