"""Wall time of the `ingest` command as an operator starts it: `ingest --help`, and `ingest search` (start-up
plus one search), each run several times, median and best printed. The searches go to an index of the
sample edition the bench writes first (`bench-cli-…`, deleted after), and once more to an index that does
not exist (a fresh installation: the error path loads the official client's exceptions).

    .venv/bin/python bench/cli_startup.py [--runs N] [--query 红船精神]

Targets (issue: fast CLI start-up): --help ≤ 0.25 s, search ≤ 0.4 s on a warm, quiet machine. The import
cost alone is printed too (`python -c "import ingest.cli"`), so a slow run can be told from a slow server, and
one search from a bare script through the official client and through the SearchClient `ingest search` uses.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from ingest import pipeline
from ingest.archive import Archive
from ingest.config import settings
from ingest.index import client

BIN = Path(sys.executable).parent
SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    subprocess.run(cmd, capture_output=True, check=False, env=env)  # warm the page cache
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, env=env)
        out.append(time.perf_counter() - t0)
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return out


def sample_index(name: str) -> None:
    """The sample edition, indexed in-process into `name` (the search then has hits to highlight)."""
    s = settings().model_copy(update={"index": name, "ledger_index": f"{name}-ledger"})
    archive = Archive(Path(tempfile.mkdtemp(prefix="bench-archive-")))
    source = pipeline.archive_bytes(SAMPLE.read_bytes(), archive, "file", SAMPLE.as_uri())
    pipeline.index_step(pipeline.parse_step(source.to_dict(), pipeline.make_hints(SAMPLE.name, paper="zjgrrb"),
                                            archive), s)
    client(s).indices.refresh(index=name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--query", default="红船精神")
    args = ap.parse_args()
    # One search from a bare script through either client: what `ingest search` saves by not importing the
    # official one, side by side.
    script = ("from ingest.config import settings; from ingest.search import SearchRequest, search; "
              "from ingest.es_client import {0}; s = settings(); "
              f"search({{0}}(s), s.index, SearchRequest(query={args.query!r}))")
    cases = {
        "python -c pass (interpreter)": [sys.executable, "-c", "pass"],
        "import ingest.cli": [sys.executable, "-c", "import ingest.cli"],
        "ingest --help": [str(BIN / "ingest"), "--help"],
        f"ingest search {args.query} --json": [str(BIN / "ingest"), "search", args.query, "--json"],
        f"ingest search {args.query}": [str(BIN / "ingest"), "search", args.query],
        "a search, official client": [sys.executable, "-c", script.format("client")],
        "a search, SearchClient": [sys.executable, "-c", script.format("search_client")],
    }
    # Where Python writes no bytecode on import, a module without an up-to-date .pyc compiles at every start.
    sources = sorted((Path(__file__).resolve().parent.parent / "ingest").rglob("*.py"))
    compiled = sum(Path(importlib.util.cache_from_source(str(p))).is_file() for p in sources)
    print(f"bytecode written on import: {'no' if sys.flags.dont_write_bytecode else 'yes'}; "
          f"ingest modules with bytecode: {compiled} of {len(sources)}")
    name = f"bench-cli-{uuid.uuid4().hex[:8]}"
    env = os.environ | {"INGEST_INDEX": name, "INGEST_LEDGER_INDEX": f"{name}-ledger"}
    medians = {}
    try:
        sample_index(name)
        for label, cmd in cases.items():
            t = timed(cmd, args.runs, env)
            medians[label] = statistics.median(t)
            print(f"{label:<36} median {medians[label]:.3f} s  best {min(t):.3f} s  ({args.runs} runs)")
        missing = timed(cases[f"ingest search {args.query} --json"], args.runs,
                        env | {"INGEST_INDEX": f"{name}-missing"})
        print(f"{'… of an index not there':<36} median {statistics.median(missing):.3f} s  best {min(missing):.3f} s")
    finally:
        client(settings()).indices.delete(index=f"{name}*", allow_no_indices=True)
    official, light = medians["a search, official client"], medians["a search, SearchClient"]
    print(f"SearchClient / official client, medians: {light / official:.2f} ({official - light:.3f} s less)")


if __name__ == "__main__":
    main()
