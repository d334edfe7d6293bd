"""Regressions of the acceptance archive (issue 9), on real born-digital PDFs, real SQLite and the real index.

- Two scans of Ballerup's building list (8 pages, and pages 1-2 of it) were both linked as bilag of item 2 and
  neither was marked a copy of the other: of two attachments of one meeting whose word pairs one holds the
  other's, the smaller is a copy. Shown here on born-digital text (an attachment and its first two pages, cut
  with qpdf), where the rule is the same and no OCR is needed.
- KKR's invitation, named word for word by Ballerup's item 1 ('Hvordan udvikler vi det nære sundhedsvæsen
  sammen?'), stood alone: the first date it gives is a reply-by date after the meeting, which vetoed the link.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT

REAL = ROOT / "fixtures" / "real"
AARHUS = REAL / "dk_aarhus_byraad_2025-08-27_referat.pdf"
EMAIL = REAL / "dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle.pdf"
BALLERUP = REAL / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"
INVITATION = REAL / "dk_kkr-hovedstaden_2012_invitation_dialogmoede-2013-01-23.pdf"


def ingest(home: Path, *paths: Path) -> dict[str, tuple[str, str, str | None]]:
    """File name -> (meeting id, role, item number) after ingesting `paths` one by one."""
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(main, ["--quiet", "--home", str(home), "ingest", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    listing = json.loads(runner.invoke(main, ["--quiet", "--home", str(home), "meetings", "--json"]).stdout)
    return {s["filename"]: (m["id"], s["role"], s.get("item_number"))
            for m in listing["meetings"] for s in m["sources"]}


@pytest.mark.parametrize("order", ["part first", "whole first"])
def test_part_of_an_attachment_is_its_copy_not_a_second_bilag(order: str, tmp_path: Path) -> None:
    part = tmp_path / "in" / "dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle_p1-2.pdf"
    part.parent.mkdir()
    subprocess.run(["qpdf", "--empty", "--pages", str(EMAIL), "1-2", "--", str(part)], check=True)
    files = [AARHUS, part, EMAIL] if order == "part first" else [AARHUS, EMAIL, part]
    roles = ingest(tmp_path / "home", *files)
    meeting = roles[AARHUS.name][0]
    assert roles[EMAIL.name][:2] == (meeting, "bilag")
    assert roles[part.name][:2] == (meeting, "copy")


def test_invitation_named_word_for_word_by_an_item_is_its_bilag(tmp_path: Path) -> None:
    roles = ingest(tmp_path, INVITATION, BALLERUP)
    assert roles[INVITATION.name] == (roles[BALLERUP.name][0], "bilag", "1")
