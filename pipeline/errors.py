"""One exception base class: each error carries an exit code and tells the user what to do."""
from __future__ import annotations


class MoedearkivError(Exception):
    """Base class. `str(err)` is a complete sentence for the user, with a hint where one helps."""

    exit_code = 1
    hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


class UsageError(MoedearkivError):
    exit_code = 2


class InputFileError(MoedearkivError):
    """A file that cannot be ingested; the batch goes on without it."""


class EmptyFileError(InputFileError):
    hint = "fetch or export it again"


class NotAPdfError(InputFileError):
    hint = "only PDF files can be ingested"


class EncryptedPdfError(InputFileError):
    hint = "decrypt it with qpdf --decrypt --password=PASSWORD IN.pdf OUT.pdf and ingest OUT.pdf"


class DamagedPdfError(InputFileError):
    hint = "try to repair it with qpdf IN.pdf OUT.pdf (or fetch it again) and ingest OUT.pdf"


class MissingDependencyError(MoedearkivError):
    """A program the pipeline needs (Tesseract, its Danish model) is not installed."""

    exit_code = 3


class OcrError(InputFileError):
    hint = "run tesseract by hand on the page to see why"


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the per-page limit: a huge or pathological page image."""

    hint = "raise the limit with MOEDEARKIV_OCR_TIMEOUT=SECONDS, or split the page out of the PDF with qpdf"
