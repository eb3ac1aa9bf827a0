"""Language detection (offline, py3langid): the extractor reads English, so an article surely written in
another language is a `not-english` Skip naming the language; short texts are never refused."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.articles import to_article
from onrecord.language import (
    MIN_WORDS,
    Language,
    count_words,
    detect_language,
    dominant_script,
    read_language,
)
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


@pytest.mark.parametrize(("code", "name"), [("de", "German"), ("es", "Spanish"), ("ja", "Japanese")])
def test_other_languages_are_skipped_with_the_language_named(code: str, name: str) -> None:
    result = to_article(text_document(FOREIGN[code]))
    assert isinstance(result, Skip), result
    assert (result.reason, result.source) == ("not-english", "story.txt")
    assert result.message.startswith(f"story.txt: the text is in {name} ({code}, ")
    assert "onrecord reads English and French only" in result.message


def test_french_is_kept_and_labelled() -> None:
    article = to_article(text_document(FOREIGN["fr"]))
    assert isinstance(article, Article) and article.language == "fr" and article.notes == ()


def test_html_page_in_another_language_is_skipped() -> None:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in FOREIGN["de"].split(". "))
    page = f"<html lang='de'><head><title>Der Kai</title></head><body><article>{paragraphs}</article></body>"
    result = to_article(Document(source="kai.html", data=page.encode(), media_type="html"))
    assert isinstance(result, Skip) and result.reason == "not-english" and "German" in result.message


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


# Team-written snippets, one per script: each is not English whatever the detector says.
SCRIPT_SNIPPETS = [
    (
        "Han",
        "zh",
        "国务院新闻办公室今天举行新闻发布会，外交部发言人表示，中方愿同各方一道努力，推动地区局势尽快缓和下来。",
    ),
    (
        "Kana",
        "ja",
        "市長は月曜日の記者会見で、来年の予算案について「市民の声を聞きながら進めたい」と述べました。",
    ),
    (
        "Hangul",
        "ko",
        "대변인은 월요일 기자회견에서 정부가 다음 주에 새로운 예산안을 국회에 제출할 것이라고 밝혔다.",
    ),
    (
        "Cyrillic",
        "ru",
        "Президент заявил в понедельник, что переговоры продолжатся на следующей неделе в Москве.",
    ),
    (
        "Greek",
        "el",
        "Ο υπουργός δήλωσε τη Δευτέρα ότι οι διαπραγματεύσεις θα συνεχιστούν την επόμενη εβδομάδα.",
    ),
    (
        "Arabic",
        "ar",
        "قال المتحدث باسم الحكومة يوم الاثنين إن المفاوضات ستستمر الأسبوع المقبل في العاصمة بحضور الوفود.",
    ),
    ("Hebrew", "he", "דובר הממשלה אמר ביום שני כי המשא ומתן יימשך בשבוע הבא בירושלים בהשתתפות כל המשלחות."),
    (
        "Devanagari",
        "hi",
        "सरकार के प्रवक्ता ने सोमवार को कहा कि बातचीत अगले सप्ताह राजधानी में जारी रहेगी और सभी दल शामिल होंगे।",
    ),
    ("Thai", "th", "โฆษกรัฐบาลกล่าวเมื่อวันจันทร์ว่าการเจรจาจะดำเนินต่อไปในสัปดาห์หน้าที่กรุงเทพมหานครพร้อมคณะผู้แทนทุกฝ่าย"),
]


@pytest.mark.parametrize(("script", "code", "text"), SCRIPT_SNIPPETS)
def test_a_text_mostly_in_another_script_is_not_english(script: str, code: str, text: str) -> None:
    found = dominant_script(text)
    assert found is not None and found[0] == script and found[1] > 0.9
    padded = text + " " + text  # past MIN_WORDS for the scripts written with spaces
    verdict = read_language(padded)
    assert verdict is not None and verdict.code == code
    result = to_article(text_document(padded))
    assert isinstance(result, Skip) and result.reason == "not-english", result
    assert f"({code}, " in result.message


def test_the_script_decides_over_english_furniture() -> None:
    """A Chinese page with English furniture: the script decides, however unsure the detector is."""
    text = "Home | News | Login " * 3 + SCRIPT_SNIPPETS[0][2]
    share = dominant_script(text)
    assert share is not None and 0.5 < share[1] < 0.6
    assert read_language(text) == Language("zh", share[1], script="Han")
    result = to_article(text_document(text))
    assert isinstance(result, Skip) and result.reason == "not-english"
    assert "Chinese (zh, 55% of the letters in Han script)" in result.message


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH.replace("Mareike Oduya", "Wang Lei (王磊)"),
        "President Xi Jinping (习近平) met Vladimir Putin (Владимир Путин) in Moscow on Tuesday, and the two "
        "leaders said after the talks that their countries would deepen trade ties over the next decade.",
        ENGLISH + " The harbour's old name, Λιμάνι, is carved above the gate.",
    ],
)
def test_an_english_article_with_foreign_names_stays_english(text: str) -> None:
    assert dominant_script(text) is None
    article = to_article(text_document(text))
    assert isinstance(article, Article) and article.language == "en"


def test_a_text_without_letters_has_no_script() -> None:
    assert dominant_script("2024 — 12 : 30 … !!!") is None
