"""The wheel is complete: built from the source, installed into a fresh venv, it runs without the source tree."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PAGE

# Building the wheel and installing it with every dependency into a fresh venv takes minutes on a busy machine.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # pip's cache serves the build requirements; nothing beyond PyPI is asked for.
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (built,) = out.glob("newspaper_ingest-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return venv


def test_every_data_file_of_the_packages_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [str(p.relative_to(REPO)) for top in ("ingest", "tasks") for p in (REPO / top).rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc", ".md") and "__pycache__" not in p.parts]
    data += [f"ingest/mappings/{p.name}" for p in (REPO / "mappings").glob("*.json")]  # through the link
    assert data, "no data files found: the test looks in the wrong place"
    assert [d for d in data if d not in names] == []
    assert "ingest/mappings/articles-v1.json" in names and "ingest/papers/zjgrrb.toml" in names


def test_the_installed_package_parses_the_sample_page_and_loads_the_template(installed, tmp_path):
    env = {"PATH": f"{installed / 'bin'}:/usr/bin:/bin", "INGEST_VAR": str(tmp_path / "var"), "HOME": str(tmp_path)}
    # Run away from the source tree, so that only the installed package can be imported.
    r = subprocess.run([str(installed / "bin" / "ingest"), "--help"], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "parse" in r.stdout and "config" in r.stdout
    r = subprocess.run([str(installed / "bin" / "ingest"), "parse", str(SAMPLE_PAGE), "--json"], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    edition = json.loads(r.stdout)
    assert (edition["paper"], edition["date"]) == ("zjgrrb", "2020-06-25") and len(edition["articles"]) >= 5
    probe = ("import ingest, ingest.index as i; assert '/site-packages/' in ingest.__file__, ingest.__file__; "
             "print(i.load_template()['mappings']['_meta']['template'])")
    r = subprocess.run([str(installed / "bin" / "python"), "-c", probe], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "articles-v1"
