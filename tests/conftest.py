"""Shared fixtures: paths to the project's own fixtures and to the optional ../shared data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder; skips the test when it is absent."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not available")
    return data


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The project's own test fixtures."""
    return FIXTURES


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An invented analysis with every table filled: 3 stories of 4 documents (web-app tests)."""
    from storyline.web.sample import build_sample_db

    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    build_sample_db(db, stories=3, per_story=4)
    return db


@pytest.fixture(scope="module")
def client(sample_db: Path) -> Any:
    """A FastAPI test client on ``sample_db``, read-only."""
    from fastapi.testclient import TestClient

    from storyline.serve import create_app

    return TestClient(create_app(sample_db))
