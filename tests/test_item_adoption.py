"""An item PDF whose own heading names another body joins the meeting of its date that has that item.

Both orders: the meeting first (the item PDF finds its home when it is stored) and the item PDF first (the
meeting, when it comes, adopts it). Stored through the archive on a real SQLite file, among decoys of the same
date whose item does not match, and of another date whose item does.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from parsers.model import Item, Meeting, Page, Section
from storage.archive import Archive
from storage.engine import make_engine
from storage.migrate import ensure_schema
from storage.models import DocumentRow

DATE = "2024-03-12"
TITLES = ("Budgetopfølgning pr. 31. januar", "Udbud af vejbelysning i Nordbyen", "Ny skolestruktur i midtbyen",
          "Lokalplan for boliger ved havnen")


def _item(number: int, title: str) -> Item:
    return Item(number=str(number), title=title,
                sections=(Section(name="Sagsfremstilling", text=f"Sagen om {title.lower()} forelægges."),))


def _documents() -> dict[str, tuple[Meeting, str]]:
    full = Meeting(kind="referat", body="Økonomiudvalget", date=DATE,
                   items=tuple(_item(n, t) for n, t in enumerate(TITLES, start=1)))
    return {
        "full": (full, "Referat fra Økonomiudvalgets møde. " * 20),
        # item 3 of that meeting, printed for the council it was sent on to: another body in its heading
        "item": (Meeting(kind="dagsorden", body="Byrådet", date=DATE, items=(_item(3, TITLES[2]),)),
                 "Punkt 3 oversendt til Byrådet. " * 20),
        # same date and number, another item: stays where it is
        "other": (Meeting(kind="dagsorden", body="Kultur- og Fritidsudvalget", date=DATE,
                          items=(_item(3, "Tilskud til foreningernes lokaler"),)), "Kulturudvalgets punkt. " * 20),
        # the same item on another date: stays where it is
        "later": (Meeting(kind="dagsorden", body="Byrådet", date="2024-04-09", items=(_item(3, TITLES[2]),)),
                  "Byrådets punkt en måned senere. " * 20),
    }


def _store(archive: Archive, name: str, meeting: Meeting, text: str) -> None:
    with archive.sessions.begin() as session:
        archive.add_document(session, Path(f"/archive/{name}.pdf"), name.encode().hex().ljust(64, "0"),
                             [Page(number=1, text=text)], meeting, {})


@pytest.mark.parametrize("order", [("full", "other", "later", "item"), ("item", "other", "later", "full")],
                         ids=["meeting-first", "item-first"])
def test_an_item_pdf_of_another_body_joins_the_meeting_with_that_item(tmp_path: Path, order: tuple[str, ...]) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    engine = make_engine(url)
    ensure_schema(engine)
    archive = Archive(url, engine)
    documents = _documents()
    for name in order:
        _store(archive, name, *documents[name])
    with archive.sessions() as session:
        filed = {Path(r.path).stem: r.meeting_id for r in session.scalars(select(DocumentRow))}
    archive.close()
    assert filed["item"] == filed["full"]
    assert len({filed["full"], filed["other"], filed["later"]}) == 3
