"""Storing one more document into archives of growing size: does a store's cost grow with the archive?

    .venv/bin/python bench/bench_store_scale.py [--sizes 250 1000 4000] [--probes 5] [--db URL] [--furniture]

One archive grows to each size in turn (synthetic documents stored as ingest stores them: four in five are
meeting documents of a body and date, with Bilag lists; one in five stands alone, with no body or date, as an
unnamed attachment or a scan whose cover the OCR lost). At each size, `--probes` new meeting documents and as
many new stand-alone ones are stored and timed one by one (CPU of this process, and wall: on PostgreSQL the
server's work is in the wall time only), then left in the archive. The figures are milliseconds per store
(median) and their ratio to the smallest size: a store that reads the whole archive grows with it, one that
reads only its own meeting's documents does not. For a national archive (a million documents) only the
second kind works.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.model import Item, Meeting, Page, Section  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import ensure_schema  # noqa: E402

BODIES = ["Økonomiudvalget", "Børne- og Skoleudvalget", "Teknik- og Miljøudvalget", "Byrådet",
          "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget", "Plan- og Boligudvalget"]


def vocabulary() -> list[str]:
    words: set[str] = set()
    for path in sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")):
        words |= {w for w in path.read_text(encoding="utf-8").split() if w.isalpha() and len(w) > 3}
    return sorted(words) or [f"ord{n}" for n in range(2000)]


# what every meeting document of a system prints (`--furniture`): headings, standard phrases, the decision line
FURNITURE = ("Sagsfremstilling Indstilling Forvaltningen indstiller at udvalget godkender forslaget Beslutning "
             "Godkendt som indstillet Fraværende ingen Bilag Økonomiske konsekvenser Sagen har ingen økonomiske "
             "konsekvenser for kommunen Til efterretning Lukket punkt Underskriftsblad Mødet hævet kl")


class Documents:
    """Synthetic documents, seeded: each one's text is its own draw of the vocabulary (with `furniture`, each
    page also carries the same standard lines, as real templates' documents do)."""

    def __init__(self, seed: int, furniture: bool = False) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.made = 0
        self.furniture = furniture

    def _text(self, n: int) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(n))

    def _page(self, n: int) -> str:
        return f"{FURNITURE} {self._text(n)}" if self.furniture else self._text(n)

    def next(self, standalone: bool) -> tuple[Path, str, list[Page], Meeting]:
        self.made += 1
        n = self.made
        pages = [Page(number=k + 1, text=self._page(250)) for k in range(4)]
        if standalone:
            meeting = Meeting(kind="andet")
        else:
            items = tuple(Item(number=str(i + 1), title=self._text(5),
                               sections=(Section(name="Sagsfremstilling", text=pages[i % 4].text[:800]),
                                         Section(name="Beslutning", text="Godkendt.")),
                               attachments=(f"Bilag {self._text(3)}",))
                          for i in range(6))
            date = f"{2010 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            meeting = Meeting(kind="dagsorden", body=self.rng.choice(BODIES), date=date, items=items)
        sha = f"{n:064x}"
        return Path(f"/bench/store-scale/doc-{n:07d}.pdf"), sha, pages, meeting


def store(archive: Archive, doc: tuple[Path, str, list[Page], Meeting]) -> tuple[float, float]:
    path, sha, pages, meeting = doc
    wall, cpu = time.perf_counter(), time.process_time()
    with archive.sessions.begin() as session:
        archive.add_document(session, path, sha, pages, meeting, {})
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000])
    parser.add_argument("--probes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", help="a database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--furniture", action="store_true",
                        help="every page also carries the same standard lines (their word pairs are in every document)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        url = args.db or f"sqlite:///{tmp}/archive.sqlite"
        engine = make_engine(url)
        ensure_schema(engine)
        archive = Archive(url, engine)
        docs = Documents(args.seed, args.furniture)
        base: dict[str, float] = {}
        for size in sorted(args.sizes):
            start = time.perf_counter()
            while docs.made < size:
                store(archive, docs.next(standalone=docs.made % 5 == 4))
            filled = time.perf_counter() - start
            row = [f"{size:>7} documents (filled in {filled:6.1f} s):"]
            for kind, standalone in (("meeting document", False), ("stand-alone", True)):
                timings = [store(archive, docs.next(standalone)) for _ in range(args.probes)]
                wall = statistics.median(t[0] for t in timings) * 1000
                cpu = statistics.median(t[1] for t in timings) * 1000
                base.setdefault(kind, wall)
                row.append(f"{kind} {wall:7.1f} ms wall {cpu:7.1f} ms CPU (x{wall / base[kind]:.1f})")
            print("  ".join(row), flush=True)
        archive.close()


if __name__ == "__main__":
    main()
