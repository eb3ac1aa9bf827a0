"""Live blogs: one article per live page, its posts kept as the body in page order, each with its own time.

A page is read as a live blog in one of two ways, both structural (no list of sites):
- **JSON-LD**: a schema.org `LiveBlogPosting` whose `liveBlogUpdate` holds the posts (`articleBody`, with
  `headline` above it when the body does not start with it, and `datePublished`);
- **markup**: a series of post containers, children of one element with the same tag and class, of which
  at least `MIN_TIMED_POSTS` hold a `<time datetime>`; a member without a time is a post without a time.
  The text of a post is its paragraphs, headings, list items and quotes (not its `<time>`, figures, asides,
  navigation or buttons), so what sits between the posts (advertising, share bars) is not kept. The series
  must hold at least `MIN_SHARE` of the words of the text the extractor found, and at most
  `MAX_LINK_SHARE` of its words may be link text: a list of teasers with times beside an ordinary article
  is not a live blog, and neither is a comment section (an id or class naming comments, at or above the
  series: readers' comments each with a time).
When both are present, the one with more posts wins (JSON-LD on a tie). Posts stay in the order the page
gives them (most live blogs put the newest first).

A time is kept only when it is a valid ISO 8601 date or timestamp (`2024-02-30`, a year 99999 or a time
zone past the calendar's end is no time: the post is kept, undated). A statement is dated by the post
holding the start of its content (`Article.time_at`).
"""

from __future__ import annotations

import datetime
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml.etree import LxmlError

from onrecord.records import Post

MIN_TIMED_POSTS = 2
MIN_SHARE = 0.25
MAX_LINK_SHARE = 0.5
MAX_NODES = 200_000
"""At most this many JSON values are walked per page looking for a `LiveBlogPosting`."""
_LD_SCRIPT = re.compile(
    r"<script\b[^>]{0,200}?application/ld\+json[^>]{0,200}>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"})
_LEFT_OUT = frozenset({"time", "figure", "aside", "nav", "button", "script", "style", "noscript", "form"})
_WORD = re.compile(r"\w+")
_TIME_TAG = re.compile(r"<time\b[^>]{0,300}?\bdatetime", re.IGNORECASE)


@dataclass(frozen=True)
class LiveBlog:
    """A live page's body: the posts' text joined by line breaks, the posts in it, and how it was read."""

    text: str
    posts: tuple[Post, ...]
    extractor: str  # "liveblog:json-ld" or "liveblog:markup"


def live_blog(page: str, root: Any, found_words: int) -> LiveBlog | None:
    """The live blog in `page` (`root`: its lxml tree, or None), or None when it is not one;
    `found_words` is how many words the extractor's own text has (see `MIN_SHARE`)."""
    from_json = _json_ld_posts(page) if "LiveBlogPosting" in page else []
    from_markup = _markup_posts(root, found_words) if root is not None and _timed(page) else []
    if not from_json and not from_markup:
        return None
    if len(from_json) >= len(from_markup):
        return _joined(from_json, "liveblog:json-ld")
    return _joined(from_markup, "liveblog:markup")


def _timed(page: str) -> bool:
    """Whether the page has `MIN_TIMED_POSTS` `<time datetime>` tags (before parsing it to look closer)."""
    found = _TIME_TAG.finditer(page)
    return all(next(found, None) is not None for _ in range(MIN_TIMED_POSTS))


def post_time(value: object) -> str | None:
    """`value` as an ISO date or timestamp (UTC when it has a zone), or None when it is no valid one."""
    if not isinstance(value, str) or not 10 <= len(value.strip()) <= 40:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text).isoformat()
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
    return moment.isoformat(timespec="seconds")


def _joined(posts: list[tuple[str, str | None]], extractor: str) -> LiveBlog:
    parts: list[str] = []
    records: list[Post] = []
    at = 0
    for text, published in posts:
        records.append(Post(at, at + len(text), published))
        parts.append(text)
        at += len(text) + 1
    return LiveBlog("\n".join(parts), tuple(records), extractor)


