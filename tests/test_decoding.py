"""decoding: text that is not UTF-8 in the encodings news is really written in, as plain text files and
as HTML pages (declared, undeclared, with a byte-order mark). A latin-1 "Jürgen Müller" once came out as
cp775's "J³rgen M³ller"; each row here is a text, the encoding it is written in and what must come out."""

from __future__ import annotations

import pytest

from onrecord.articles import to_article
from onrecord.decoding import declared_encoding, decode_html, decode_text
from onrecord.records import Article, Document

MAYOR = "The council met on Monday and the vote was close, officials said after the meeting in the town hall."

# (text, the encoding its bytes are in)
REAL_WORLD = [
    ("Jürgen Müller, the mayor, said on Monday that the new bridge would open in May.\n", "latin-1"),
    ("Mayor Jürgen Müller said the bridge would open in May. " + MAYOR, "latin-1"),
    ("Jürgen Müller\n", "latin-1"),
    ("Mr Øvergård said so. " + MAYOR * 3, "latin-1"),
    ("¿Qué pasa? ¡Nada! dijo el señor Muñoz en la reunión de ayer.", "latin-1"),
    ("O ministro disse que as eleições não serão adiadas, segundo a imprensa.", "latin-1"),
    ("Statsministeren sagde, at Danmark ikke ville give efter på grund af økonomien.", "latin-1"),
    ("The minister said: “We will not back down,” and left the café — it’s over.", "cp1252"),
    ("He said\u00a0“no” – and left. It’s over, the mayor’s aide said. " + MAYOR, "cp1252"),
    ("Der Bürgermeister sagte, die Straße werde im März geöffnet. " + MAYOR * 3, "cp1252"),
    ("Lech Wałęsa said the union would not give up. " + MAYOR, "cp1250"),
    ("Prime minister Mateusz Morawiecki told Łukasz Żółtowski the złoty was strong. " + MAYOR, "cp1250"),
    ("Prezydent powiedział: „Nie wycofamy się”, żółć.", "cp1250"),
    ("Başbakan, Türkiye'nin geri adım atmayacağını söyledi ve şöyle devam etti.", "cp1254"),
    ("Президент заявил: «Мы не отступим», сообщает агентство.", "cp1251"),
    ("Президент заявил, что мы не отступим, сообщает агентство.", "koi8-r"),
    ("Ο πρόεδρος είπε ότι η Ελλάδα δεν θα υποχωρήσει. " + MAYOR, "cp1253"),
    ("قال رئيس الوزراء إن الحكومة لن تتراجع عن موقفها.", "cp1256"),
    ("นายกรัฐมนตรีกล่าวว่ารัฐบาลจะไม่ถอย", "cp874"),
    ("首相は「撤退しない」と述べた。記者会見で語った。", "shift_jis"),
    ("首相は「撤退しない」と述べた。記者会見で語った。", "euc-jp"),
    ("总统说：“我们不会退缩。”他在记者会上表示。", "gb18030"),
    ("總統說：「我們不會退縮。」他在記者會上表示。", "big5"),
    ("대통령은 물러서지 않겠다고 말했다.", "euc-kr"),
    ("“We will win,” he said — and Jürgen agreed.", "utf-16"),
]
# What detection cannot tell apart: these come out as Windows-1252 (their letters are all Latin there).
AMBIGUOUS = [
    ("Předseda vlády řekl, že Česká republika nebude ustupovat ani v žádném případě.", "cp1250"),
    ("A miniszterelnök azt mondta, hogy Magyarország nem fog engedni, ők erősek.", "cp1250"),
    ("The price was 5 € said Müller.", "iso-8859-15"),  # 0xA4 is ¤ in latin-1, € in latin-9
    ("ראש הממשלה אמר כי ישראל לא תיסוג מעמדתה.", "cp1255"),  # read as Russian (cp1251)
]


def decoded(text: str, encoding: str) -> tuple[str, str]:
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = decode_text(data)
    assert result is not None
    return result


@pytest.mark.parametrize(("text", "encoding"), REAL_WORLD, ids=[f"{e}-{t[:12]}" for t, e in REAL_WORLD])
def test_real_world_encodings_decode_to_the_text_written(text: str, encoding: str) -> None:
    got, name = decoded(text, encoding)
    assert got == text
    assert text.encode(encoding).decode(name) == text  # the name given is an encoding that gives the text


@pytest.mark.parametrize("text", [text for text, encoding in REAL_WORLD if encoding == "latin-1"])
def test_latin1_text_files_are_read_as_windows_1252(text: str) -> None:
    article = to_article(Document(source="doc.txt", data=text.encode("latin-1"), media_type="text"))
    assert isinstance(article, Article) and article.text == text
    assert article.notes == ("decoded as cp1252 (not valid UTF-8)",)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param(*row, marks=pytest.mark.xfail(strict=True, reason="detection cannot tell"))
        for row in AMBIGUOUS
    ],
)
def test_texts_detection_cannot_tell_apart(text: str, encoding: str) -> None:
    assert decoded(text, encoding)[0] == text


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Bridge</title></head><body><article>{body}</article></body></html>"


BRIDGE = (
    "<p>Mayor Jürgen Müller said on Monday that the new bridge over the river would open in May.</p>"
    "<p>“It is a good day for the town,” he told reporters after the council met.</p>"
)


@pytest.mark.parametrize(
    ("head", "encoding", "note"),
    [
        ("", "utf-8", None),
        ('<meta charset="iso-8859-1">', "cp1252", None),  # declared latin-1, read as browsers do
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252", None),
        ("", "cp1252", "decoded as cp1252 (not valid UTF-8, and the page declares no charset)"),
        (
            "<meta charset='utf-16'>",
            "cp1252",
            "decoded as cp1252 (not valid UTF-8, and the page declares no charset)",
        ),
    ],
)
def test_html_pages_in_western_encodings(head: str, encoding: str, note: str | None) -> None:
    data = page(BRIDGE, head).encode(encoding)
    article = to_article(Document(source="page.html", data=data, media_type="html"))
    assert isinstance(article, Article), article
    assert "Mayor Jürgen Müller said" in article.text and "“It is a good day" in article.text
    assert article.notes == ((note,) if note else ())


def test_an_html_page_declaring_its_charset_is_read_in_it() -> None:
    body = "<p>Президент заявил, что страна не отступит, сообщает агентство в понедельник вечером.</p>"
    head = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    text, note = decode_html(page(body, head).encode("koi8-r"))
    assert "Президент заявил" in text and note is None


def test_an_html_page_with_a_byte_order_mark() -> None:
    text, note = decode_html(("\ufeff" + page(BRIDGE)).encode("utf-16"))
    assert "Jürgen Müller" in text and note is None


def test_a_declared_charset_that_does_not_fit_is_read_with_replacements() -> None:
    data = page("<p>Bad byte here: \xff.</p>", '<meta charset="utf-8">').encode("latin-1")
    text, note = decode_html(data)
    assert "Bad byte here: \ufffd." in text and note is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="UTF-8">', "utf-8"),
        ("<meta charset=latin1>", "cp1252"),
        ('<meta http-equiv="content-type" content="text/html;charset=GB2312">', "gb18030"),
        ("<meta charset=shift_jis>", "cp932"),
        ('<?xml version="1.0" encoding="ISO-8859-2"?>', "iso8859-2"),
        ('<meta charset="no-such-charset">', None),
        ('<meta charset="utf-16le">', None),
        ("", None),
    ],
)
def test_declared_encodings(head: str, expected: str | None) -> None:
    assert declared_encoding(page("<p>x</p>", head).encode("ascii")) == expected
