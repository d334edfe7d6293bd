"""Opening a PDF safely: every way a file can be unusable becomes an InputFileError that says why.

A repair hint is only given when it was seen to work: qpdf is tried on a copy of the damaged file, and the
hint names it only if pdfium can open qpdf's output.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import traceback
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.errors import DamagedPdfError, EmptyFileError, EncryptedPdfError, InputFileError, NotAPdfError

# packages whose exceptions, raised while reading a file, mean the file is bad, not that we have a bug
PDF_LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer", "PIL")
QPDF_SECONDS = 30


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open `path` with pdfium, or raise the InputFileError that explains what is wrong with it."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{path}: empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path}: not a PDF (no %PDF- header)")
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as err:
        text = str(err)
        if "password" in text.lower() or "security" in text.lower():
            raise EncryptedPdfError(f"{path}: encrypted PDF (password protected)") from err
        raise damaged(path, text.rstrip(".")) from err
    if len(pdf) == 0:
        pdf.close()
        raise damaged(path, "no pages could be read")
    return pdf


def damaged(path: Path, reason: str) -> DamagedPdfError:
    return DamagedPdfError(f"{path}: damaged PDF ({reason})", repair_hint(path))


def repair_hint(path: Path) -> str:
    """'qpdf IN OUT' if qpdf, tried just now, wrote a file pdfium can open; otherwise: fetch it again."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return "fetch it again"
    with tempfile.TemporaryDirectory(prefix="moedearkiv-qpdf-") as tmp:
        out = Path(tmp) / "repaired.pdf"
        try:
            proc = subprocess.run([qpdf, str(path), str(out)], capture_output=True, timeout=QPDF_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return "fetch it again"
        if proc.returncode in (0, 3) and out.is_file():  # 3: repaired with warnings
            try:
                with pdfium.PdfDocument(out) as pdf:
                    pages = len(pdf)
            except pdfium.PdfiumError:
                pages = 0
            if pages:
                return f"qpdf repairs it (tried): qpdf '{path}' OUT.pdf, then ingest OUT.pdf ({pages} pages)"
    return "fetch it again (qpdf could not repair it either)"


def library_failure(path: Path, err: Exception) -> InputFileError | None:
    """The file's InputFileError for an exception a PDF library raised on its content, or None for our own bugs.

    Judged by where it was raised: the innermost frame lies in pypdfium2, pdfplumber, pdfminer or Pillow."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return None
    innermost = Path(frames[-1].filename).parts
    if not any(part in PDF_LIBRARIES for part in innermost):
        return None
    reason = f"{type(err).__name__}: {str(err)[:200]}".rstrip(": ")
    return DamagedPdfError(f"{path}: damaged PDF, unreadable content ({reason})", "fetch it again")
