"""Copy candidates from stored keys (revision 0004), on SQLite and PostgreSQL: a stand-alone document is compared
only with the meeting documents that share its sampled word-pair keys, never with every one.

Real page text (a real PDF's text layer), the real archive and database; documents are staged through
`Archive.add_document` with a hand-made parse so that which meeting they belong to is decided by the keys alone.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text

from parsers.model import Meeting, Page
from pipeline.identity import COMMON_KEY, copy_keys, shingles
from storage.archive import Archive
from storage.migrate import _config
from storage.models import CopyKeyRow, DocumentRow
from tests.conftest import ROOT

REFERAT = ROOT / "fixtures" / "real" / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"
OTHER = ROOT / "fixtures" / "real" / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


def pages_of(path: Path, first: int = 1, last: int = 999) -> list[Page]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [Page(number=n + 1, text=pdf[n].get_textpage().get_text_range(), source="text")
                for n in range(first - 1, min(last, len(pdf)))]
    finally:
        pdf.close()


def add(archive: Archive, name: str, pages: list[Page], body: str | None = None, date: str | None = None) -> str:
    with archive.sessions.begin() as session:
        sha = hashlib.sha256(name.encode() + "".join(p.text for p in pages).encode()).hexdigest()
        change = archive.add_document(session, Path("/in") / name, sha, pages,
                                      Meeting(kind="referat" if body else "andet", body=body, date=date), {})
        return change.meeting_id or ""


def role_of(archive: Archive, name: str) -> tuple[str | None, str | None]:
    with archive.sessions() as session:
        row = session.scalar(select(DocumentRow).where(DocumentRow.filename == name))
        return row.meeting_id, row.role


def test_a_piece_without_date_joins_the_meeting_whose_keys_it_shares(url: str) -> None:
    archive = Archive(url)
    meeting = add(archive, "referat.pdf", pages_of(REFERAT), "Sundheds- og Forebyggelsesudvalget", "2012-12-04")
    add(archive, "other.pdf", pages_of(OTHER), "Udvalget for plan, udvikling og kultur", "2013-06-20")
    add(archive, "piece.pdf", pages_of(REFERAT, 6, 9))  # four inner pages, no cover: no body, no date
    assert role_of(archive, "piece.pdf") == (meeting, "copy")
    with archive.sessions() as session:
        piece = session.scalar(select(DocumentRow).where(DocumentRow.filename == "piece.pdf"))
        stored = set(session.scalars(select(CopyKeyRow.key).where(CopyKeyRow.document_id == piece.id)))
        assert stored == copy_keys(shingles("\n".join(p.text for p in pages_of(REFERAT, 6, 9))))
        found = archive._key_candidates(session, piece.id, frozenset(stored))
        assert [d.filename for d in found] == ["referat.pdf"]  # the other meeting's document is never read
    archive.close()


def test_a_document_sharing_nothing_stays_on_its_own(url: str) -> None:
    archive = Archive(url)
    add(archive, "referat.pdf", pages_of(REFERAT), "Sundheds- og Forebyggelsesudvalget", "2012-12-04")
    add(archive, "notes.pdf", pages_of(OTHER, 2, 4))
    assert role_of(archive, "notes.pdf") == ("notes", "document")
    archive.close()


def test_boilerplate_keys_held_by_many_documents_prove_nothing(tmp_path: Path) -> None:
    """A page every meeting of a body prints (held by more than COMMON_KEY documents) is no evidence of which
    meeting a piece is from; a page of one meeting's own text is."""
    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    shared = pages_of(REFERAT, 1, 1)[0].text
    inner = [p.text for p in pages_of(REFERAT, 2, 15)] + [p.text for p in pages_of(OTHER)]
    for n in range(COMMON_KEY + 1):
        own = inner[n % len(inner)] if n < len(inner) else f"møde nummer {n}"
        add(archive, f"m{n}.pdf", [Page(1, shared, "text"), Page(2, own, "text")], "Udvalget",
            f"{2000 + n // 12}-{n % 12 + 1:02d}-01")
    add(archive, "cover.pdf", [Page(1, shared, "ocr")])
    assert role_of(archive, "cover.pdf")[1] == "document"
    add(archive, "cover-and-page.pdf", [Page(1, shared, "ocr"), Page(2, inner[3], "ocr")])
    with archive.sessions() as session:
        wanted = session.scalar(select(DocumentRow.meeting_id).where(DocumentRow.filename == "m3.pdf"))
    assert role_of(archive, "cover-and-page.pdf") == (wanted, "copy")
    archive.close()


def test_upgrade_to_0004_gives_stored_documents_their_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    engine = create_engine(url)
    body = pages_of(REFERAT, 2, 3)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0003")
        doc_id = conn.execute(text(
            "INSERT INTO documents (path, filename, sha256, pages, status, ingested_at) "
            "VALUES ('/in/a.pdf', 'a.pdf', :sha, 2, 'ingested', CURRENT_TIMESTAMP) RETURNING id"),
            {"sha": "cd" * 32}).scalar()
        for page in body:
            conn.execute(text("INSERT INTO pages (document_id, number, source, text, raw_text, repairs) "
                              "VALUES (:d, :n, 'text', :t, :t, 0)"), {"d": doc_id, "n": page.number, "t": page.text})
        command.upgrade(_config(conn), "head")
        keys = set(conn.execute(text("SELECT key FROM copy_keys WHERE document_id = :d"), {"d": doc_id}).scalars())
        assert conn.execute(select(func.count()).select_from(CopyKeyRow.__table__)).scalar() == len(keys)
    engine.dispose()
    assert keys and keys == copy_keys(shingles("\n".join(p.text for p in body)))
