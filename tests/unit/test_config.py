"""The settings model: one place for every INGEST_* variable, documented in the README, shown masked."""

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.cli import app
from ingest.config import Settings, settings, settings_table
from ingest.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_settings_table_is_the_one_generated_from_the_model():
    assert settings_table() in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "README's settings table differs from ingest.config.settings_table(): paste its output into README"


def test_every_setting_has_a_description():
    assert [name for name, f in Settings.model_fields.items() if not f.description] == []


def test_every_ingest_variable_the_code_names_is_a_setting():
    fields = {"INGEST_" + name.upper() for name in Settings.model_fields}
    named = {m for p in [*ROOT.glob("ingest/**/*.py"), *ROOT.glob("tasks/**/*.py")]
             for m in re.findall(r"INGEST_[A-Z_]+[A-Z]", p.read_text(encoding="utf-8"))} - {"INGEST_NAME"}
    assert named - fields == set()


def test_only_the_settings_module_reads_the_environment():
    readers = [str(p.relative_to(ROOT)) for p in [*ROOT.glob("ingest/**/*.py"), *ROOT.glob("tasks/**/*.py")]
               if re.search(r"os\.environ\.get|getenv\(|os\.environ\[[^]]*\](?!\s*=)", p.read_text(encoding="utf-8"))]
    assert readers == []  # ingest.config reads it through pydantic-settings (ingest.metrics only writes one)


def test_folders_default_under_ingest_var_resolved_once(tmp_path):
    s = Settings.from_env({"INGEST_VAR": str(tmp_path)})
    assert (s.var, s.archive_dir, s.inbox_dir) == (tmp_path, tmp_path / "archive", tmp_path / "inbox")
    assert s.imap_password_file == tmp_path / "dovecot" / "imap-password"
    other = Settings.from_env({"INGEST_VAR": str(tmp_path), "INGEST_ARCHIVE_DIR": str(tmp_path / "elsewhere")})
    assert other.archive_dir == tmp_path / "elsewhere"


def test_values_are_typed_and_a_bad_one_names_the_variable():
    assert Settings.from_env({"INGEST_INBOX_INTERVAL": "5", "INGEST_IMAP_TLS": "STARTTLS"}).inbox_interval == 5.0
    with pytest.raises(ConfigError, match=r"^INGEST_IMAP_IDLE_SECONDS='soon': .*integer"):
        Settings.from_env({"INGEST_IMAP_IDLE_SECONDS": "soon"})
    with pytest.raises(ConfigError, match=r"^INGEST_INBOX_INTERVAL='0': .*greater than 0"):
        Settings.from_env({"INGEST_INBOX_INTERVAL": "0"})


def test_an_explicit_environment_is_all_that_is_read(monkeypatch):
    monkeypatch.setenv("INGEST_INDEX", "from-process")
    assert Settings.from_env({}).index == "articles"
    assert Settings.from_env().index == "from-process"


def test_ingest_config_prints_the_effective_settings_with_secrets_masked(monkeypatch, tmp_path):
    monkeypatch.setenv("INGEST_VAR", str(tmp_path))
    monkeypatch.setenv("INGEST_IMAP_PASSWORD", "s3cret-Pa55")
    monkeypatch.setenv("INGEST_BROKER_URL", "amqp://ingest:brokerpw@mq.example:5672/news")
    monkeypatch.setenv("INGEST_QUEUE", "night")
    result = CliRunner().invoke(app, ["config", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["INGEST_QUEUE"] == "night" and shown["INGEST_ARCHIVE_DIR"] == str(tmp_path / "archive")
    assert shown["INGEST_IMAP_PASSWORD"] == "********"
    assert shown["INGEST_BROKER_URL"] == "amqp://ingest:***@mq.example:5672/news"
    assert "s3cret" not in result.stdout and "brokerpw" not in result.stdout
    assert set(shown) == {"INGEST_" + n.upper() for n in Settings.model_fields}


def test_ingest_config_refuses_a_bad_value_with_a_config_error(monkeypatch):
    monkeypatch.setenv("INGEST_IMAP_TLS", "none")
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code == 2
    assert "INGEST_IMAP_TLS='none'" in result.output and "plain-text IMAP" in result.output


def test_settings_follow_every_change_of_the_process_environment(monkeypatch):
    monkeypatch.delenv("INGEST_INDEX", raising=False)
    assert settings().index == "articles"
    monkeypatch.setenv("INGEST_INDEX", "changed")
    assert settings().index == "changed"
    os.environ["INGEST_INDEX"] = "assigned"
    assert settings().index == "assigned"
    del os.environ["INGEST_INDEX"]
    assert settings().index == "articles"
