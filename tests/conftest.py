"""Shared test helpers: where the repo and its fixtures are."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE_PAGE = FIXTURES / "zjgrrb-2020-06-25" / "page01.txt"


@pytest.fixture(scope="session")
def sample_page() -> Path:
    return SAMPLE_PAGE
