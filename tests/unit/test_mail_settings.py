"""Mailbox settings (secrets, TLS) and which paper a message is routed to."""

import pytest

from ingest.errors import ConfigError
from ingest.papers import Paper
from ingest.sources.mail.mailbox import route, watched_folders
from ingest.sources.mail.settings import MailboxSettings

SECRET = "s3cret-Pa55"


def test_the_password_comes_from_a_secret_file_and_never_shows_in_the_repr(tmp_path):
    secret = tmp_path / "imap-password"
    secret.write_text(SECRET + "\n")
    s = MailboxSettings.from_env({"INGEST_IMAP_PASSWORD_FILE": str(secret), "INGEST_VAR": str(tmp_path)})
    assert s.password == SECRET
    assert SECRET not in repr(s) and SECRET not in s.account


def test_the_environment_password_wins_over_the_file(tmp_path):
    s = MailboxSettings.from_env({"INGEST_IMAP_PASSWORD": SECRET, "INGEST_VAR": str(tmp_path)})
    assert s.password == SECRET


def test_a_missing_password_is_a_config_error_that_says_where_it_looked(tmp_path):
    with pytest.raises(ConfigError, match=r"no IMAP password: INGEST_IMAP_PASSWORD is unset and the password file "
                                          r".*nope cannot be read"):
        MailboxSettings.from_env({"INGEST_IMAP_PASSWORD_FILE": str(tmp_path / "nope"), "INGEST_VAR": str(tmp_path)})


def test_plain_text_imap_is_refused():
    with pytest.raises(ConfigError, match="plain-text IMAP would send the password in clear"):
        MailboxSettings.from_env({"INGEST_IMAP_TLS": "none", "INGEST_IMAP_PASSWORD": SECRET})


def test_processed_mail_is_flagged_by_default_or_moved_when_asked():
    assert MailboxSettings.from_env({"INGEST_IMAP_PASSWORD": SECRET}).move_to is None
    env = {"INGEST_IMAP_PASSWORD": SECRET, "INGEST_IMAP_PROCESSED": "move:Ingested"}
    assert MailboxSettings.from_env(env).move_to == "Ingested"
    with pytest.raises(ConfigError, match="use 'flag' or 'move:FOLDER'"):
        MailboxSettings.from_env({"INGEST_IMAP_PASSWORD": SECRET, "INGEST_IMAP_PROCESSED": "delete"})


def test_starttls_defaults_to_the_plain_imap_port():
    s = MailboxSettings.from_env({"INGEST_IMAP_PASSWORD": SECRET, "INGEST_IMAP_TLS": "starttls"})
    assert (s.tls, s.port) == ("starttls", 10143)


PAPERS = {
    "a": Paper(id="a", name="甲报", mail={"senders": ["news@a.example", "@desk.a.example"]}),
    "b": Paper(id="b", name="乙报", mail={"folder": "papers/b"}),
    "c": Paper(id="c", name="丙报", mail={"folder": "papers/c", "senders": ["c@c.example"]}),
}


def test_a_shared_folder_routes_by_the_sender_allowlist_with_whole_domains_allowed():
    assert route("INBOX", "NEWS@a.example", PAPERS)[0].id == "a"
    assert route("INBOX", "night@desk.a.example", PAPERS)[0].id == "a"
    paper, why = route("INBOX", "x@evil.example", PAPERS)
    assert paper is None and why == "unknown sender x@evil.example: no paper's mail.senders lists it"


def test_a_papers_folder_names_the_paper_but_its_allowlist_still_applies():
    assert route("papers/b", "anyone@b.example", PAPERS)[0].id == "b"
    assert route("papers/c", "c@c.example", PAPERS)[0].id == "c"
    paper, why = route("papers/c", "x@evil.example", PAPERS)
    assert paper is None and "not in the allowlist of 丙报 (c)" in why


def test_the_watched_folders_are_the_shared_ones_and_every_papers_own():
    s = MailboxSettings.from_env({"INGEST_IMAP_PASSWORD": SECRET, "INGEST_IMAP_FOLDERS": "INBOX, Editions"})
    assert watched_folders(s, PAPERS) == ["INBOX", "Editions", "papers/b", "papers/c"]
