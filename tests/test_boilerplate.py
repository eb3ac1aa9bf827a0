"""Page furniture at the edges of a body (written by the team): each row is a body as trafilatura gives
it and the body once trimmed; negatives keep real paragraphs that mention the same words."""

from __future__ import annotations

import pytest

from onrecord.articles import to_article
from onrecord.boilerplate import trim_furniture
from onrecord.records import Article, Document

LEAD = "The harbour bridge will reopen next spring once its cables are replaced, the minister said."
MIDDLE = "“We owe the people of this town a safe crossing,” Alan Moor told reporters at the site on Tuesday."
LAST = "Engineers found corrosion in six of the main cables last year, closing the bridge to lorries."
BODY = [LEAD, MIDDLE, LAST]
TITLE = "Harbour bridge to reopen in spring"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([*BODY, "Our Standards: The Thomson Reuters Trust Principles."], BODY),
        ([*BODY, "GET THE FOX NEWS APP"], BODY),
        ([*BODY, "Also on rt.com Bridge closures cost the town millions, report finds"], BODY),
        ([*BODY, "Sign up for our morning newsletter to get the day's top stories in your inbox."], BODY),
        ([*BODY, "Subscribe to our newsletter"], BODY),
        ([*BODY, "Ruth Calder is a reporter for the Gazette covering transport and local government."], BODY),
        ([*BODY, "Copyright 2024 The Gazette. All rights reserved."], BODY),
        ([*BODY, "Related Articles", "Council votes to close libraries", "Ferry fares to rise"], BODY),
        ([TITLE, *BODY], BODY),  # the headline printed above the body
        (["Harbour Bridge To Reopen In Spring | The Gazette", *BODY], BODY),
        (["- 24 July 2015", "- From the section Europe", *BODY], BODY),  # dateline, section
        (["Photograph: Ruth Calder", *BODY], BODY),  # a credit
        (["By Ruth Calder", *BODY, "Share", "Comments"], BODY),
    ],
    ids=[
        "standards",
        "app-promo",
        "also-on",
        "newsletter",
        "subscribe",
        "author-bio",
        "copyright",
        "related",
        "title",
        "title-with-site",
        "dateline-section",
        "credit",
        "byline-share",
    ],
)
def test_furniture_at_the_edges_goes(before: list[str], after: list[str]) -> None:
    assert trim_furniture("\n".join(before), TITLE) == "\n".join(after)


NEWSLETTER_STORY = (
    "The council said in its newsletter that the bridge would reopen, and Moor agreed on Tuesday."
)
SIGN_UP_QUOTE = (
    "“Sign up for the ferry while it runs,” Moor said, urging commuters to plan ahead this winter."
)


@pytest.mark.parametrize(
    "body",
    [
        [LEAD, NEWSLETTER_STORY, LAST],  # a real paragraph that mentions a newsletter
        [LEAD, LAST, NEWSLETTER_STORY],  # ... even as the last one
        [SIGN_UP_QUOTE, LEAD, LAST],  # a quote that starts like a prompt is no prompt
        [LEAD, "Related projects", MIDDLE, LAST],  # a subheading inside the body
        [LEAD, MIDDLE, LAST, "“No,” he said."],  # a short last line that is a sentence
        [LEAD, "Ingredients", "Flour", "Eggs", "Milk", "Butter", "Salt"],  # a list that ends the article
        [LEAD, MIDDLE, "Alan Moor is the transport minister and the member for the harbour ward."],
    ],
    ids=[
        "newsletter-inside",
        "newsletter-last",
        "quote",
        "subheading",
        "short-sentence",
        "list",
        "not-a-bio",
    ],
)
def test_the_article_is_kept(body: list[str]) -> None:
    assert trim_furniture("\n".join(body), TITLE) == "\n".join(body)


def test_a_body_of_furniture_only_is_left_as_it_is() -> None:
    """Trimming never empties a body: what is left is judged by the article test (`no-article`)."""
    assert trim_furniture("Share\nComments", TITLE) == "Share\nComments"


def test_an_html_page_loses_its_footer() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{paragraphs}"
        "<p>GET THE FOX NEWS APP</p><p>Our Standards: The Thomson Reuters Trust Principles.</p>"
        "</article></body></html>"
    )
    article = to_article(Document("page.html", page.encode(), "html"))
    assert isinstance(article, Article)
    assert article.text == "\n".join(BODY)
