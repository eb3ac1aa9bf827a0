"""The newsroom view in a real browser: Playwright drives Debian's Chromium (headless) against
`onrecord serve` started by the test on 127.0.0.1 (a free port), serving a store built from the test
articles. Search, open a person, open an article and check its highlights, follow a permalink; hostile
articles execute nothing; pages read without JavaScript. A failing test leaves a screenshot in
test-artifacts/.

These tests run in CI (`.ci/run` installs chromium). Without /usr/bin/chromium they fail, unless the
environment sets ONRECORD_SKIP_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright

import web_store
from web_store import Ids

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
START_SECONDS = 30

store = web_store.store  # the test store and its ids, as module fixtures
ids = web_store.ids


def _chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("ONRECORD_SKIP_BROWSER") == "1":
            pytest.skip("ONRECORD_SKIP_BROWSER=1 and there is no /usr/bin/chromium")
        pytest.fail(
            "The browser tests need Debian's Chromium at /usr/bin/chromium: `apt-get install -y chromium` "
            "(or set ONRECORD_SKIP_BROWSER=1 to skip them).",
            pytrace=False,
        )
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(db: Path) -> Iterator[str]:
    """`onrecord serve` on a free loopback port until the block ends; its base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from onrecord.cli import main; main()", "serve", "--db", str(db)]
    log = db.parent / f"serve-{port}.log"
    with log.open("w") as output:
        server = subprocess.Popen([*command, "--port", str(port)], stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`onrecord serve` exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/static/style.css", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"`onrecord serve` did not answer on {base} within {START_SECONDS} s: {log.read_text()[-2000:]}"
    )


@pytest.fixture(scope="module")
def base(store: tuple[Path, Ids]) -> Iterator[str]:
    with running_server(store[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class Watch:
    """What a page did that it should not: dialogs (alert, confirm, prompt), console errors (CSP
    violations among them) and uncaught script errors."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 404" not in message.text:
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


@contextmanager
def shot_on_failure(page: Page, name: str) -> Iterator[None]:
    """Screenshot the page into test-artifacts/ when the block fails, then re-raise."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise


def test_search_person_article_permalink(page: Page, base: str, ids: Ids) -> None:
    watch = Watch(page)
    with shot_on_failure(page, "search_person_article_permalink"):
        page.goto(base + "/")
        expect(page.locator("h1")).to_contain_text("Who said what")
        page.locator("#top-q").fill("pier")
        page.locator("#top-q").press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=pier"))
        hits = page.locator("li.hit")
        expect(hits).to_have_count(2)
        expect(hits.first.locator("mark").first).to_have_text("pier")

        hits.first.locator("a.speaker").click()
        page.wait_for_url(re.compile(rf"/people/{ids.people['Odile Brandt']}$"))
        expect(page.locator("h1")).to_have_text("Odile Brandt")
        expect(page.locator("svg.chart rect.bar")).to_have_count(4)
        expect(page.locator("ol.statements > li")).to_have_count(3)

        page.goto(base + "/")
        page.get_by_role("link", name="Kessing votes to rebuild its pier").click()
        page.wait_for_url(re.compile(rf"/articles/{ids.articles['pier']}$"))
        text = page.locator("div.text")
        expect(text.locator("a.q")).to_have_count(4)
        expect(text.locator("u.cue")).to_have_count(3)
        expect(text.locator("b.mention")).to_have_count(3)
        brandt = text.locator("a.q.sp0").first.evaluate("e => getComputedStyle(e).backgroundColor")
        reyes = text.locator("a.q.sp1").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert brandt != reyes and "rgba(0, 0, 0, 0)" not in (brandt, reyes)  # the stylesheet applied

        text.locator("a.q").first.click()
        statement = ids.statements["pier", 0]
        page.wait_for_url(re.compile(rf"/statements/{statement}$"))
        expect(page.locator("blockquote.said")).to_contain_text("We cannot let the pier fall into the sea")
        expect(page.locator("#citation")).to_contain_text(f"onrecord statement #{statement}")
        expect(page.locator("ul.appearances > li")).to_have_count(2)
        expect(page.get_by_role("button", name="Copy citation")).to_be_visible()  # our script ran
        page.get_by_role("link", name="Read it in the article →").click()
        page.wait_for_url(re.compile(rf"/articles/{ids.articles['pier']}#s{statement}$"))
    assert watch.dialogs == [] and watch.errors == []


def test_hostile_articles_execute_nothing(page: Page, base: str, ids: Ids) -> None:
    watch = Watch(page)
    paths = [
        f"/articles/{ids.articles['hostile']}",
        f"/statements/{ids.statements['hostile', 0]}",
        f"/statements/{ids.statements['hostile', 1]}",
        f"/people/{ids.people['Ada Quill']}",
        "/search?q=final",
        f"/articles/{ids.articles['unicode']}",
        f"/articles/{ids.articles['bad-bytes']}",
    ]
    with shot_on_failure(page, "hostile_articles_execute_nothing"):
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert page.locator("img, iframe, object, embed").count() == 0, path
        page.goto(base + f"/articles/{ids.articles['hostile']}")
        expect(page.locator("h1")).to_have_text("<script>alert('title')</script> Ferry board <i>row</i>")
        expect(page.locator("div.text")).to_contain_text("<script>alert('text')</script>")
        expect(page.locator("a.original")).to_have_count(0)  # a javascript: URL is never a link
    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == [], watch.errors


def test_pages_read_without_javascript(browser: Browser, base: str, ids: Ids) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        with shot_on_failure(page, "pages_read_without_javascript"):
            page.goto(base + "/search")
            page.locator("#q").fill("money")
            page.locator("#speaker").fill("Reyes")
            page.locator("form.search button[type=submit]").click()
            page.wait_for_url(re.compile(r"/search\?q=money"))
            expect(page.locator("li.hit")).to_have_count(1)
            expect(page.locator("li.hit a.speaker")).to_have_text("Tomas Reyes")
            page.goto(base + f"/statements/{ids.statements['pier', 2]}")
            expect(page.locator("#citation")).to_contain_text("Tomas Reyes, Opposition councillor")
            expect(page.get_by_role("button", name="Copy citation")).to_have_count(0)
    finally:
        context.close()


def test_unknown_pages_and_missing_store(page: Page, base: str, tmp_path: Path) -> None:
    with shot_on_failure(page, "unknown_pages_and_missing_store"):
        response = page.goto(base + "/articles/424242")
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("Not found")
        with running_server(tmp_path / "absent.db") as other:
            response = page.goto(other + "/")
            assert response is not None and response.status == 503
            expect(page.locator(".message")).to_contain_text("There is no database yet")
            response = page.goto(other + "/search?q=pier")
            assert response is not None and response.status == 503  # still serving
