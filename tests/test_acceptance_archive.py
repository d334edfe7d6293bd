"""The acceptance archive on a fast subset (born-digital files of fixtures/, no OCR): each file lands in the
meeting the hand count (tests/data/meeting/hand_count.json) gives it, with the role it gives, in either ingest
order. The whole archive (every PDF under fixtures/ and the real corpus) is checked by
tests/data/meeting/acceptance_archive.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT
from tests.data.meeting.acceptance_archive import compare, filed, hand_count

REAL = ROOT / "fixtures" / "real"
SUBSET = [REAL / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf",
          REAL / "dk_ballerup_sfu_2012-12-04_punkt01_meddelelser.pdf",
          REAL / "dk_ballerup_sfu_2012-12-04_punkt02_bygningsvedligeholdelse.pdf",
          REAL / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf",
          REAL / "dk_kkr-hovedstaden_2012_invitation_dialogmoede-2013-01-23.pdf",
          REAL / "dk_aarhus_byraad_2025-08-27_referat.pdf",
          REAL / "dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle.pdf",
          REAL / "dk_aarhus_sundhed-omsorg_2025-08-29_bilag_sager-paa-vej.pdf",
          REAL / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf",
          ROOT / "fixtures" / "pdf" / "000.pdf", ROOT / "fixtures" / "pdf" / "table-sosu-fordeling.pdf"]


def build(home: Path, paths: list[Path]) -> list[dict]:
    runner = CliRunner()
    for path in paths:  # one call per file: each arrival rebuilds the meetings it touches
        result = runner.invoke(main, ["--quiet", "--home", str(home), "ingest", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    listing = runner.invoke(main, ["--quiet", "--home", str(home), "meetings", "--json"], catch_exceptions=False)
    return json.loads(listing.stdout)["meetings"]


@pytest.mark.parametrize("order", ["given", "reversed"])
def test_subset_files_land_in_their_hand_counted_meetings(order: str, tmp_path: Path) -> None:
    paths = SUBSET if order == "given" else SUBSET[::-1]
    meetings = build(tmp_path, paths)
    expected = {p.name: hand_count()[p.name] for p in SUBSET}
    assert compare(meetings, expected, failed=set()) == []
    # the mapping itself: one record per hand-counted meeting, holding exactly that meeting's files
    by_hand: dict[str, set[str]] = {}
    for name, want in expected.items():
        by_hand.setdefault(want["meeting"] or name, set()).add(name)
    records = {frozenset(s["filename"] for s in m["sources"]) for m in meetings}
    assert records == {frozenset(names) for names in by_hand.values()}
    where = filed(meetings)
    ballerup = where["dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"].meeting_id
    assert ballerup == "sundheds-og-forebyggelsesudvalget-2012-12-04"
