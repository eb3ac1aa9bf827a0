"""What trafilatura leaves out of a body it found: a lead paragraph that is no element of its own, and the
blocks after the first of a body split into several.

Both rules start from the body's anchor: the first paragraph (`<p>`) of the page whose text is a line of
trafilatura's text of `MIN_WORDS` words or more.
- **Lead.** The text right before the anchor inside its parent (skipping empty elements: a stray `</p>`
  becomes one) is the lead when it holds `MIN_WORDS` words and ends as a sentence ends, and is not in the
  text already: it goes before the anchor's line. (A page whose lead paragraph lost its `<p>` tag.)
- **Blocks.** When one of the anchor's ancestors (up to `MAX_LEVELS` above its parent) has a class and
  later siblings of the same tag and class (a body cut into blocks between advertisements: WIRED's), the
  paragraphs in them of the anchor's own kind (children of an element of its parent's tag and class) of
  `MIN_BLOCK_WORDS` words or more, mostly not link text and not in the text already (spacing and line
  breaks aside) are added at the end, in page order.
Nothing is fetched or resolved: the tree is the page in hand.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml.etree import LxmlError

MIN_WORDS = 12
MAX_LINK_SHARE = 0.5
MAX_LEVELS = 5
MIN_BLOCK_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?…\"”’')]$")


def page_tree(page: str) -> Any:
    """The page parsed by lxml's HTML parser (which fetches nothing), or None when it cannot be parsed."""
    try:
        return lxml.html.document_fromstring(page)
    except (LxmlError, ValueError):
        return None


def restore(text: str, root: Any) -> str:
    """`text` with its lost lead and its further blocks put back (see the module doc), else as it is."""
    if root is None:
        return text
    lines = text.split("\n")
    anchor, at = _anchor(root, lines)
    if anchor is None:
        return text
    flat = " ".join(text.split())  # a paragraph trafilatura kept split over lines is in it all the same
    lead = _lead(anchor)
    if lead and lead not in flat:
        lines.insert(at, lead)
    lines.extend(line for line in dict.fromkeys(_later_blocks(anchor)) if line not in flat)
    return "\n".join(lines)


def _anchor(root: Any, lines: list[str]) -> tuple[Any, int]:
    """The first paragraph of the page whose text is a long line of the text, and that line's index."""
    wanted: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = " ".join(line.split())
        if len(key.split()) >= MIN_WORDS:
            wanted.setdefault(key, index)
    if not wanted:
        return None, -1
    for paragraph in root.iter("p"):
        key = " ".join(paragraph.text_content().split())
        if key in wanted:
            return paragraph, wanted[key]
    return None, -1


def _lead(anchor: Any) -> str | None:
    """The sentence-ending run of words right before `anchor` in its parent, if it is long enough."""
    parts: list[str] = []
    sibling = anchor.getprevious()
    while sibling is not None:
        parts.append(sibling.tail or "")
        if isinstance(sibling.tag, str) and sibling.text_content().strip():  # not a comment
            break
        sibling = sibling.getprevious()
    else:
        parent = anchor.getparent()
        parts.append((parent.text or "") if parent is not None else "")
    lead = " ".join("".join(reversed(parts)).split())
    if len(lead.split()) < MIN_WORDS or not _SENTENCE_END.search(lead):
        return None
    return lead


def _later_blocks(anchor: Any) -> list[str]:
    """The paragraphs of the same kind as the anchor (children of an element of its parent's tag and
    class) in the later siblings of the same tag and class of the anchor's nearest ancestor that has any,
    up to `MAX_LEVELS` up."""
    parent = anchor.getparent()
    if parent is None:
        return []
    kind = (parent.tag, parent.get("class"))
    block = parent
    for _ in range(MAX_LEVELS):
        above = block.getparent()
        if above is None:
            return []
        tag, name = block.tag, block.get("class")
        later = [s for s in block.itersiblings() if s.tag == tag and s.get("class") == name] if name else []
        found = [line for sibling in later for line in _paragraphs(sibling, kind)]
        if found:
            return found
        block = above
    return []


def _paragraphs(block: Any, kind: tuple[str, str | None]) -> list[str]:
    lines = []
    for paragraph in block.iter("p"):
        parent = paragraph.getparent()
        if parent is None or (parent.tag, parent.get("class")) != kind:
            continue
        line = " ".join(paragraph.text_content().split())
        linked = sum(len(link.text_content().split()) for link in paragraph.iter("a"))
        words = len(line.split())
        if words >= MIN_BLOCK_WORDS and linked <= MAX_LINK_SHARE * words:
            lines.append(line)
    return lines
