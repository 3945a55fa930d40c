"""deploy/alerts.yml: valid Prometheus rules (promtool, from Debian's prometheus package) on metrics that exist."""

import re
import shutil
import subprocess
from pathlib import Path

from ingest import metrics

ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "alerts.yml"
# Exposed at scrape time by ingest.metrics.StateCollector.
STATE = {"ingest_newest_edition_timestamp_seconds", "ingest_newest_edition_age_seconds", "ingest_elasticsearch_up",
         "ingest_broker_up", "ingest_queue_depth"}


def test_promtool_accepts_the_alert_rules():
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: deploy/install.sh installs Debian's prometheus package"
    r = subprocess.run([promtool, "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS: 6 rules found" in r.stdout


def test_the_rules_use_only_metrics_the_exporter_has():
    exported = {m._name + ("_total" if m._type == "counter" else "") for m in vars(metrics).values()
                if hasattr(m, "_type") and hasattr(m, "_name")} | STATE
    used = set(re.findall(r"\b(ingest_[a-z_]+)", ALERTS.read_text(encoding="utf-8")))
    assert used and used <= exported, used - exported


def test_the_missing_edition_alert_fires_after_36_hours_for_zjgrrb():
    text = ALERTS.read_text(encoding="utf-8")
    assert 'ingest_newest_edition_age_seconds{paper="zjgrrb"} > 36 * 3600' in text
