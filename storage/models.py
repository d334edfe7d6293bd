"""SQLAlchemy 2 tables: documents and their pages, meetings with items, sections, participants."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class DocumentRow(Base):
    """One ingested (or failed) file. sha256 is what makes re-ingest a no-op."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # ingested | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    page_rows: Mapped[list[PageRow]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                    order_by="PageRow.number")
    # One meeting, one record: the document's own parse (JSON, as in the export) is kept, and the meeting it belongs
    # to is rebuilt from all its documents' parses whenever one is added or removed (storage/assemble.py).
    parsed: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    group_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)  # slug of body + date
    meeting_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)  # dagsorden|referat|item|copy|bilag|document
    item_number: Mapped[str | None] = mapped_column(String(20), nullable=True)


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # text | ocr | repaired
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    repairs: Mapped[int] = mapped_column(Integer, default=0)
    # OCR'd pages only: [[text, x0, y0, x1, y1], ...], fractions of the page, origin top-left (a viewer's highlights)
    words: Mapped[list | None] = mapped_column(JSON, nullable=True)
    document: Mapped[DocumentRow] = relationship(back_populates="page_rows")


class CopyKeyRow(Base):
    """A sampled word-pair hash of a document (pipeline.identity.copy_keys): looked up by key, it names the few
    documents a stand-alone document may be a copy of, so none has to be read that shares nothing with it."""

    __tablename__ = "copy_keys"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class DocumentWordRow(Base):
    """A long word of a document's file name or first lines (storage/bilag_link.py): a meeting's Bilag titles
    are matched only against the stand-alone documents sharing one of their words."""

    __tablename__ = "document_words"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class AttachmentWordRow(Base):
    """A long word of an item's Bilag titles: a stand-alone document is matched only against the items sharing
    one of its words (storage/bilag_link.py)."""

    __tablename__ = "attachment_words"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    # the primary document: the one whose text the export shows
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    body: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    date: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    start_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    location: Mapped[str | None] = mapped_column(Text, nullable=True)
    municipality: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    toc: Mapped[list] = mapped_column(JSON, default=list)
    tables: Mapped[list] = mapped_column(JSON, default=list)  # tables outside items: [{"page", "rows"}]
    document: Mapped[DocumentRow | None] = relationship()
    items: Mapped[list[ItemRow]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                order_by="ItemRow.position")
    participants: Mapped[list[ParticipantRow]] = relationship(cascade="all, delete-orphan",
                                                              order_by="ParticipantRow.position")


class ItemRow(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    heading: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    case_initials: Mapped[str | None] = mapped_column(String(100), nullable=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    page_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    page_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    tables: Mapped[list] = mapped_column(JSON, default=list)
    sources: Mapped[list] = mapped_column(JSON, default=list)  # sha256 of every document that holds the item
    meeting: Mapped[MeetingRow] = relationship(back_populates="items")
    sections: Mapped[list[SectionRow]] = relationship(cascade="all, delete-orphan", order_by="SectionRow.position")


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), index=True)
    heading: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    page_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    page_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_on: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)  # Beslutning only
    decided_by: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source: Mapped[str | None] = mapped_column(String(64), nullable=True)  # sha256 of the text's document


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    party: Mapped[str | None] = mapped_column(String(10), nullable=True)
    municipality: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    substitute_for: Mapped[str | None] = mapped_column(String(300), nullable=True)
    role: Mapped[str | None] = mapped_column(String(100), nullable=True)


class OcrPageRow(Base):
    """One page of a large scan, read by a queue page job (pipeline/page_jobs.py): by sha256 and page number, so a
    retried job never stores a page twice; the document job that assembles the file reads them instead of OCR."""

    __tablename__ = "ocr_pages"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    lines: Mapped[list] = mapped_column(JSON)  # the fields of parsers.model.Line, in order, per line
    words: Mapped[list] = mapped_column(JSON)  # [text, x0, y0, x1, y1] per word
    worker: Mapped[str] = mapped_column(String(200), default="")  # host:pid that read it
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IndexStateRow(Base):
    """Which engines' indexes hold the database's current content (one row per engine that was built)."""

    __tablename__ = "index_state"
    engine: Mapped[str] = mapped_column(String(20), primary_key=True)
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str] = mapped_column(Text, default="")  # the index folder (Whoosh, Tantivy) or table
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
