"""Opening a PDF safely: every way a file can be unusable becomes an InputFileError that says why."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.errors import DamagedPdfError, EmptyFileError, EncryptedPdfError, NotAPdfError


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
        raise DamagedPdfError(f"{path}: damaged PDF ({text.rstrip('.')})") from err
    if len(pdf) == 0:
        pdf.close()
        raise DamagedPdfError(f"{path}: damaged PDF (no pages could be read)")
    return pdf
