"""The production recipes in deploy/ pass the validators of their formats, and each validator does reject a
broken copy (a check that cannot fail proves nothing): systemd-analyze for the units, the compose-spec
schema for the compose file, the Kubernetes API schemas (strict) for the manifests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
K8S_VERSION = "1.33.0"


def _run(*cmd: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)


def _render_units(dest: Path) -> list[Path]:
    """The units as installed from this checkout: systemd-analyze checks that ExecStart's programs exist."""
    units = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text().replace("/etc/newspaper-ingest/ingest.env", str(DEPLOY / "systemd" / "ingest.env.example"))
        (dest / unit.name).write_text(text.replace("/opt/newspaper-ingest", str(REPO)))
        units.append(dest / unit.name)
    return units


@pytest.fixture(scope="module")
def analyze() -> str:
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze is missing: deploy/install.sh installs the systemd package"
    return tool


def test_the_systemd_units_verify_cleanly(analyze, tmp_path):
    units = _render_units(tmp_path)
    assert [u.name for u in units] == ["ingest-beat.service", "ingest-mail-watch.service", "ingest-worker@.service"]
    r = _run(analyze, "verify", *units)
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr
    for u in units:
        assert "Restart=on-failure" in u.read_text().splitlines(), u.name


def test_systemd_analyze_reports_a_broken_unit(analyze, tmp_path):
    [beat] = [u for u in _render_units(tmp_path) if u.name == "ingest-beat.service"]
    beat.write_text(beat.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    r = _run(analyze, "verify", beat)
    assert "Failed to parse service restart specifier" in r.stdout + r.stderr


def _compose_check(path: Path) -> subprocess.CompletedProcess[str]:
    return _run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", path)


def test_the_compose_file_follows_the_compose_spec(tmp_path):
    compose = DEPLOY / "compose" / "compose.yaml"
    r = _compose_check(compose)
    assert r.returncode == 0, r.stdout + r.stderr
    services = yaml.safe_load(compose.read_text())["services"]
    assert set(services) >= {"elasticsearch", "rabbitmq", "redis", "worker", "beat", "flower"}
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["elasticsearch"]["build"]["dockerfile"] == "deploy/compose/elasticsearch.Dockerfile"
    assert "elasticsearch-plugin install" in (DEPLOY / "compose" / "elasticsearch.Dockerfile").read_text()
    broken = tmp_path / "compose.yaml"
    broken.write_text(compose.read_text().replace("stop_grace_period:", "stop_grace_perod:"))
    assert _compose_check(broken).returncode != 0


def test_the_image_copies_every_directory_the_package_links_to():
    # ingest/mappings links to the top-level mappings/: an image that copied ingest/ alone would hold a
    # dangling link and no index template.
    copied = {line.split()[1] for line in (DEPLOY / "compose" / "Dockerfile").read_text().splitlines()
              if line.startswith("COPY ")}
    links = [p for top in ("ingest", "tasks") for p in (REPO / top).rglob("*") if p.is_symlink()]
    assert links, "no links found: the test looks in the wrong place"
    targets = {p.resolve().relative_to(REPO).parts[0] for p in links}
    assert targets - copied == set()


def _k8s_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return _run(BIN / "kubernetes-validate", "--strict", "-k", K8S_VERSION, *paths)


def test_the_kubernetes_manifests_validate_against_the_api_schemas(tmp_path):
    manifests = sorted((DEPLOY / "k8s").glob("*.yaml"))
    r = _k8s_check(*manifests)
    assert r.returncode == 0 and "ERROR" not in r.stdout + r.stderr, r.stdout + r.stderr
    docs = {(d["kind"], d["metadata"]["name"]): d for m in manifests for d in yaml.safe_load_all(m.read_text())}
    worker = docs[("Deployment", "ingest-worker")]["spec"]["template"]["spec"]["containers"][0]
    assert "readinessProbe" in worker and "livenessProbe" in worker
    beat = docs[("Deployment", "ingest-beat")]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    hpa = docs[("HorizontalPodAutoscaler", "ingest-worker")]["spec"]
    assert hpa["metrics"][0]["external"]["metric"]["name"] == "rabbitmq_queue_messages_ready"
    assert {("ConfigMap", "ingest-config"), ("Secret", "ingest-secrets")} <= set(docs)
    broken = tmp_path / "worker.yaml"
    broken.write_text((DEPLOY / "k8s" / "worker.yaml").read_text().replace("replicas: 2", "replicas: two"))
    assert _k8s_check(broken).returncode != 0
