"""Articles: a raw `Document` in, clean `Article` text plus metadata (or a `Skip`) out.

Plain text is decoded exactly as read, so statement offsets index the file's own text. HTML goes through
trafilatura, which drops page furniture (navigation, comments, "Leave a Reply" forms).

Reason codes: ``encoding``, ``no-article``, ``empty``.
"""

from __future__ import annotations

from typing import Any

import charset_normalizer

from onrecord.records import Article, Document, Skip

# Non-UTF-8 news is most often Windows-1252: it wins when charset-normalizer rates it as good as its best.
_PREFERRED_ENCODING = "cp1252"
_COHERENCE_TIE = 0.05


def to_article(document: Document) -> Article | Skip:
    """The article in `document`: decoded text for plain text, the extracted main text for HTML."""
    result = _from_html(document) if document.media_type == "html" else _from_text(document)
    if isinstance(result, Skip):
        return result
    if not result.text.strip():
        return Skip(document.source, "empty", f"{document.source}: the text is only whitespace.")
    return result


def _from_text(document: Document) -> Article | Skip:
    try:
        return Article(source=document.source, text=document.data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    decoded = _decode_guessing(document.data)
    if decoded is None:
        return Skip(
            document.source,
            "encoding",
            f"{document.source}: is not valid UTF-8 and its encoding could not be detected.",
        )
    text, encoding = decoded
    return Article(source=document.source, text=text, notes=(f"decoded as {encoding} (not valid UTF-8)",))


def _decode_guessing(data: bytes) -> tuple[str, str] | None:
    """Text and encoding name as detected by charset-normalizer, or None when nothing fits."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    preferred = _PREFERRED_ENCODING in best.could_be_from_charset or any(
        match.encoding == _PREFERRED_ENCODING
        and match.chaos <= best.chaos
        and match.coherence >= best.coherence - _COHERENCE_TIE
        for match in matches
    )
    for encoding in [_PREFERRED_ENCODING, best.encoding] if preferred else [best.encoding]:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _from_html(document: Document) -> Article | Skip:
    extracted = _extract_html(document.data)
    if isinstance(extracted, Exception):
        why = f"trafilatura failed with {type(extracted).__name__}"
        return Skip(
            document.source, "no-article", f"{document.source}: no article could be extracted ({why})."
        )
    text = _field(extracted, "text")
    if text is None or not text.strip():
        return Skip(document.source, "no-article", f"{document.source}: no article text found in the HTML.")
    return Article(
        source=document.source,
        text=text,
        title=_field(extracted, "title"),
        url=_field(extracted, "url"),
        published=_field(extracted, "date"),
        site=_field(extracted, "sitename"),
    )


def _extract_html(data: bytes) -> Any:
    """trafilatura's result (a `trafilatura.settings.Document` or None), or the exception it raised."""
    from trafilatura import bare_extraction  # imported here: slow to load and only needed for HTML

    try:
        return bare_extraction(data, include_comments=False, with_metadata=True)
    except Exception as error:  # a malformed page must not sink the batch: it becomes a Skip
        return error


def _field(extracted: Any, name: str) -> str | None:
    value = getattr(extracted, name, None)
    return value if isinstance(value, str) and value else None
