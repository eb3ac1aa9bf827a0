"""articles.to_article: decoding plain text exactly, extracting HTML articles, and the reasons for skips."""

from __future__ import annotations

from typing import Any

import pytest

from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip


def text_document(data: bytes, source: str = "doc.txt") -> Document:
    return Document(source=source, data=data, media_type="text")


def html_document(html: str, source: str = "page.html") -> Document:
    return Document(source=source, data=html.encode("utf-8"), media_type="html")


def as_article(result: Article | Skip) -> Article:
    assert isinstance(result, Article), result
    return result


def as_skip(result: Article | Skip) -> Skip:
    assert isinstance(result, Skip), result
    return result


def test_utf8_text_is_kept_exactly_as_read() -> None:
    text = "\ufeff“We will not,” he said.\r\n\r\nShe\u00a0replied:  'No.'\t\n"
    article = as_article(to_article(text_document(text.encode("utf-8"))))
    assert article.text == text  # BOM, CRLF, NBSP, curly and straight quotes all kept
    assert article.source == "doc.txt"
    assert article.notes == ()


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The minister said: “We will not back down,” and left the café in a hurry.\n", "cp1252"),
        (
            "Le ministre a déclaré : « Nous ne reculerons pas », à Paris. Ça va être dur, a-t-il dit.\n",
            "latin-1",
        ),
    ],
)
def test_non_utf8_text_is_decoded_and_the_assumed_encoding_is_reported(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    article = as_article(to_article(text_document(data)))
    assert article.text == text
    [note] = article.notes
    assumed = note.removeprefix("decoded as ").removesuffix(" (not valid UTF-8)")
    assert note == f"decoded as {assumed} (not valid UTF-8)"
    assert data.decode(assumed) == article.text  # the note names the encoding actually used


@pytest.mark.parametrize(
    "text",
    [
        "The minister said: “We will not back down,” and left the café in a hurry.\n",
        "“Très bien,” he said in the café, smiling at everybody.",
        "Le ministre a déclaré : « Nous ne reculerons pas », à Paris.",
    ],
)
def test_western_text_is_decoded_as_cp1252(text: str) -> None:
    article = as_article(to_article(text_document(text.encode("cp1252"))))
    assert (article.text, article.notes) == (text, ("decoded as cp1252 (not valid UTF-8)",))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Prezydent powiedział: „Nie wycofamy się”, żółć.", "cp1250"),
        ("Президент заявил: «Мы не отступим», сообщает агентство.", "cp1251"),
    ],
)
def test_other_single_byte_encodings_are_still_detected(text: str, encoding: str) -> None:
    article = as_article(to_article(text_document(text.encode(encoding))))
    assert (article.text, article.notes) == (text, (f"decoded as {encoding} (not valid UTF-8)",))


def test_undecodable_text_is_skipped() -> None:
    data = bytes(range(128, 256)) * 4  # every high byte, no ASCII: no encoding reads it as text
    skip = as_skip(to_article(text_document(data)))
    assert (skip.reason, skip.source) == ("encoding", "doc.txt")
    assert "doc.txt" in skip.message and "UTF-8" in skip.message


@pytest.mark.parametrize("data", [b" \n\t\r\n", "\u00a0\u2003\n".encode()])
def test_whitespace_only_text_is_empty(data: bytes) -> None:
    assert as_skip(to_article(text_document(data))).reason == "empty"


def test_unclosed_quote_is_still_an_article() -> None:
    text = "He said: “this quote never closes\n"
    assert as_article(to_article(text_document(text.encode()))).text == text


