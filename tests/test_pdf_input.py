"""Bad input: every unusable file is named with its reason (regression PDFs in fixtures/bad/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import DamagedPdfError, EmptyFileError, EncryptedPdfError, NotAPdfError
from pipeline.pdf import open_pdf

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"


@pytest.mark.parametrize(("name", "error", "hint"), [
    ("empty.pdf", EmptyFileError, "0 bytes"),
    ("not-a-pdf.pdf", NotAPdfError, "not a PDF"),
    ("encrypted.pdf", EncryptedPdfError, "qpdf --decrypt"),
    ("truncated.pdf", DamagedPdfError, "qpdf could not repair it either"),  # tried: no trailer to recover
    ("garbage-header.pdf", DamagedPdfError, "damaged"),
])
def test_bad_pdf_is_reported_with_path_and_reason(name: str, error: type, hint: str) -> None:
    with pytest.raises(error) as caught:
        open_pdf(BAD / name)
    message = str(caught.value)
    assert str(BAD / name) in message
    assert hint in message


def test_good_pdf_opens(fixtures_dir: Path) -> None:
    pdf = open_pdf(fixtures_dir / "pdf" / "000.pdf")
    assert len(pdf) > 10
    pdf.close()


def test_qpdf_hint_only_when_qpdf_repairs_the_file(tmp_path: Path, fixtures_dir: Path) -> None:
    """A broken xref offset that qpdf can rebuild: the hint names qpdf because it was seen to work."""
    import shutil

    if shutil.which("qpdf") is None:
        pytest.skip("qpdf not installed")
    data = (fixtures_dir / "pdf" / "000.pdf").read_bytes()
    where = data.rfind(b"startxref")
    broken = tmp_path / "broken-xref.pdf"
    broken.write_bytes(data[:where] + b"startxref\n999999999\n%%EOF\n")
    try:
        open_pdf(broken).close()
    except DamagedPdfError as err:
        assert "qpdf repairs it (tried)" in str(err)
    # pdfium may recover the xref itself; then there is nothing to hint
