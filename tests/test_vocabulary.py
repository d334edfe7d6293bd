"""The archive's clean documents teach the repair their words and names (pipeline/vocabulary.py)."""
from __future__ import annotations

import re
import tempfile

import pytest

from parsers.repair import Repairer
from pipeline.config import Settings
from pipeline.ingest import Services, ingest_paths
from pipeline.vocabulary import archive_vocabulary, learnt_words
from tests.conftest import FIXTURES

# what an OCR without Danish writes for æ, ø, å (seed 001's commonest readings)
_ENGLISH_OCR = str.maketrans({"æ": "ae", "ø": "g", "å": "a", "Æ": "Ae", "Ø": "@", "Å": "A"})


def test_words_are_learnt_with_their_case_and_line_end_hyphens_joined() -> None:
    text = "Mødet i Isterødvejen 5 med\ufffelemmerne og borgme-\nsteren Løfstrøm, KKR, pa made (EØS)."
    assert learnt_words([text]) == {"Mødet", "Isterødvejen", "Løfstrøm"}


@pytest.fixture(scope="module")
def archive_home():  # noqa: ANN201
    with tempfile.TemporaryDirectory() as home:
        services = Services.open(Settings.resolve(home=home, workers=1))
        names = ("000.pdf", "002.pdf", "003.pdf", "001.pdf")  # three born-digital, then the damaged one
        results = ingest_paths([FIXTURES / "pdf" / name for name in names], services)
        assert [r.status for r in results] == ["ingested"] * len(names)
        yield services


def test_a_clean_documents_words_repair_their_damaged_spelling_elsewhere(archive_home: Services) -> None:
    vocabulary = archive_vocabulary(archive_home.archive)
    plain = Repairer.load()
    taught = Repairer.load(extra_vocabulary=vocabulary)
    unknown = sorted(w for w in vocabulary if plain.lexicon.score(w.lower(), w[0].isupper()) is None
                     and len(w) >= 6)
    assert len(unknown) >= 4, unknown  # the born-digital documents have words Debian's lists do not know
    # each in a sentence of a damaged document, as an English-model OCR would have written it
    sentence = "Sagen blev drgftet pa mgdet, hvor {} blev naevnt af formanden."
    fixed_plain = fixed_taught = 0
    for word in unknown:
        damaged = sentence.format(word.translate(_ENGLISH_OCR))
        want = sentence.format(word).replace("drgftet", "drøftet").replace("pa ", "på ").replace(
            "mgdet", "mødet").replace("naevnt", "nævnt")
        fixed_plain += plain.repair(damaged).text == want
        fixed_taught += taught.repair(damaged).text == want
    assert fixed_taught >= 0.8 * len(unknown) and fixed_taught > fixed_plain, (fixed_taught, fixed_plain, unknown)


def _pages(services: Services, meeting_id: str) -> list[tuple[int, str, str]]:
    """(number, source, text) of every page of the meeting's documents, as stored."""
    from sqlalchemy import select

    from storage.models import DocumentRow, PageRow

    with services.archive.sessions() as session:
        return [tuple(r) for r in session.execute(
            select(PageRow.number, PageRow.source, PageRow.text).join(DocumentRow)
            .where(DocumentRow.meeting_id == meeting_id))]


def test_a_repaired_documents_pages_teach_nothing(archive_home: Services) -> None:
    """001.pdf's pages were repaired: the words only they have are not learnt, nor its participants' names."""
    vocabulary = archive_vocabulary(archive_home.archive)
    repaired_id = next(m for m in archive_home.archive.meeting_ids() if "2025-09-02" in m)
    repaired = {n: text for n, source, text in _pages(archive_home, repaired_id) if source == "repaired"}
    assert len(repaired) > 20
    others = learnt_words(text for m in archive_home.archive.meeting_ids() if m != repaired_id
                          for _, _, text in _pages(archive_home, m))
    only_repaired = learnt_words(repaired.values()) - others
    assert len(only_repaired) > 50 and not only_repaired & vocabulary
    assert all(re.search("[æøåÆØÅ]", w) for w in vocabulary)
