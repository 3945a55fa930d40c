"""Every input of the generated bad-input corpus (tests/fixtures/bad_inputs.py) through `ingest parse FILE
--json`, as an operator runs it, under a 2 GB address-space cap: good JSON, or exit 1 with one short line
naming the input. Never a traceback, never a hang (each input has its own timeout)."""

import json
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures.bad_inputs import write_corpus

# Some 45 CLI runs of a second or more of CPU each (most of it starting Python): longer than one test may take.
pytestmark = pytest.mark.timeout(1800)

ADDRESS_SPACE = 2 * 1024 ** 3
TIMEOUT_S = 120  # a hang, not a speed target: the machine running the tests may be loaded


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_cli(*args: str, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], check=False, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_cap_memory, cwd=Path(__file__).resolve().parents[2])


def _parse(path: Path) -> tuple[Path, subprocess.CompletedProcess[str] | None]:
    try:
        return path, run_cli("parse", str(path), "--json")
    except subprocess.TimeoutExpired:
        return path, None


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    paths = write_corpus(tmp_path_factory.mktemp("bad"))
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(_parse, paths))


def test_every_bad_input_ends_in_json_or_one_line_naming_it(outcomes):
    assert len(outcomes) > 30
    hung = [path.name for path, proc in outcomes if proc is None]
    assert not hung, f"no outcome within {TIMEOUT_S} s: {hung}"
    for path, proc in outcomes:
        assert "Traceback" not in proc.stderr, (path.name, proc.stderr[-2000:])
        if proc.returncode == 0:
            edition = json.loads(proc.stdout)
            assert set(edition) >= {"paper", "date", "articles", "warnings"}, path.name
            continue
        assert proc.returncode == 1, (path.name, proc.returncode, proc.stderr[-500:])
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (path.name, proc.stderr[-500:])
        assert path.name in lines[0] and len(lines[0]) < 400, (path.name, lines[0])


def _error(outcomes, name: str) -> str:
    proc = next(p for path, p in outcomes if path.name == name)
    assert proc.returncode == 1, (name, proc.stdout[:300], proc.stderr)
    return proc.stderr


@pytest.mark.parametrize("name, bound", [
    ("stream-bomb.pdf", "pdf_max_stream_bytes"),
    ("run-length-bomb.pdf", "pdf_max_stream_bytes"),
    ("double-deflate-bomb.pdf", "pdf_max_stream_bytes"),
    ("junk-operators.pdf", "pdf_max_page_tokens"),
    ("form-fan-out.pdf", "pdf_max_page_tokens"),
    ("glyph-flood.pdf", "pdf_max_page_objects"),
    ("many-pages.pdf", "pdf_max_pages"),
    ("deep.htm", "html_max_depth"),
    ("links.htm", "html_max_links"),
    ("zip-bomb.eml", "zip bomb"),
    ("zip-many.eml", "more than the 200 allowed"),
])
def test_hostile_input_is_stopped_by_its_bound(outcomes, name, bound):
    assert bound in _error(outcomes, name)


def test_mailing_list_spam_is_not_an_edition(outcomes):
    assert "not an edition" in _error(outcomes, "spam-gb2312.eml")


@pytest.mark.parametrize("name, encoding", [("page-gb18030.txt", "gb18030"), ("page-utf16.txt", "utf-16-le")])
def test_the_real_page_in_another_encoding_is_good_json(outcomes, name, encoding):
    proc = next(p for path, p in outcomes if path.name == name)
    edition = json.loads(proc.stdout)
    assert edition["articles"] and edition["masthead"]["encoding"] == encoding
