"""`moedearkiv normalize`: the repair acceptance figures, through the command line."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_or_skip


def normalize(path: Path, home: Path, *options: str) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--home", str(home), "normalize", *options,
                           str(path)], capture_output=True, text=True, check=True, timeout=120)
    return proc.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def test_normalize_repairs_seed_001_to_the_acceptance_figures(home: Path, tmp_path: Path) -> None:
    damaged = next(shared_or_skip("seeds").glob("001_*.txt"))
    repaired = tmp_path / "r.txt"
    repaired.write_text(normalize(damaged, home), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("score", shared_or_skip("eval", "score.py"))
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    pairs = json.loads(shared_or_skip("gold", "001_repairs.json").read_text(encoding="utf-8"))
    result = score.repairs(damaged.read_text(encoding="utf-8"), repaired.read_text(encoding="utf-8"), pairs)
    assert result["damaged_fixed"] >= 0.97, result["examples_missed"]
    assert result["correct_kept"] >= 0.995


@pytest.mark.parametrize("seed", ["000", "002", "003"])
def test_normalize_leaves_clean_danish_alone(seed: str, home: Path) -> None:
    source = next(shared_or_skip("seeds").glob(f"{seed}_*.txt"))
    before = source.read_text(encoding="utf-8").split()
    after = normalize(source, home).split()
    assert len(after) == len(before)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert changed <= len(before) / 2000, changed


def test_normalize_join_mends_line_end_hyphens(home: Path, tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Referat af mgde er udsendt til med-\nlemmerne via KKR-\nformandskabet.\n", encoding="utf-8")
    assert normalize(text, home, "--join").strip() == \
        "Referat af møde er udsendt til medlemmerne via KKR-formandskabet."
