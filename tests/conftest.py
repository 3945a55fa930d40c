"""Shared test helpers: where the repo and its fixtures are."""

import os
import tempfile
from pathlib import Path

import pytest

# Metrics of the test processes go to a folder of their own, never into the metrics of a running installation
# (set before any ingest module is imported: ingest.metrics picks its folder on import).
os.environ["INGEST_METRICS_DIR"] = tempfile.mkdtemp(prefix="ingest-test-metrics-")

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE_PAGE = FIXTURES / "zjgrrb-2020-06-25" / "page01.txt"


@pytest.fixture(scope="session")
def sample_page() -> Path:
    return SAMPLE_PAGE
