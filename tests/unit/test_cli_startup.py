"""The `ingest` command starts without the libraries its commands import for themselves: the broker client,
Elasticsearch, Redis, the parsers, the web stack and rich cost most of its start-up (bench/cli_startup.py)."""

import json
import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("celery", "kombu", "amqp", "elasticsearch", "elastic_transport", "redis", "rich", "pydantic",
         "pydantic_settings", "lxml", "bs4", "trafilatura", "pdfplumber", "jieba", "fastapi", "uvicorn",
         "prometheus_client", "structlog", "httpx")


def _imported_after(code: str) -> set[str]:
    """The top-level packages of HEAVY that a fresh interpreter has imported after running `code`."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    r = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_imports_none_of_the_libraries_its_commands_use():
    assert _imported_after("import ingest.cli") == set()


def _run(argv: list[str]) -> str:
    return f"from ingest.cli import app\ntry:\n    app({argv!r})\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"


def test_help_imports_none_of_them():
    assert _imported_after(_run(["--help"])) == set()


def test_help_of_a_subcommand_imports_only_what_typer_parses_options_with():
    for argv in (["search", "--help"], ["mail", "poll", "--help"]):
        assert _imported_after(_run(argv)) - {"pydantic"} == set(), argv  # typer coerces options through pydantic


def test_parse_json_imports_no_service_client_and_no_rich():
    argv = ["parse", str(REPO / "tests/fixtures/zjgrrb-2020-06-25/page01.txt"), "--json"]
    assert _imported_after(_run(argv)) & {"celery", "kombu", "amqp", "elasticsearch", "redis", "fastapi", "rich"} \
        == set()
