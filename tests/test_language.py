"""Language detection (offline, py3langid): the extractor reads English, so an article surely written in
another language is a `not-english` Skip naming the language; short texts are never refused."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.articles import to_article
from onrecord.language import MIN_WORDS, count_words, detect_language
from onrecord.records import Article, Document, Skip

ENGLISH = (
    "The harbour council of Lindenport voted on Tuesday to rebuild the northern quay before the winter "
    "storms, after engineers warned that the old stones could give way. “We cannot wait another year,” "
    "council leader Mareike Oduya said after the vote."
)
FOREIGN = {
    "de": (
        "Der Stadtrat von Lindenport hat am Dienstag beschlossen, den nördlichen Kai noch vor den "
        "Winterstürmen neu zu bauen, nachdem Ingenieure gewarnt hatten, dass die alten Steine nachgeben "
        "könnten. Wir können nicht noch ein Jahr warten, sagte die Ratsvorsitzende nach der Abstimmung."
    ),
    "fr": (
        "Le conseil du port de Lindenport a voté mardi la reconstruction du quai nord avant les tempêtes "
        "de l'hiver, après que des ingénieurs ont averti que les vieilles pierres pourraient céder. Nous ne "
        "pouvons pas attendre une année de plus, a déclaré la présidente du conseil après le vote."
    ),
    "es": (
        "El consejo del puerto de Lindenport votó el martes reconstruir el muelle norte antes de las "
        "tormentas de invierno, después de que los ingenieros advirtieran que las piedras viejas podrían "
        "ceder. No podemos esperar otro año, dijo la presidenta del consejo después de la votación."
    ),
    "ja": (
        "リンデンポート港湾評議会は火曜日、冬の嵐が来る前に北側の岸壁を建て直すことを決めた。"
        "技術者たちは古い石が崩れるおそれがあると警告していた。評議会の議長は、もう一年待つことはできないと述べた。"
    ),
}


def text_document(text: str, source: str = "story.txt") -> Document:
    return Document(source=source, data=text.encode("utf-8"), media_type="text")


def test_english_is_kept_and_labelled() -> None:
    detected = detect_language(ENGLISH)
    assert detected is not None and detected.code == "en" and detected.confidence > 0.9
    article = to_article(text_document(ENGLISH))
    assert isinstance(article, Article) and article.language == "en" and article.notes == ()


@pytest.mark.parametrize(
    ("code", "name"), [("de", "German"), ("fr", "French"), ("es", "Spanish"), ("ja", "Japanese")]
)
def test_other_languages_are_skipped_with_the_language_named(code: str, name: str) -> None:
    result = to_article(text_document(FOREIGN[code]))
    assert isinstance(result, Skip), result
    assert (result.reason, result.source) == ("not-english", "story.txt")
    assert result.message.startswith(f"story.txt: the text is in {name} ({code}, ")
    assert "English only" in result.message


def test_html_page_in_another_language_is_skipped() -> None:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in FOREIGN["fr"].split(". "))
    page = f"<html lang='fr'><head><title>Le quai</title></head><body><article>{paragraphs}</article></body>"
    result = to_article(Document(source="quai.html", data=page.encode(), media_type="html"))
    assert isinstance(result, Skip) and result.reason == "not-english" and "French" in result.message


@pytest.mark.parametrize(
    "text",
    [
        "Le ministre a déclaré : « Nous ne reculerons pas », à Paris.",
        "„Wir bleiben“, sagte die Ministerin am Montag in Berlin.",
        "Ja.",
    ],
)
def test_short_texts_are_never_refused(text: str) -> None:
    assert count_words(text) < MIN_WORDS
    assert detect_language(text) is None
    article = to_article(text_document(text))
    assert isinstance(article, Article) and article.language == "en"


def test_english_article_quoting_another_language_is_english() -> None:
    text = (
        f"{ENGLISH} The French delegation's statement was brief: « Nous soutenons le projet. » The council "
        "said it would publish the full plans for the quay, the budget and the timetable next week, and "
        "invited residents of the harbour district to a public meeting on Thursday evening."
    )
    article = to_article(text_document(text))
    assert isinstance(article, Article) and article.language == "en"


def test_cjk_characters_count_as_words() -> None:
    assert count_words(FOREIGN["ja"]) >= MIN_WORDS
    assert count_words("Lindenport 港") == 2


def test_long_text_costs_no_more_than_a_short_one() -> None:
    detect_language(ENGLISH)  # the model loads once
    started = time.perf_counter()
    detected = detect_language(ENGLISH * 20_000)  # about 4 MB
    assert detected is not None and detected.code == "en"
    assert time.perf_counter() - started < 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_detection_never_raises(text: str) -> None:
    detected = detect_language(text)
    assert detected is None or 0.0 <= detected.confidence <= 1.0
