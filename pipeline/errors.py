"""One exception base class: each error carries an exit code and tells the user what to do.

Only the CLI (`cli.py`) turns these into a line on stderr and an exit code; library code raises them.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes of every command (README, "Exit codes")."""

    OK = 0
    FAILED = 1  # some file failed (the rest is ingested), or an unknown meeting id
    USAGE = 2  # a usage error, a bad setting, a query with bad syntax, an index that needs `reindex`
    MISSING_DEPENDENCY = 3  # a program the pipeline needs is not installed
    BUSY = 4  # another moedearkiv is writing to the data folder
    INTERNAL = 70  # a bug (EX_SOFTWARE): the message asks for a report
    INTERRUPTED = 130  # SIGINT or SIGTERM


class MoedearkivError(Exception):
    """Base class. `str(err)` is a complete sentence for the user, with a hint where one helps."""

    exit_code: ExitCode = ExitCode.FAILED
    hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


class UsageError(MoedearkivError):
    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A setting (option or environment variable) that cannot be used."""


class IndexOutdatedError(UsageError):
    """The index on disk was built by another version; the database still holds everything."""

    hint = "rebuild it from the database with: moedearkiv reindex"


class InputFileError(MoedearkivError):
    """A file that cannot be ingested; the batch goes on without it."""


class EmptyFileError(InputFileError):
    hint = "fetch or export it again"


class NotAPdfError(InputFileError):
    hint = "only PDF files can be ingested"


class EncryptedPdfError(InputFileError):
    hint = "decrypt it with qpdf --decrypt --password=PASSWORD IN.pdf OUT.pdf and ingest OUT.pdf"


class DamagedPdfError(InputFileError):
    hint = "fetch it again; a repair with qpdf IN.pdf OUT.pdf may work for some damage"


class TooLargeError(InputFileError):
    """A page or file over one of the per-page limits (pixels, text size, pages, time)."""

    hint = "split it and ingest the parts: qpdf IN.pdf --pages . 1-100 -- PART.pdf (pages 1-100)"


class MissingDependencyError(MoedearkivError):
    """A program the pipeline needs (Tesseract, its Danish model) is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class OcrError(InputFileError):
    hint = "run tesseract by hand on the page to see why"


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the per-page limit: a huge or pathological page image."""

    hint = "raise the limit with MOEDEARKIV_OCR_TIMEOUT=SECONDS, or split the page out of the PDF with qpdf"


class WriterBusyError(MoedearkivError):
    """Another process holds the data folder's write lock for longer than we wait."""

    exit_code = ExitCode.BUSY
    hint = "wait for it to finish (or raise MOEDEARKIV_LOCK_TIMEOUT) and run the command again"


class Interrupted(MoedearkivError):
    """SIGINT or SIGTERM: the file being ingested is not recorded as failed, it is simply not done."""

    exit_code = ExitCode.INTERRUPTED
    hint = "run the same command again to carry on (finished files are skipped)"
