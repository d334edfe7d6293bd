"""A born-digital benchmark batch: varied agenda text from the seeds, rendered as the fixtures are.

Each document takes one seed, gives it a date of its own (so every document is a meeting of its own, as in
a real archive), swaps the body's municipality, shuffles the sentences of its longer paragraphs and renders
it with one of a few type sizes (fixtures/make_fixtures.py's renderer). Seeded: the same arguments give the
same files, so a batch folder is reused between runs.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

import make_fixtures  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
MUNICIPALITIES = ("Ballerup", "Aarhus", "Syddjurs", "Odense", "Vejle", "Esbjerg", "Holbæk", "Næstved", "Gribskov",
                  "Frederikssund", "Hjørring", "Viborg", "Sønderborg", "Køge", "Roskilde", "Aalborg")
_DATE = re.compile(r"\b(\d{1,2})[-.](\d{1,2})[-.](\d{4})\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def seed_texts() -> list[str]:
    found = sorted(SEEDS.glob("*.txt")) or sorted((ROOT / "tests" / "data").rglob("seed*.txt"))
    if not found:
        raise SystemExit(f"no seed texts in {SEEDS}")
    return [p.read_text(encoding="utf-8") for p in found]


def vary(text: str, rng: random.Random, date: dt.date) -> str:
    """The seed with its meeting date moved to `date`, another municipality, and shuffled long paragraphs."""
    first = _DATE.search(text)
    shift = (date - dt.date(int(first.group(3)), int(first.group(2)), int(first.group(1)))) if first else None

    def move(match: re.Match[str]) -> str:
        try:
            old = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return match.group(0)
        new = old + shift if shift is not None else date
        return new.strftime("%d-%m-%Y")

    text = _DATE.sub(move, text)
    town = rng.choice(MUNICIPALITIES)
    text = re.sub(r"\b(Hovedstaden|Ballerup|Aarhus|Syddjurs)\b", town, text)
    lines = []
    for line in text.splitlines():
        parts = _SENTENCE.split(line) if len(line) > 120 and "\t" not in line else [line]
        if len(parts) > 2:
            rng.shuffle(parts)
            line = " ".join(parts)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _render(job: tuple[str, Path, float]) -> int:
    text, out, body_pt = job
    source = out.with_suffix(".txt")
    source.write_text(text, encoding="utf-8")
    pages = make_fixtures.render_seed(source, out, make_fixtures.Style(body_pt=body_pt))
    source.unlink()
    return pages


def _jobs(folder: Path, pages: int, seed: int) -> list[tuple[str, Path, float]]:
    """Enough documents for `pages` (estimated from each seed's page count), in a stable order."""
    rng = random.Random(seed)
    texts = seed_texts()
    estimates = [max(1, len(make_fixtures.seed_pages(t))) for t in texts]
    jobs, total, day = [], 0, dt.date(2010, 1, 4)
    while total < pages:
        choice = rng.randrange(len(texts))
        day += dt.timedelta(days=rng.randint(1, 9))
        jobs.append((vary(texts[choice], rng, day), folder / f"doc-{len(jobs):04d}.pdf",
                     rng.choice((9.5, 10.0, 10.5, 11.0))))
        total += estimates[choice]
    return jobs


def make_batch(folder: Path, pages: int, seed: int) -> list[Path]:
    """The batch's PDFs (made once, then reused), at least `pages` pages in all."""
    done = folder / "DONE"
    if done.exists():
        return sorted(folder.glob("doc-*.pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    jobs = _jobs(folder, pages, seed)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_render, jobs))
    done.write_text(str(len(jobs)))
    return [out for _, out, _ in jobs]


def make_long_pdf(out: Path, pages: int, seed: int) -> Path:
    """One PDF of at least `pages` pages: varied seeds one after another, as a long referat with bilag."""
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    texts = seed_texts()
    parts, total = [], 0
    day = dt.date(2019, 3, 5)
    while total < pages:
        text = vary(rng.choice(texts), rng, day)
        parts.append(text)
        total += len(make_fixtures.seed_pages(text))
    _render(("\n".join(parts), out, 10.0))
    return out
