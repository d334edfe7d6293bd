"""A seeded set of hostile PDFs (and good ones mixed in) for the fuzz tests and bench/fuzz_ingest.py.

    .venv/bin/python tests/fuzz/make_fuzz.py OUT_DIR [--count 320] [--seed 10]

Each file is named `<nnn>-<kind>.pdf`; `good` files are unchanged copies of the born-digital fixtures and
must be ingested and searchable. The other kinds: byte flips, truncations, a broken xref, a huge page count,
a huge page, a huge image, deep nesting, a page of
millions of drawing objects (bomb), non-PDFs named .pdf, encrypted files. Same seed, same files.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for p in [*(ROOT / "fixtures" / "pdf").glob("00[0-4].pdf"),
                             *(ROOT / "fixtures" / "real").glob("*.pdf")] if "SCANNED" not in p.name)
SCANNED = sorted([*(ROOT / "fixtures" / "pdf").glob("*scan-p1-*.pdf"),  # scans of a few pages each
                  *(ROOT / "fixtures" / "real").glob("*SCANNED_p1-*")])


def build_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A well-formed PDF from object bodies (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def text_page_pdf(text: str, media: tuple[float, float] = (595, 842), count: int | None = None) -> bytes:
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [3 0 R] /Count {count or 1} >>".encode(),
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {media[0]} {media[1]}] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def image_pdf(width: int, height: int) -> bytes:
    """One page holding a grey image of width x height pixels (zeros compress to almost nothing)."""
    compressor = zlib.compressobj(9)
    row = bytes(width)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        _stream(data, f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
                      "/BitsPerComponent 8 /Filter /FlateDecode "),
    ])


def nested_pdf(depth: int) -> bytes:
    deep = b"[" * depth + b"]" * depth
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + deep + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"BT /F1 12 Tf 72 720 Td (" + b"(" * depth + b") Tj ET " + b"q " * depth),
    ])


def bomb_pdf(rng: random.Random) -> bytes:
    """One page drawn with hundreds of thousands of tiny text runs or rectangles (a few hundred KB compressed):
    cheap for pdfium, gigabytes as pdfminer objects in the table step."""
    runs = rng.choice([300_000, 1_000_000])
    op = rng.choice([b"1 0 Td (x) Tj ", b"0 0 1 1 re f "])
    content = zlib.compress(b"BT /F1 1 Tf " + op * runs + b"ET" if b"Tj" in op else op * runs, 9)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, "/Filter /FlateDecode "),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 32, 256])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: max(1, int(len(data) * rng.uniform(0.05, 0.98)))]


def broken_xref(data: bytes, rng: random.Random) -> bytes:
    where = data.rfind(b"startxref")
    if where < 0:
        return flip(data, rng)
    if rng.random() < 0.5:
        return data[:where] + b"startxref\n" + str(rng.randrange(10**7)).encode() + b"\n%%EOF\n"
    xref = data.rfind(b"\nxref")
    body = bytearray(data)
    for k in range(xref + 1, min(where, xref + 4000)):
        if 48 <= body[k] <= 57 and rng.random() < 0.3:
            body[k] = 48 + rng.randrange(10)
    return bytes(body)


def huge_count(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b"/Count ")
    if at < 0:
        return text_page_pdf("mange sider", count=2**31 - 1)
    end = at + 7
    while end < len(data) and data[end:end + 1].isdigit():
        end += 1
    return data[:at] + b"/Count " + str(rng.choice([10**6, 10**9, 2**31 - 1])).encode() + data[end:]


def not_pdf(rng: random.Random) -> bytes:
    return rng.choice([
        lambda: rng.randbytes(rng.randrange(1, 20000)),
        lambda: b"Dagsorden for udvalget\n" * rng.randrange(1, 500),
        lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000),
        lambda: b"PK\x03\x04" + rng.randbytes(5000),
        lambda: b"<html><body>404 Not Found</body></html>",
        lambda: b"%PDF-",
        lambda: b"%PDF-1.4\n" + rng.randbytes(rng.randrange(10, 50000)),
    ])()


def encrypted(source: Path, out: Path, rng: random.Random) -> bool:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return False
    password = f"hemmelig{rng.randrange(1000)}"
    proc = subprocess.run([qpdf, "--static-id", "--static-aes-iv", "--encrypt", password, password, "256", "--",
                           str(source), str(out)],
                          capture_output=True, check=False)
    return proc.returncode == 0


def mutate(kind: str, data: bytes, rng: random.Random) -> bytes:
    """The bytes of one file of `kind`, from the source file's `data`."""
    makers: dict[str, Callable[[], bytes]] = {
        "good": lambda: data, "scanned": lambda: data, "flip": lambda: flip(data, rng),
        "scanflip": lambda: flip(data, rng), "truncate": lambda: truncate(data, rng),
        "xref": lambda: broken_xref(data, rng), "count": lambda: huge_count(data, rng),
        "hugepage": lambda: text_page_pdf("stor side", media=(rng.choice([14400, 50000, 1e6]),) * 2),
        "hugeimage": lambda: image_pdf(rng.choice([20000, 40000]), rng.choice([20000, 40000])),
        "nested": lambda: nested_pdf(rng.choice([1000, 100000])),
        "notpdf": lambda: not_pdf(rng), "bomb": lambda: bomb_pdf(rng),
    }
    return makers[kind]()


KINDS: list[tuple[str, int]] = [  # (kind, weight)
    ("good", 14), ("flip", 30), ("truncate", 14), ("xref", 10), ("count", 5), ("hugepage", 3), ("hugeimage", 3),
    ("nested", 3), ("notpdf", 8), ("encrypted", 3), ("scanned", 1), ("scanflip", 1), ("bomb", 2),
]


def make(out_dir: Path, count: int, seed: int, with_scans: bool = True) -> list[Path]:
    """`count` files in `out_dir`; the first ones of each kind come early, so a small count has every kind."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds = [k for k, _ in KINDS if with_scans or "scan" not in k]
    weights = [w for k, w in KINDS if with_scans or "scan" not in k]
    made = []
    for n in range(count):
        kind = kinds[n] if n < len(kinds) else rng.choices(kinds, weights)[0]
        source = rng.choice(SCANNED if "scan" in kind else SOURCES)
        path = out_dir / f"{n:03d}-{kind}.pdf"
        data = source.read_bytes()
        if kind == "encrypted":
            if not encrypted(source, path, rng):
                path.write_bytes(flip(data, rng))
        else:
            path.write_bytes(mutate(kind, data, rng))
        made.append(path)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-scans", action="store_true", help="leave out scanned files (no OCR needed)")
    args = parser.parse_args(argv)
    made = make(args.out, args.count, args.seed, with_scans=not args.no_scans)
    print(f"wrote {len(made)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
