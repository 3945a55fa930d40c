"""An operator's error is printed as the program wrote it, and ends with the input's exit code."""

import subprocess
import sys

from ingest.cli.app import EXIT_INPUT
from tests.conftest import REPO


def test_a_refused_page_prints_its_message_whole_square_brackets_included():
    # The real 桂林日报 page list (tests/fixtures/real_pages/glrb/): refused, and its advice names "[site]",
    # which a console reading markup would swallow.
    page = "tests/fixtures/real_pages/glrb/Page01BC.htm"
    r = subprocess.run([sys.executable, "-m", "ingest", "parse", page], cwd=REPO, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == EXIT_INPUT, r.stderr
    assert f"error: {page}: an e-paper page list of a platform no site family reads" in r.stderr
    assert "give the paper a [site] family that fits" in r.stderr