PARAGRAPHS = [
    "“We have not changed our position,” John Kirby, the National Security Council spokesman, said on "
    "Thursday at a briefing in Washington, according to reporters who were present.",
    "He added that the administration would keep consulting closely with its allies about the use of "
    "weapons supplied to Ukraine over the coming weeks and months.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Kirby: US position unchanged</title>
<meta property="og:site_name" content="Daily Planet">
<link rel="canonical" href="https://example.org/world/kirby-position">
<meta name="date" content="2024-05-30">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Sign in</a></nav>
<article>
<h1>Kirby: US position unchanged</h1>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
</article>
<section id="comments" class="comments-area">
<h3 class="comment-reply-title">Leave a Reply</h3>
<div class="comment"><p>Totally disagree, commenters like me know better than any spokesman!</p></div>
<form class="comment-form"><p>Your email address will not be published. Required fields are marked *</p>
<textarea name="comment"></textarea><input type="submit" value="Post Comment"></form>
</section>
<footer><p>See also: Other stories from the Daily Planet newsroom</p><p>© 2024 Daily Planet</p></footer>
</body></html>
"""


def test_html_article_text_and_metadata() -> None:
    article = as_article(to_article(html_document(PAGE)))
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert article.title == "Kirby: US position unchanged"
    assert article.url == "https://example.org/world/kirby-position"
    assert article.published == "2024-05-30"
    assert article.site == "Daily Planet"
    assert article.source == "page.html"


def test_html_furniture_is_dropped() -> None:
    text = as_article(to_article(html_document(PAGE))).text
    for furniture in ("Leave a Reply", "Totally disagree", "email address", "Post Comment", "Sign in", "©"):
        assert furniture not in text


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><script>var x = 1;</script><style>p {}</style></body></html>",
        '<html><body><div id="comments"><h3>Leave a Reply</h3><form><textarea></textarea></form></div>',
        "<html><body><p>   </p><img src='a.png'></body></html>",
        "   \n  ",
        "<<<>>>",
    ],
)
def test_html_without_article_text(html: str) -> None:
    skip = as_skip(to_article(html_document(html)))
    assert (skip.reason, skip.source) == ("no-article", "page.html")
    assert "page.html" in skip.message


def test_html_extractor_failure_is_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("malformed")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    skip = as_skip(to_article(html_document(PAGE)))
    assert skip.reason == "no-article"
    assert "ValueError" in skip.message


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Menu</title></head><body><nav><a href=/>Home</a></nav>"
        "<div>menu</div></body></html>",
        "<html><body><div><ul><li><a href=/a>Home</a></li><li><a href=/b>World</a></li>"
        "<li><a href=/c>Business news</a></li><li>Sport and culture and weather today</li>"
        "</ul></div></body></html>",
        "<html><body><article><h1>Live: council vote</h1><p>Updates to follow</p></article></body></html>",
    ],
    ids=["menu", "section-list", "headline-only"],
)
def test_a_page_of_navigation_only_is_no_article(html: str) -> None:
    skip = as_skip(to_article(html_document(html)))
    assert (skip.reason, skip.source) == ("no-article", "page.html")
    assert "no sentence of 4 words or more" in skip.message


@pytest.mark.parametrize(
    "body",
    [
        "<p>The mayor said yes.</p>",
        "<p>Boomer and Craig were thrilled to welcome an American hero into the studio…</p>",
        "<p>" + " ".join(["word"] * 25) + "</p>",
    ],
    ids=["one-sentence", "ellipsis", "long-line"],
)
def test_the_shortest_articles_are_kept(body: str) -> None:
    html = f"<html><head><title>Brief</title></head><body><article>{body}</article></body></html>"
    assert as_article(to_article(html_document(html))).text


@pytest.mark.parametrize(
    ("data", "title"),
    [
        (
            b"Blinking on the use of US weapons\n\nBlinken said the policy was flexible.\n",
            "Blinking on the use of US weapons",
        ),
        (b"\xef\xbb\xbfMayor Wins Vote\r\n\r\nThe mayor said she was pleased.", "Mayor Wins Vote"),
        (b"Is the Ferry Safe?\n\nThe council said it was.", "Is the Ferry Safe?"),
        (b"The mayor said she was pleased.\n\nThe council agreed.", None),  # a sentence, not a headline
        (b"Mayor Wins Vote\nThe mayor said she was pleased.", None),  # no blank line after it
        (b"Mayor Wins Vote", None),  # nothing after it
        (b"x" * 201 + b"\n\nThe mayor said so.", None),  # too long
    ],
)
def test_a_plain_texts_headline_is_its_title(data: bytes, title: str | None) -> None:
    article = as_article(to_article(text_document(data)))
    assert article.title == title
    assert article.text == data.decode("utf-8"), "the text keeps its headline line"


def test_a_given_title_wins_over_the_first_line() -> None:
    document = Document("doc.txt", b"First Line\n\nBody said.", "text", title="Given")
    assert as_article(to_article(document)).title == "Given"
