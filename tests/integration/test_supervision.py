"""The local stack under supervision (deploy/celery.sh: its own supervisord): a worker, beat or mail watcher
that dies is running again within 10 s, without anyone's help."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.sources.mail import MailboxSettings
from ingest.sources.mail.mailbox import session
from tests.conftest import REPO
from tests.integration.conftest import run_cli
from tests.integration.test_mailbox import dovecot_env

pytestmark = pytest.mark.integration

RESTART_WITHIN_S = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def stack(service_env) -> Iterator[dict[str, str]]:
    run = uuid.uuid4().hex[:8]
    folder = f"sup{run}"  # a folder of its own: this watcher takes no other test's mail
    mail = dovecot_env(INGEST_IMAP_FOLDERS=folder, INGEST_IMAP_QUARANTINE=f"{folder}-quarantine")
    with session(MailboxSettings.from_env(mail)) as c:
        c.create_folder(folder)
    env = os.environ | service_env | mail | {"INGEST_WORKER_NAME": f"sup{run}", "INGEST_WORKER_CONCURRENCY": "1",
                                             "INGEST_REDIS_PREFIX": f"test-sup-{run}",
                                             "INGEST_FLOWER_PORT": str(_free_port())}
    up = subprocess.run(["bash", "deploy/celery.sh", "up"], cwd=REPO, env=env, capture_output=True, text=True,
                        timeout=240)
    assert up.returncode == 0, up.stderr + up.stdout
    yield env
    subprocess.run(["bash", "deploy/celery.sh", "down"], cwd=REPO, env=env, capture_output=True, timeout=240)


def _ctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    conf = Path(env["INGEST_VAR"]) / "supervisor" / "supervisord.conf"
    return subprocess.run(["supervisorctl", "-c", str(conf), *args], env=env, capture_output=True, text=True, timeout=30)


def _running_pid(env: dict[str, str], program: str) -> int | None:
    status = _ctl(env, "status", program).stdout
    if "RUNNING" not in status:
        return None
    return int(status.split("pid ", 1)[1].split(",", 1)[0])


@pytest.mark.parametrize("program", ["worker", "beat", "mail-watch"])
def test_a_killed_service_is_running_again_within_10_seconds(stack, program):
    pid = _running_pid(stack, program)
    assert pid is not None, _ctl(stack, "status").stdout
    os.kill(pid, signal.SIGKILL)
    killed, new = time.monotonic(), None
    while time.monotonic() - killed < RESTART_WITHIN_S:
        new = _running_pid(stack, program)
        if new is not None and new != pid:
            break
        time.sleep(0.2)
    assert new is not None and new != pid, f"{program} not back within {RESTART_WITHIN_S} s: {_ctl(stack, 'status').stdout}"
    assert Path(f"/proc/{new}/cmdline").read_bytes().replace(b"\0", b" ").find(
        b"worker" if program == "worker" else b"beat" if program == "beat" else b"mail watch") >= 0


def test_the_restarted_worker_consumes_the_queue_again(stack):
    pid = _running_pid(stack, "worker")
    deadline, workers = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        r = run_cli("status", "--json", env=stack)
        workers = json.loads(r.stdout)["broker"]["workers"]
        if workers:
            break
        time.sleep(1)
    assert [w["pid"] for w in workers] == [pid] and r.returncode == 0


def test_status_of_the_scripts_reports_every_program_running(stack):
    r = subprocess.run(["bash", "deploy/celery.sh", "status"], cwd=REPO, env=stack, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    for program in ("worker", "beat", "mail-watch", "flower"):
        assert any(line.startswith(program) and "RUNNING" in line for line in r.stdout.splitlines()), r.stdout
