"""deploy/lib.sh tells a live process of ours from a dead one nobody reaped yet and from a pid the system
has handed to another program (`kill -0` succeeds on both)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO


def _proc_alive(tmp_path: Path, pid: int, pattern: str = "") -> bool:
    script = f'source "{REPO}/deploy/lib.sh"; proc_alive {pid} "{pattern}"'
    r = subprocess.run(["bash", "-c", script], env=os.environ | {"INGEST_VAR": str(tmp_path)}, timeout=30)
    return r.returncode == 0


def test_a_live_process_matching_its_command_is_alive(tmp_path):
    p = subprocess.Popen(["sleep", "30"])
    try:
        assert _proc_alive(tmp_path, p.pid)
        assert _proc_alive(tmp_path, p.pid, "sleep 30")
    finally:
        p.kill()
        p.wait()


def test_a_dead_process_not_yet_reaped_is_not_alive(tmp_path):
    p = subprocess.Popen(["true"])
    deadline = time.monotonic() + 10
    while "Z" not in Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1][:3] and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(p.pid, 0)  # what the old check asked: it still succeeds on the zombie
    assert not _proc_alive(tmp_path, p.pid)
    p.wait()


def test_a_pid_now_used_by_another_program_is_not_ours(tmp_path):
    p = subprocess.Popen(["sleep", "30"])
    try:
        assert not _proc_alive(tmp_path, p.pid, "celery")
    finally:
        p.kill()
        p.wait()


def test_a_pid_with_no_process_is_not_alive(tmp_path):
    p = subprocess.Popen(["true"])
    p.wait()
    assert not _proc_alive(tmp_path, p.pid)
    assert not _proc_alive(tmp_path, 0)
