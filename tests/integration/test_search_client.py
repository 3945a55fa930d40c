"""`ingest search` reads through the light SearchClient instead of the official client (whose import took
longer than the search): against the real Elasticsearch it must answer, fail and be refused exactly as the
official client does, and the command must not load the official client at all."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from elasticsearch import BadRequestError

from ingest.config import Settings
from ingest.errors import ServiceError
from ingest.es_client import search_client
from ingest.index import index_meta
from ingest.search import SearchRequest, search
from tests.conftest import REPO
from tests.integration.conftest import run_cli
from tests.integration.search_service import TITLE, build_index

pytestmark = pytest.mark.integration

REQUESTS = [SearchRequest(query="朋友圈 学子"), SearchRequest(query="朋友圈", collapse=False),
            SearchRequest(query="疗休养", paper="zjgrrb", page="1"), SearchRequest(query="学子", limit=1, offset=1),
            SearchRequest(query="不会出现的词语组合")]


@pytest.fixture(scope="module")
def ids(service_env) -> dict[str, str]:
    return build_index(service_env)


def test_every_search_answers_as_through_the_official_client(service_env, ids, es):
    s = Settings.from_env(service_env)
    light = search_client(s)
    for req in REQUESTS:
        assert search(light, s.index, req) == search(es, s.index, req), req
    assert search(light, s.index, REQUESTS[0])["hits"][0]["title"] == TITLE
    assert index_meta(light, s.index) == index_meta(es, s.index) != {}


def test_a_missing_index_is_no_hits_and_no_meta(service_env, ids):
    light = search_client(Settings.from_env(service_env))
    assert search(light, "no-such-alias-here", REQUESTS[0]) == {"total": 0, "groups": 0, "offset": 0, "hits": []}
    assert index_meta(light, "no-such-alias-here") == {}


def test_a_query_elasticsearch_refuses_raises_the_official_clients_error(service_env, ids, es):
    s = Settings.from_env(service_env)
    bad = {"query": {"no_such_query_type": {}}}
    with pytest.raises(BadRequestError) as official:
        es.search(index=s.index, **bad)
    with pytest.raises(BadRequestError) as light:
        search_client(s).search(index=s.index, **bad)
    assert (light.value.meta.status, light.value.message) == (official.value.meta.status, official.value.message)
    assert light.value.body["error"]["root_cause"] == official.value.body["error"]["root_cause"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_elasticsearch_is_a_service_error_and_exit_code_3(service_env):
    url = f"http://127.0.0.1:{_closed_port()}"
    s = Settings.from_env(service_env | {"INGEST_ES_URL": url})
    with pytest.raises(ServiceError, match="Elasticsearch unreachable while .*Connection refused"):
        search(search_client(s, request_timeout=2), s.index, REQUESTS[0])
    r = run_cli("search", "学子", env=service_env | {"INGEST_ES_URL": url})
    assert r.returncode == 3, r.stderr
    assert "Elasticsearch unreachable" in r.stderr and "Traceback" not in r.stderr


def test_the_search_command_answers_without_loading_the_official_client(service_env, ids):
    # The command run in-process, then asked which client modules it loaded: the start-up it saves is
    # measured by bench/cli_startup.py, this only keeps a later import from bringing the client back.
    code = ("import sys; from ingest.cli import main; sys.argv = ['ingest', 'search', '朋友圈 学子', '--json']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('elasticsearch', 'elastic_transport'))))")
    r = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True,
                       env=os.environ | service_env, cwd=REPO, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    answer, loaded = _split(r.stdout)
    assert json.loads(answer)["hits"][0]["title"] == TITLE
    assert json.loads(loaded) == []


def _split(stdout: str) -> tuple[str, str]:
    """The command's JSON answer and the last line (the modules list)."""
    body, _, last = stdout.rstrip("\n").rpartition("\n")
    return body, last
