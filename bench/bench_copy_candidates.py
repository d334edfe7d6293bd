"""Copy detection of a stand-alone document: the stored-key candidate lookup against reading every meeting
document (what the archive did before revision 0004), on archives of growing size, in the same run.

    .venv/bin/python bench/bench_copy_candidates.py [--sizes 50 200 800 3200] [--db URL]

Each archive holds N meeting documents of about 1,500 words drawn from the words of the fixtures' real text,
all beginning with the same boilerplate page (as every meeting of one body does), with their pages and copy
keys stored as ingest stores them. The lookup is for a piece of one of them (two of its pages, no date of its
own). Both methods must find that document's meeting; the figures are milliseconds per lookup (median of
several) and their ratio. `--db` runs it on PostgreSQL (a throwaway database: its tables are dropped first).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from pipeline.identity import PIECE_CONTAINMENT, copy_keys, piece_containment, shingles, words  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.models import Base, CopyKeyRow, DocumentRow, PageRow  # noqa: E402

PAGE_WORDS = 300
PAGES = 5


def vocabulary() -> list[str]:
    """Real Danish words of the fixtures' text layers (the parses of the golden tests)."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests" / "data").rglob("*.json"))[:60]:
        found |= words(path.read_text(encoding="utf-8", errors="ignore"))
    return sorted(w for w in found if w.isalpha())


def fill(archive: Archive, n: int, vocab: list[str], rng: random.Random) -> str:
    """n meeting documents; returns the page text of a piece (pages 3-4) of the middle one."""
    boilerplate = " ".join(rng.choice(vocab) for _ in range(PAGE_WORDS))
    piece = ""
    with archive.sessions.begin() as session:
        for i in range(n):
            pages = [boilerplate] + [" ".join(rng.choice(vocab) for _ in range(PAGE_WORDS)) for _ in range(PAGES - 1)]
            doc = DocumentRow(path=f"/bench/{i}.pdf", filename=f"{i}.pdf", sha256=f"{i:064x}", pages=PAGES,
                              status="ingested", group_key=f"body-{i}", meeting_id=f"body-{i}", role="referat")
            doc.page_rows = [PageRow(number=k + 1, source="text", text=t, raw_text=t, repairs=0)
                             for k, t in enumerate(pages)]
            session.add(doc)
            session.flush()
            keys = copy_keys(shingles("\n".join(pages)))
            session.execute(insert(CopyKeyRow), [{"document_id": doc.id, "key": k} for k in sorted(keys)])
            if i == n // 2:
                piece = "\n".join(pages[2:4])
    return piece


def scan_all(archive: Archive, piece: DocumentRow) -> str | None:
    """The method before revision 0004: every meeting document's text is read and compared."""
    with archive.sessions() as session:
        mine = shingles("\n".join(p.text for p in piece.page_rows))
        best = None
        for other in session.scalars(select(DocumentRow).where(DocumentRow.group_key.is_not(None),
                                                               DocumentRow.status == "ingested")):
            score = piece_containment(mine, shingles("\n".join(p.text for p in other.page_rows)))
            if score >= PIECE_CONTAINMENT and (best is None or score > best[0]):
                best = (score, other.group_key)
        return best[1] if best else None


def lookup(archive: Archive, piece_id: int) -> str | None:
    with archive.sessions() as session:
        return archive._copy_of(session, session.get(DocumentRow, piece_id))


def timed(func, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 800, 3200])
    parser.add_argument("--db", help="SQLAlchemy URL of a throwaway database (default: SQLite in a temp folder)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scan-up-to", type=int, default=1000,
                        help="read-everything baseline only up to this N (it takes minutes beyond)")
    args = parser.parse_args()
    vocab = vocabulary()
    print(f"vocabulary {len(vocab)} words; documents of {PAGES} pages x {PAGE_WORDS} words, page 1 shared by all")
    print(f"{'N':>6} {'scan all ms':>12} {'key lookup ms':>14} {'ratio':>7}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{tmp}/bench.sqlite"
            archive = Archive(url)
            if args.db:  # a throwaway database: start empty
                with archive.engine.begin() as conn:
                    for table in reversed(Base.metadata.sorted_tables):
                        conn.execute(table.delete())
            piece_text = fill(archive, n, vocab, random.Random(n))
            with archive.sessions.begin() as session:
                piece = DocumentRow(path="/bench/piece.pdf", filename="piece.pdf", sha256="f" * 64, pages=2,
                                    status="ingested")
                piece.page_rows = [PageRow(number=1, source="ocr", text=piece_text, raw_text=piece_text, repairs=0)]
                session.add(piece)
                session.flush()
                session.execute(insert(CopyKeyRow), [{"document_id": piece.id, "key": k}
                                                     for k in sorted(copy_keys(shingles(piece_text)))])
                piece_id = piece.id
            with archive.sessions() as session:
                row = session.get(DocumentRow, piece_id)
                row.page_rows  # noqa: B018 - loaded before the session closes
            t_scan, found_scan = (timed(partial(scan_all, archive, row), max(1, args.repeat // 2))
                                  if n <= args.scan_up_to else (float("nan"), f"body-{n // 2}"))
            t_keys, found_keys = timed(partial(lookup, archive, piece_id), args.repeat)
            want = f"body-{n // 2}"
            if found_scan != want or found_keys != want:
                raise SystemExit(f"N={n}: expected {want}, scan found {found_scan}, key lookup {found_keys}")
            print(f"{n:6d} {t_scan:12.1f} {t_keys:14.2f} {t_scan / t_keys:7.1f}")
            archive.close()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
