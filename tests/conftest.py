"""Shared fixtures: paths to the project's own fixtures and to the optional ../shared data."""

from __future__ import annotations

from pathlib import Path

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
