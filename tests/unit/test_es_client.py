"""Building the Elasticsearch client: API key or basic auth with the password from a file, a CA file and
certificate verification for https, and errors that name the setting at fault but never a secret."""

from __future__ import annotations

import base64
import ssl

import pytest

from ingest.config import Settings, mask_url
from ingest.errors import ConfigError
from ingest.es_client import client, client_options, search_client


def _settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_an_api_key_is_sent_as_the_authorization_header():
    es = client(_settings(INGEST_ES_API_KEY="a2V5OnNlY3JldA=="))
    assert es._headers["authorization"] == "ApiKey a2V5OnNlY3JldA=="


def test_basic_auth_reads_the_password_from_its_file(tmp_path):
    secret = tmp_path / "es-password"
    secret.write_text("s3cret-pw\n")
    opts = client_options(_settings(INGEST_ES_USER="ingest", INGEST_ES_PASSWORD_FILE=str(secret)))
    assert opts["basic_auth"] == ("ingest", "s3cret-pw")


def test_https_verifies_certificates_against_the_ca_file_unless_turned_off(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    opts = client_options(_settings(INGEST_ES_URL="https://es.internal:9200", INGEST_ES_CA_FILE=str(ca)))
    assert opts == {"verify_certs": True, "ca_certs": str(ca)}
    off = client_options(_settings(INGEST_ES_URL="https://es.internal:9200", INGEST_ES_VERIFY_CERTS="false"))
    assert off == {"verify_certs": False}


@pytest.mark.parametrize(("env", "message"), [
    ({"INGEST_ES_API_KEY": "k3y-value", "INGEST_ES_USER": "u"}, "both set"),
    ({"INGEST_ES_USER": "u"}, "without INGEST_ES_PASSWORD_FILE"),
    ({"INGEST_ES_PASSWORD_FILE": "/nonexistent/pw"}, "without INGEST_ES_USER"),
    ({"INGEST_ES_USER": "u", "INGEST_ES_PASSWORD_FILE": "/nonexistent/pw"}, "INGEST_ES_PASSWORD_FILE: cannot read"),
    ({"INGEST_ES_CA_FILE": "/nonexistent/ca.pem"}, "not https"),
    ({"INGEST_ES_URL": "https://es:9200", "INGEST_ES_CA_FILE": "/nonexistent/ca.pem"}, "is not a file"),
])
def test_a_wrong_setting_is_a_config_error_naming_it_without_the_secret(env, message):
    with pytest.raises(ConfigError, match=message) as e:
        client_options(_settings(**env))
    assert "k3y-value" not in str(e.value)


def test_secrets_stay_out_of_the_settings_repr_and_urls_are_masked():
    s = _settings(INGEST_ES_API_KEY="k3y-value", INGEST_ES_URL="https://ingest:pw0rd@es:9200")
    assert "k3y-value" not in repr(s)
    assert mask_url(s.es_url) == "https://ingest:***@es:9200"
    assert mask_url("amqp://guest:guest@127.0.0.1:5672//") == "amqp://guest:***@127.0.0.1:5672//"


def test_the_search_client_sends_the_same_credentials_as_the_official_client(tmp_path):
    secret = tmp_path / "es-password"
    secret.write_text("s3cret-pw\n")
    basic = "Basic " + base64.b64encode(b"ingest:s3cret-pw").decode()
    for env, expected in [
        ({"INGEST_ES_API_KEY": "a2V5OnNlY3JldA=="}, "ApiKey a2V5OnNlY3JldA=="),
        ({"INGEST_ES_USER": "ingest", "INGEST_ES_PASSWORD_FILE": str(secret)}, basic),
        ({"INGEST_ES_URL": "http://ingest:s3cret-pw@es.internal:9200"}, basic),
    ]:
        s = _settings(**env)
        assert search_client(s)._headers["Authorization"] == expected
        official = client(s)  # a user in the URL goes to its node's headers
        node_headers = official.transport.node_pool.all()[0].config.headers
        assert (official._headers.get("authorization") or node_headers.get("authorization")) == expected


def test_the_search_client_verifies_https_unless_turned_off():
    on = search_client(_settings(INGEST_ES_URL="https://es.internal:9200"))._tls
    off = search_client(_settings(INGEST_ES_URL="https://es.internal:9200", INGEST_ES_VERIFY_CERTS="false"))._tls
    assert on is not None and on.verify_mode == ssl.CERT_REQUIRED and on.check_hostname
    assert off is not None and off.verify_mode == ssl.CERT_NONE
    assert search_client(_settings(INGEST_ES_URL="http://es.internal:9200"))._tls is None
