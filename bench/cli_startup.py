"""Wall time of the `ingest` command as an operator starts it: `ingest --help`, and `ingest search` (start-up
plus one search of the configured index), each run several times, median and best printed.

    .venv/bin/python bench/cli_startup.py [--runs N] [--query 红船精神]

Targets (issue: fast CLI start-up): --help ≤ 0.25 s, search ≤ 0.4 s on a warm, quiet machine. The import
cost alone is printed too (`python -c "import ingest.cli"`), so a slow run can be told from a slow server, and
one search from a bare script through the official client and through the SearchClient `ingest search` uses.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cmd: list[str], runs: int) -> list[float]:
    subprocess.run(cmd, capture_output=True, check=False)  # warm the page cache
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        out.append(time.perf_counter() - t0)
    return out


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
        "a search, official client": [sys.executable, "-c", script.format("client")],
        "a search, SearchClient": [sys.executable, "-c", script.format("search_client")],
    }
    # Where Python writes no bytecode on import, a module without an up-to-date .pyc compiles at every start.
    sources = sorted((Path(__file__).resolve().parent.parent / "ingest").rglob("*.py"))
    compiled = sum(Path(importlib.util.cache_from_source(str(p))).is_file() for p in sources)
    print(f"bytecode written on import: {'no' if sys.flags.dont_write_bytecode else 'yes'}; "
          f"ingest modules with bytecode: {compiled} of {len(sources)}")
    medians = {}
    for name, cmd in cases.items():
        t = timed(cmd, args.runs)
        medians[name] = statistics.median(t)
        print(f"{name:<36} median {medians[name]:.3f} s  best {min(t):.3f} s  ({args.runs} runs)")
    official, light = medians["a search, official client"], medians["a search, SearchClient"]
    print(f"SearchClient / official client, medians: {light / official:.2f} ({official - light:.3f} s less)")


if __name__ == "__main__":
    main()
