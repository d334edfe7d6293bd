"""The reading room through Flask's test client: every route, and every bad input answers 400/404 with a page."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from cli import main
from tests.web_archive import BORN_DIGITAL, CASE_REFERAT, sha256_of, web_settings
from web import create_app

AGENDA = "kkr-hovedstaden-2026-06-16"


@pytest.fixture(scope="module")
def client():
    app = create_app(web_settings())
    return app.test_client()


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def test_search_lists_item_with_marked_word_and_decision_context(client) -> None:  # noqa: ANN001
    r = client.get("/search?q=lærepladser")
    assert r.status_code == 200
    html = text(r)
    assert '<html lang="da">' in html
    assert f'href="/meeting/{AGENDA}/item/3.7?q=l%C3%A6repladser"' in html
    assert "<mark>lærepladser</mark>" in html
    assert "16. juni 2026" in html  # Danish date
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "<script" not in html  # no inline (or any) scripts: the pages work without JavaScript


def test_facet_links_carry_the_filter_and_narrow(client) -> None:  # noqa: ANN001
    html = text(client.get("/search?q=lærepladser"))
    links = dict(re.findall(r'href="(/search\?[^"]*section=([^"&]+)[^"]*)"', html))
    assert links, "no section facet links"
    for url, section in links.items():
        narrowed = client.get(url.replace("&amp;", "&"))
        assert narrowed.status_code == 200
        body = text(narrowed)
        total = int(re.search(r'<h2 id="results-h">(\d+)', body).group(1))
        count = int(re.search(rf'section={re.escape(section)}[^"]*">[^<]*<span class="count">\((\d+)\)', html).group(1))
        assert 0 < total <= count
        assert "Aktive filtre" in body


def test_filters_without_words_keep_the_form(client) -> None:  # noqa: ANN001
    r = client.get("/search?kind=referat&from=2025-01-01")
    assert r.status_code == 200
    html = text(r)
    assert "Skriv et eller flere ord for at søge." in html
    assert '<input type="hidden" name="kind" value="referat">' in html and 'value="2025-01-01"' in html


def test_one_result_per_item(client) -> None:  # noqa: ANN001
    data = client.get("/search.json?q=lærepladser&per_item=1&limit=100").get_json()
    keys = [(h["meeting_id"], h["item_number"]) for h in data["hits"]]
    assert len(keys) == len(set(keys)) == data["total"]
    html = text(client.get("/search?q=lærepladser"))
    assert html.count('<li class="hit">') == data["total"]


def test_date_range_hint_counts_hidden_hits(client) -> None:  # noqa: ANN001
    everything = client.get("/search.json?q=lærepladser&per_item=1&limit=100").get_json()["total"]
    html = text(client.get("/search?q=lærepladser&from=2030-01-01"))
    hidden = re.search(r"(\d+) resultat(?:er)? uden for datointervallet", html)
    assert everything > 0 and hidden and int(hidden.group(1)) == everything


def test_sort_newest_and_oldest(client) -> None:  # noqa: ANN001
    newest = client.get("/search.json?q=beslutning&sort=newest&per_item=1&limit=200").get_json()["hits"]
    dates = [h["date"] for h in newest if h["date"]]
    assert len(set(dates)) > 1 and dates == sorted(dates, reverse=True)
    oldest = client.get("/search.json?q=beslutning&sort=oldest&per_item=1&limit=200").get_json()["hits"]
    assert [h["date"] for h in oldest if h["date"]] == sorted(dates)
    html = text(client.get("/search?q=beslutning&sort=oldest"))
    shown = re.findall(r'<p class="meta">[^·]*· ([^·]+) ·', html)
    assert shown and shown[0].strip().endswith("2013")


def test_pagination(client) -> None:  # noqa: ANN001
    total = client.get("/search.json?q=kommune*&per_item=1&limit=1000").get_json()["total"]
    assert total > 20
    first, second = text(client.get("/search?q=kommune*")), text(client.get("/search?q=kommune*&page=2"))
    assert 'rel="next"' in first and 'rel="prev"' in second
    titles = lambda h: re.findall(r'<li class="hit">\s*<h3><a href="([^"]+)"', h)  # noqa: E731
    assert titles(first) and not set(titles(first)) & set(titles(second))


def test_search_json_and_csv_match_the_cli(client) -> None:  # noqa: ANN001
    settings = web_settings()
    cli = CliRunner().invoke(main, ["--home", str(settings.home), "search", "lærepladser", "--json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.output)
    got = client.get("/search.json?q=lærepladser").get_json()
    assert got["total"] == expected["total"]
    assert [{k: h[k] for k in expected["hits"][0]} for h in got["hits"]] == expected["hits"]
    r = client.get("/search.csv?q=lærepladser")
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(r))))
    assert [(row["meeting_id"], row["item_number"], row["section"]) for row in rows] == \
        [(h["meeting_id"], h["item_number"], h["section"]) for h in expected["hits"]]


def test_meeting_page(client) -> None:  # noqa: ANN001
    html = text(client.get(f"/meeting/{AGENDA}"))
    assert "KKR Hovedstaden" in html and "16. juni 2026" in html
    assert f'href="/meeting/{AGENDA}/item/3.7"' in html
    assert f'href="/document/{sha256_of(BORN_DIGITAL)}"' in html
    minutes = text(client.get("/meeting/kkr-hovedstaden-2025-09-02"))
    present = re.search(r"<h3>Til stede \((\d+)\)</h3>", minutes)
    absent = re.search(r"<h3>Afbud \((\d+)\)</h3>", minutes)
    assert present and absent and int(present.group(1)) > 10 and int(absent.group(1)) > 0
    assert re.search(r"<li>[^<]+ \([A-ZØÅÆ]\), [^<]+ Kommune", minutes)  # name (party), municipality


def test_item_page_sections_in_order_with_page_links(client) -> None:  # noqa: ANN001
    html = text(client.get(f"/meeting/{AGENDA}/item/3.7?q=lærepladser"))
    assert "Fordeling af lærepladser" in html
    headings = re.findall(r'<h2 id="sec-\d+">([^<]+)', html)
    assert len(headings) >= 2
    sha = sha256_of(BORN_DIGITAL)
    assert re.search(rf'href="/document/{sha}/page/\d+\?q=l%C3%A6repladser"', html)
    assert 'href="/case/SAG-2026-00802"' in html
    assert "<mark>lærepladser</mark>" in html  # the query's words marked in the section text


def test_case_page_has_three_dated_decisions(client) -> None:  # noqa: ANN001
    r = client.get("/case/" + quote("12/27845", safe=""))
    assert r.status_code == 200
    html = text(r)
    decided = re.findall(r'<li class="decision"><strong>Beslutning ([^<]+)</strong>', html)
    assert decided == ["10. april 2013", "24. april 2013", "20. juni 2013"]
    assert client.get("/case/12/27845").status_code == 200  # unencoded slash too


def test_item_decisions_show_date_and_body(client) -> None:  # noqa: ANN001
    html = text(client.get("/meeting/udvalget-for-plan-udvikling-og-kultur-puk-2013-06-20/item/715"))
    assert "Udvalget for plan, udvikling og kultur (PUK)" in html
    assert "10. april 2013" in html and "20. juni 2013" in html
    assert 'class="side-by-side"' in html  # Indstilling next to Beslutning


def test_document_and_page_viewer(client) -> None:  # noqa: ANN001
    sha = sha256_of(BORN_DIGITAL)
    pdf = client.get(f"/document/{sha}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == BORN_DIGITAL.read_bytes()
    html = text(client.get(f"/document/{sha}/page/15?q=lærepladser"))
    assert f'href="/document/{sha}#page=15"' in html
    assert re.search(r"Markerede ord: <q>lærepladser</q> \(([1-9]\d*)\)", html)
    assert 'rel="prev"' in html and 'rel="next"' in html
    png = client.get(f"/document/{sha}/page/15.png?q=lærepladser")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    plain = client.get(f"/document/{sha}/page/15.png")
    assert plain.data != png.data  # the highlight is drawn
    assert client.get(f"/document/{sha}/page/15.png?q=lærepladser").data == png.data  # cached on disk
    cached = list((web_settings().cache_dir / "pages" / sha).glob("15-*.png"))
    assert len(cached) == 2


def test_english_interface(client) -> None:  # noqa: ANN001
    html = text(client.get("/search?q=lærepladser&lang=en"))
    assert '<html lang="en">' in html and "16 June 2026" in html and "results" in html
    html = text(client.get("/search?q=lærepladser", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert '<html lang="en">' in html
    html = text(client.get("/search?q=lærepladser", headers={"Accept-Language": "da,en;q=0.8"}))
    assert '<html lang="da">' in html


SHA = "0" * 64
BAD_REQUESTS = [
    ("/meeting/nope", 404), ("/meeting/..", 404), ("/meeting/%2E%2E%2Fetc", 404), ("/meeting/../../etc/passwd", 404),
    (f"/meeting/{AGENDA}/item/99.99", 404), (f"/meeting/{AGENDA}/item/..", 404),
    (f"/meeting/{AGENDA}/item/%2E%2E", 404),
    ("/case/NOPE-1", 404), ("/case/../../etc/passwd", 404), ("/case/%2E%2E%2F%2E%2E%2Fetc", 404),
    ("/case/" + "x" * 500, 404),
    (f"/document/{SHA}", 404), ("/document/../../etc/passwd", 404), ("/document/abc", 404),
    (f"/document/{SHA}/page/1", 404), (f"/document/{SHA}/page/1.png", 404), ("/document/%2E%2E/page/1", 404),
    ("/search?q=(lærepladser", 400), ('/search?q="unclosed', 400), ("/search?q=section:", 400), ("/search?q=OR", 400),
    ("/search?q=a&page=0", 400), ("/search?q=a&page=-1", 400), ("/search?q=a&page=99999999999999999999", 400),
    ("/search?q=a&page=x", 400), ("/search?q=a&sort=random", 400), ("/search?q=a&from=2025-13-01", 400),
    ("/search?q=a&from=2025-06-01&to=2025-01-01", 400), ("/search?q=a&kind=nope", 400), ("/search?q=a&year=abc", 400),
    ("/search?q=" + "a" * 400, 400), ("/search?q=a%00b", 400), ("/search.json?q=(", 400),
    ("/search.json?q=a&limit=0", 400),
    ("/search.csv?q=a&limit=100000", 400), ("/search.json", 400), ("/nowhere", 404), ("/static/../cli.py", 404),
]


@pytest.mark.parametrize(("url", "status"), BAD_REQUESTS)
def test_bad_input_is_a_danish_page(client, url: str, status: int) -> None:  # noqa: ANN001
    r = client.get(url)
    assert r.status_code == status, url
    assert r.mimetype == "text/html"
    html = text(r)
    assert '<html lang="da">' in html and ("Siden findes ikke" in html or "Ugyldig forespørgsel" in html)
    assert "Traceback" not in html and "File \"" not in html


def test_page_numbers_checked(client) -> None:  # noqa: ANN001
    sha = sha256_of(BORN_DIGITAL)
    pages = 22
    for n in (0, -1, pages + 1, 10**30):
        assert client.get(f"/document/{sha}/page/{n}").status_code == 404
        assert client.get(f"/document/{sha}/page/{n}.png").status_code == 404
    assert client.get(f"/document/{sha}/page/{pages}.png").status_code == 200


def test_read_only(client) -> None:  # noqa: ANN001
    assert client.post("/search?q=a").status_code == 405
    assert client.delete(f"/meeting/{AGENDA}").status_code == 405


def test_a_moved_pdf_is_a_404_not_a_500(tmp_path) -> None:  # noqa: ANN001
    from pipeline.config import Settings
    from pipeline.ingest import Services, ingest_paths

    copy = tmp_path / "moved.pdf"
    copy.write_bytes(CASE_REFERAT.read_bytes())
    settings = Settings.resolve(home=tmp_path / "H", env={}, quiet=True)
    services = Services.open(settings)
    ingest_paths([copy], services)
    services.index.close()
    copy.unlink()
    client = create_app(settings).test_client()
    sha = sha256_of(CASE_REFERAT)
    assert client.get(f"/document/{sha}").status_code == 404
    assert client.get(f"/document/{sha}/page/1.png").status_code == 404


def test_serve_command_binds_to_this_machine_by_default() -> None:
    serve = main.commands["serve"]
    defaults = {p.name: p.default for p in serve.params}
    assert defaults["host"] == "127.0.0.1" and defaults["port"] == 8000
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2  # port 0 is refused before anything is opened


def test_serve_answers_over_http() -> None:
    """`moedearkiv serve` as a user starts it: a real waitress server on a free local port."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen([sys.executable, str(root / "cli.py"), "--home", str(web_settings().home), "serve",
                               "--port", str(port)], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=l%C3%A6repladser", timeout=5) as r:
                    html = r.read().decode("utf-8")
                    assert r.headers["Content-Security-Policy"]
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("serve did not answer")
        assert "<mark>lærepladser</mark>" in html
    finally:
        server.terminate()
        server.wait(timeout=10)
