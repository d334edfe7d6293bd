"""The reading room in a real browser: Debian's chromium driven by Playwright, with JavaScript on and off.

search `lærepladser` → facet → item → page viewer (born-digital and scanned) → back; axe-core (vendored in
web/static/vendor/) checks every page for WCAG 2.1 AA violations. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.web_archive import SCAN, sha256_of, web_settings
from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AGENDA = "kkr-hovedstaden-2026-06-16"

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="apt-get install chromium (scripts/install.sh does)")]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(web_settings(with_scan=True)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def new_page(browser, js: bool):  # noqa: ANN001, ANN201
    context = browser.new_context(java_script_enabled=js, locale="da-DK", viewport={"width": 1200, "height": 900})
    return context.new_page()


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def image_loaded(page) -> bool:  # noqa: ANN001
    """The page image has arrived and decoded (it is rendered on first request, so it may take a moment)."""
    page.wait_for_load_state("load")
    return page.evaluate("""() => { const img = document.querySelector('figure.page img');
        return img.complete && img.naturalWidth > 300; }""")


def axe_violations(page) -> list[str]:  # noqa: ANN001
    """Serious and critical axe-core violations of the current page (WCAG 2.0/2.1 A and AA rules)."""
    page.add_script_tag(url="/static/vendor/axe.min.js")  # same origin: allowed by the page's CSP
    result = page.evaluate("""async () => await axe.run(document,
        {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_search_facet_item_viewer_back(browser, base_url: str, js: bool) -> None:  # noqa: ANN001
    page = new_page(browser, js)
    tag = "js" if js else "nojs"
    checked: dict[str, list[str]] = {}
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.fill("#q", "lærepladser")
    page.click("form[role=search] button[type=submit]")
    assert "q=l%C3%A6repladser" in page.url
    hit = page.locator("li.hit", has=page.locator(f'a[href^="/meeting/{AGENDA}/item/3.7"]'))
    assert hit.count() == 1
    assert "lærepladser" in hit.locator("mark").first.inner_text().lower()
    total_before = int(re.match(r"\d+", page.locator("#results-h").inner_text()).group())
    shot(page, f"{tag}-1-search")
    if js:
        checked["search"] = axe_violations(page)

    page.click('aside.facets a[href*="kind=dagsorden"]')
    assert "kind=dagsorden" in page.url and "q=l%C3%A6repladser" in page.url
    total_after = int(re.match(r"\d+", page.locator("#results-h").inner_text()).group())
    assert 0 < total_after < total_before
    assert page.locator("li.hit .meta").all_inner_texts() and all(
        "dagsorden" in t for t in page.locator("li.hit .meta").all_inner_texts())
    shot(page, f"{tag}-2-facet")

    page.click(f'li.hit a[href^="/meeting/{AGENDA}/item/3.7"]')
    assert page.locator("h1").inner_text().startswith("3.7. Fordeling af lærepladser")
    headings = page.locator("section.section h2").all_inner_texts()
    assert len(headings) >= 2
    item_url = page.url
    shot(page, f"{tag}-3-item")
    if js:
        checked["item"] = axe_violations(page)

    page.locator('a[href*="/page/"]').first.click()
    assert re.search(r"/document/[0-9a-f]{64}/page/\d+\?q=", page.url)
    marked = int(re.search(r"\((\d+)\)", page.locator("p.hint").inner_text()).group(1))
    assert marked > 0
    assert image_loaded(page)
    shot(page, f"{tag}-4-viewer")
    if js:
        checked["viewer"] = axe_violations(page)

    page.go_back()
    assert page.url == item_url
    assert page.locator("h1").inner_text().startswith("3.7.")

    page.goto(base_url + f"/meeting/{AGENDA}")
    shot(page, f"{tag}-5-meeting")
    if js:
        checked["meeting"] = axe_violations(page)
    page.goto(base_url + "/case/12%2F27845")
    assert page.locator("li.decision").count() == 3
    shot(page, f"{tag}-6-case")
    if js:
        checked["case"] = axe_violations(page)
        page.goto(base_url + "/nowhere")
        checked["error"] = axe_violations(page)
        assert set(checked) == {"search", "item", "viewer", "meeting", "case", "error"}
        assert {name: found for name, found in checked.items() if found} == {}
    page.context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_scanned_document_in_the_viewer(browser, base_url: str, js: bool) -> None:  # noqa: ANN001
    """A word only the OCR of the scan holds: hit → page link → the rendered scan, highlighted where the
    archive has Tesseract word boxes for the page (pages.words)."""
    from storage.models import PageRow

    page = new_page(browser, js)
    page.goto(base_url + "/search?q=Brøndby")
    link = page.locator(f'li.hit a[href^="/document/{sha256_of(SCAN)}/page/"]').first
    assert link.count() == 1
    link.click()
    assert page.locator("h1").inner_text().startswith("003-scan-p1-4.pdf")
    assert "OCR-læst side" in page.locator("p.hint").inner_text()
    marked = int(re.search(r"\((\d+)\)", page.locator("p.hint").inner_text()).group(1))
    assert (marked > 0) == hasattr(PageRow, "words")  # word boxes come with the ocr branch's pages.words
    assert image_loaded(page)
    shot(page, f"{'js' if js else 'nojs'}-7-scan-viewer")
    if js:
        assert axe_violations(page) == []
    page.go_back()
    assert "q=Br%C3%B8ndby" in page.url
    page.context.close()


def test_keyboard_skip_link_and_visible_focus(browser, base_url: str) -> None:  # noqa: ANN001
    page = new_page(browser, True)
    page.goto(base_url + "/search?q=lærepladser")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip", "#indhold"]
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "indhold"
    for _ in range(3):  # the search field is reachable by keyboard from the top of the content
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "q":
            break
    assert page.evaluate("() => document.activeElement.id") in ("q", "from", "to", "sort")
    page.context.close()