def _json_ld_posts(page: str) -> list[tuple[str, str | None]]:
    """The posts of the first `LiveBlogPosting` in the page's JSON-LD that has any with text."""
    for script in _LD_SCRIPT.finditer(page):
        try:
            data = json.loads(script.group(1))
        except (ValueError, RecursionError):
            continue
        for node in _dicts(data):
            if "LiveBlogPosting" not in _types(node):
                continue
            updates = node.get("liveBlogUpdate")
            posts = [post for post in map(_json_post, _as_list(updates)) if post is not None]
            if posts:
                return posts
    return []


def _dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `data`, outermost first, at most `MAX_NODES` values looked at."""
    pending, seen = deque([data]), 0
    while pending and seen < MAX_NODES:
        value = pending.popleft()
        seen += 1
        if isinstance(value, dict):
            yield value
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    return {kind} if isinstance(kind, str) else {k for k in _as_list(kind) if isinstance(k, str)}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _json_post(update: Any) -> tuple[str, str | None] | None:
    if not isinstance(update, dict):
        return None
    body = _plain(update.get("articleBody") or update.get("text") or "")
    headline = _plain(update.get("headline") or "")
    if headline and not body.startswith(headline):
        body = f"{headline}\n{body}" if body else headline
    return (body, post_time(update.get("datePublished"))) if body else None


def _plain(value: Any) -> str:
    """A JSON-LD text as lines of plain text (markup in it read as HTML, never fetched)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" in value:
        try:
            root = lxml.html.fragment_fromstring(value, create_parent="div")
        except (LxmlError, ValueError):
            return ""
        lines = _lines(root) or [" ".join(root.text_content().split())]
        return "\n".join(line for line in lines if line)
    return "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())


def _markup_posts(root: Any, found_words: int) -> list[tuple[str, str | None]]:
    """The post series of the page's markup with the most timed posts, or none (see the module doc)."""
    series: dict[tuple[Any, str, str], set[Any]] = {}
    for stamp in root.iter("time"):
        if stamp.get("datetime") is None:
            continue
        member = stamp
        for _ in range(8):
            parent = member.getparent()
            if parent is None:
                break
            series.setdefault((parent, str(member.tag), member.get("class") or ""), set()).add(member)
            member = parent
    timed = [(len(members), key) for key, members in series.items() if len(members) >= MIN_TIMED_POSTS]
    for _, (parent, tag, kind) in sorted(timed, key=lambda item: -item[0]):
        if _in_comments(parent) or "comment" in kind.lower():
            continue
        posts = _series_posts(parent, tag, kind)
        words = sum(len(_WORD.findall(text)) for text, _ in posts)
        if len(posts) < MIN_TIMED_POSTS or words < MIN_SHARE * found_words:
            continue
        linked = sum(len(_WORD.findall(link.text_content())) for link in parent.iter("a"))
        if linked <= MAX_LINK_SHARE * words:
            return posts
    return []


def _in_comments(element: Any) -> bool:
    """Whether the element is a comment section or inside one (an id or class naming comments)."""
    while element is not None:
        names = f"{element.get('id') or ''} {element.get('class') or ''}".lower()
        if "comment" in names:
            return True
        element = element.getparent()
    return False


def _series_posts(parent: Any, tag: str, kind: str) -> list[tuple[str, str | None]]:
    posts = []
    for member in parent:
        if member.tag != tag or (member.get("class") or "") != kind:
            continue
        text = "\n".join(_lines(member))
        if text:
            stamp = next((t for t in member.iter("time") if t.get("datetime") is not None), None)
            posts.append((text, post_time(stamp.get("datetime")) if stamp is not None else None))
    return posts


def _lines(container: Any) -> list[str]:
    """The text of the outermost block elements in `container`, one line each, spacing collapsed."""
    lines = []
    for element in container.iter(*_BLOCKS):
        if any(a.tag in _BLOCKS or a.tag in _LEFT_OUT for a in _ancestors(element, container)):
            continue
        line = " ".join(_text_without(element).split())
        if line:
            lines.append(line)
    return lines


def _ancestors(element: Any, container: Any) -> Iterator[Any]:
    parent = element.getparent()
    while parent is not None and parent is not container:
        yield parent
        parent = parent.getparent()


def _text_without(element: Any) -> str:
    """The element's text without that of the left-out elements (`<time>`, figures ...) inside it."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _LEFT_OUT:
            parts.append(_text_without(child))
        parts.append(child.tail or "")
    return "".join(parts)
