"""Words and person names the archive's clean documents teach the OCR repair.

Debian's word lists know few place names, surnames and new compounds ('Isterødvejen', 'Løfstrøm',
'fordelingsnøgle'). A document that was born digital and needed no repair spells them right, so its words
are added to the repair lexicon (`Repairer.load(extra_vocabulary=...)`): a name spelt right in one document
then fixes its damaged spelling ('Lafstrgm') in another. Only words with æ, ø or å are learnt: those are the
only ones an OCR without Danish damages, and a damaged spelling never has them, so damage is never learnt.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from parsers.normalize import normalize_text
from storage.archive import Archive
from storage.models import DocumentRow, PageRow, ParticipantRow

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*")
_DANISH = re.compile("[æøåÆØÅ]")
_MIN_LENGTH = 3


def learnt_words(texts: Iterable[str]) -> set[str]:
    """Words with æ/ø/å as written (case kept: a capital marks a name), line-end hyphenation joined."""
    found: set[str] = set()
    for text in texts:
        for token in _WORD.findall(normalize_text(text)):
            for part in token.split("-"):
                if len(part) >= _MIN_LENGTH and _DANISH.search(part) and not part.isupper():
                    found.add(part)
    return found


def archive_vocabulary(archive: Archive, max_pages: int = 20_000) -> frozenset[str]:
    """The words of the archive's clean pages (a text layer that needed neither OCR nor repair, newest
    first, up to `max_pages`) and the participant names of documents no repair touched (a repair may have
    guessed a name wrong; Danish OCR and clean text layers write what is printed)."""
    with archive.sessions() as session:
        touched = select(PageRow.document_id).where(PageRow.source == "repaired")
        texts = session.scalars(select(PageRow.text).where(PageRow.source == "text")
                                .order_by(PageRow.document_id.desc(), PageRow.number).limit(max_pages))
        words = learnt_words(texts)
        touched_meetings = select(DocumentRow.meeting_id).where(DocumentRow.id.in_(touched),
                                                                DocumentRow.meeting_id.is_not(None))
        names = session.scalars(select(ParticipantRow.name)
                                .where(ParticipantRow.meeting_id.not_in(touched_meetings)))
        words |= learnt_words(names)
    return frozenset(words)
