"""Shared test fixtures: paths to the committed PDFs and one real archive built once per session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("MOEDEARKIV_SHARED", ROOT.parent / "shared"))


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found (the project's ../shared folder is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def pg_cluster():  # noqa: ANN201 - a tests.pg.Cluster, imported late
    """A throwaway PostgreSQL cluster for the session; skipped only where PostgreSQL is not installed."""
    from tests.pg import NoPostgres, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgres as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_url(pg_cluster, request: pytest.FixtureRequest) -> str:  # noqa: ANN001
    """A fresh, empty database in the session's cluster for one test."""
    import re

    name = re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())[:60]
    return pg_cluster.create_database(name)
