"""The mailbox source against a real dovecot (deploy/dovecot.sh) and a real Redis: messages appended by the
tests, polled, delivered once, flagged, quarantined with reasons, across a server restart."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis

from ingest.errors import ConfigError, InputError, ServiceError
from ingest.parse import ParseHints, parse_bytes
from ingest.sources.mail import Mailbox, MailboxSettings
from ingest.sources.mail.mailbox import PROCESSED_KEYWORD, connect, session
from ingest.sources.mail.state import MailState
from tests.conftest import REPO
from tests.fixtures.mail import kit

# Read at import, before any fixture points INGEST_VAR elsewhere: where deploy/dovecot.sh keeps its state.
DOVECOT_VAR = Path(os.environ.get("INGEST_VAR") or REPO / "var").resolve() / "dovecot"
REDIS_URL = os.environ.get("INGEST_TEST_REDIS", "redis://127.0.0.1:6379") + "/8"


def dovecot_env(**extra: str) -> dict[str, str]:
    return {"INGEST_IMAP_HOST": "127.0.0.1", "INGEST_IMAP_PORT": os.environ.get("INGEST_IMAP_PORT", "10993"),
            "INGEST_IMAP_USER": os.environ.get("INGEST_IMAP_USER", "ingest"),
            "INGEST_IMAP_PASSWORD_FILE": str(DOVECOT_VAR / "imap-password"),
            "INGEST_IMAP_CA_FILE": str(DOVECOT_VAR / "ssl" / "cert.pem")} | extra


@pytest.fixture(scope="module", autouse=True)
def services() -> None:
    try:
        connect(MailboxSettings.from_env(dovecot_env())).logout()
    except Exception as e:  # say how to get the server rather than failing every test obscurely
        pytest.fail(f"dovecot is not reachable ({e}); start it with `bash deploy/dovecot.sh up` (deploy/test.sh does)")
    redis.Redis.from_url(REDIS_URL).ping()


@pytest.fixture
def folder() -> str:
    """A folder of this test's own, so tests never see each other's mail."""
    return f"t{uuid.uuid4().hex[:10]}"


def make_mailbox(folder: str, **extra: str) -> Mailbox:
    s = MailboxSettings.from_env(dovecot_env(INGEST_IMAP_FOLDERS=folder, INGEST_IMAP_QUARANTINE=f"{folder}-quarantine",
                                             **extra))
    return Mailbox(s, MailState(REDIS_URL, s.account))


def append(mb: Mailbox, folder: str, *messages: bytes, flags: tuple[bytes, ...] = ()) -> None:
    with session(mb.s) as c:
        if not c.folder_exists(folder):
            c.create_folder(folder)
        for m in messages:
            c.append(folder, m, flags=flags)


def folder_flags(mb: Mailbox, folder: str) -> list[tuple[bytes, ...]]:
    with session(mb.s) as c:
        c.select_folder(folder, readonly=True)
        uids = c.search(["ALL"])
        return [v[b"FLAGS"] for _, v in sorted(c.fetch(uids, ["FLAGS"]).items())] if uids else []


class Collector:
    """A deliver callback that parses the way the pipeline does and keeps what it got."""

    def __init__(self) -> None:
        self.editions: list = []

    def __call__(self, incoming) -> None:  # noqa: ANN001
        self.editions.append(parse_bytes(incoming.raw, ParseHints(name=incoming.uri, paper=incoming.paper)))


@pytest.fixture(scope="module")
def edition_mail() -> bytes:
    p1, _ = kit.page_pdf(1)
    p2, _ = kit.page_pdf(2)
    return kit.edition_mail([("第1版.pdf", p1), ("第2版.pdf", p2)])


def test_an_edition_mail_is_delivered_once_and_flagged(folder, edition_mail):
    mb = make_mailbox(folder)
    append(mb, folder, edition_mail)
    got = Collector()
    report = mb.poll(got)
    assert len(report.delivered) == 1 and not report.quarantined
    edition = got.editions[0]
    assert (edition.paper, str(edition.date), len(edition.articles)) == ("zjgrrb", "2020-06-25", 6)
    assert edition.articles[0].title == "小康路上“工”字闪亮"
    assert set(folder_flags(mb, folder)[0]) >= {PROCESSED_KEYWORD.encode(), b"\\Seen"}
    assert mb.poll(got).delivered == [] and len(got.editions) == 1


def test_the_same_edition_delivered_twice_parses_to_the_same_articles(folder, edition_mail):
    mb = make_mailbox(folder)
    append(mb, folder, edition_mail, edition_mail)
    got = Collector()
    assert len(mb.poll(got).delivered) == 2
    first, second = (e.to_dict() for e in got.editions)
    assert first == second  # same facts → same article ids downstream, so the index holds them once


def test_bad_messages_are_quarantined_with_reasons_and_do_not_block_the_good_one_behind_them(
        folder, edition_mail, monkeypatch):
    monkeypatch.setenv("INGEST_MAIL_MAX_ATTACHMENT_BYTES", str(1024 * 1024))
    mb = make_mailbox(folder)
    oversized = kit.edition_mail([("第1版.pdf", b"%PDF-1.4\n" + os.urandom(1536 * 1024))], subject="oversized")
    bomb = kit.edition_mail([("版面.zip", kit.zip_bomb())], subject="bomb")
    corrupt = kit.edition_mail([("第1版.pdf", kit.corrupt_pdf())], subject="corrupt")
    stranger = kit.edition_mail([("第1版.pdf", kit.page_pdf(2)[0])], subject="stranger", sender="who@example.com")
    append(mb, folder, oversized, bomb, corrupt, stranger, edition_mail)
    got = Collector()
    report = mb.poll(got)
    assert len(report.delivered) == 1 and len(got.editions) == 1
    reasons = {q.subject: q.record.reason for q in mb.quarantined()}
    assert set(reasons) == {"oversized", "bomb", "corrupt", "stranger"}
    assert "attachment 第1版.pdf is 1572873 bytes, over the cap of 1048576" in reasons["oversized"]
    assert "zip bomb" in reasons["bomb"]
    assert "第1版.pdf: not a readable PDF" in reasons["corrupt"]
    assert reasons["stranger"] == "unknown sender who@example.com: no paper's mail.senders lists it"
    assert mb.quarantine_count() == 4
    assert folder_flags(mb, folder) and len(folder_flags(mb, folder)) == 1  # only the good one stays
    assert mb.poll(got).quarantined == []


def test_a_message_over_the_size_cap_is_quarantined_without_being_downloaded(folder, edition_mail):
    mb = make_mailbox(folder, INGEST_MAIL_MAX_MESSAGE_BYTES="50000")
    append(mb, folder, edition_mail)

    def deliver(_):  # noqa: ANN001
        raise AssertionError("an oversized message must not be delivered")

    report = mb.poll(deliver)
    [(_, reason)] = report.quarantined
    assert reason.startswith(f"message is {len(edition_mail)} bytes, over the cap of 50000 bytes")
    assert "not downloaded" in reason


def test_a_requeued_message_is_taken_by_the_next_poll(folder, edition_mail, tmp_path, monkeypatch):
    mb = make_mailbox(folder)
    stranger = kit.edition_mail([("第2版.pdf", kit.page_pdf(2)[0])], subject="from a new address",
                                sender="desk@zjgrrb.example")
    append(mb, folder, stranger)
    got = Collector()
    assert len(mb.poll(got).quarantined) == 1
    [q] = mb.quarantined()
    assert q.record.folder == folder and "unknown sender desk@zjgrrb.example" in q.record.reason
    # The operator adds the address to the paper's allowlist, then re-queues the message.
    config = (REPO / "ingest" / "papers" / "zjgrrb.toml").read_text(encoding="utf-8")
    (tmp_path / "zjgrrb.toml").write_text(config.replace('senders = ["zjgrxw@163.com"]',
                                                         'senders = ["zjgrxw@163.com", "desk@zjgrrb.example"]'))
    monkeypatch.setenv("INGEST_PAPERS_DIR", str(tmp_path))
    assert mb.requeue([q.uid]) == [(q.uid, folder)]
    assert mb.quarantine_count() == 0
    report = mb.poll(got)
    assert len(report.delivered) == 1 and got.editions[0].articles[0].page == 2
    with pytest.raises(InputError, match=f"no message with UID {q.uid}"):
        mb.requeue([q.uid])


def test_a_dovecot_restart_between_polls_repeats_and_loses_nothing(folder, edition_mail):
    first = kit.edition_mail([("第1版.pdf", kit.page_pdf(1)[0])], subject="before the restart")
    second = kit.edition_mail([("第2版.pdf", kit.page_pdf(2)[0])], subject="after the restart")
    mb = make_mailbox(folder)
    append(mb, folder, first)
    got = Collector()
    assert len(mb.poll(got).delivered) == 1
    out = subprocess.run(["bash", str(REPO / "deploy" / "dovecot.sh"), "restart"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    # A new worker process: nothing carried over but Redis and the server's own state.
    again = make_mailbox(folder)
    append(again, folder, second)
    report = again.poll(got)
    assert len(report.delivered) == 1
    assert [e.articles[0].page for e in got.editions] == [1, 2]


def test_a_new_uidvalidity_rescans_the_folder_without_repeating_processed_mail(folder, edition_mail):
    mb = make_mailbox(folder)
    append(mb, folder, edition_mail)
    got = Collector()
    mb.poll(got)
    old = mb.state.cursor(folder)
    with session(mb.s) as c:  # the folder is rebuilt, e.g. restored from a backup: new UIDVALIDITY, UIDs from 1
        c.delete_folder(folder)
    time.sleep(1.1)  # dovecot derives UIDVALIDITY from the clock
    append(mb, folder, edition_mail, flags=(PROCESSED_KEYWORD.encode(),))
    append(mb, folder, kit.edition_mail([("第2版.pdf", kit.page_pdf(2)[0])], subject="new"))
    report = mb.poll(got)
    assert len(report.delivered) == 1 and got.editions[-1].articles[0].page == 2
    assert mb.state.cursor(folder).uidvalidity != old.uidvalidity


def test_processed_mail_can_be_moved_instead_of_flagged(folder, edition_mail):
    mb = make_mailbox(folder, INGEST_IMAP_PROCESSED=f"move:{folder}-done")
    append(mb, folder, edition_mail)
    assert len(mb.poll(Collector()).delivered) == 1
    assert folder_flags(mb, folder) == []
    assert len(folder_flags(mb, f"{folder}-done")) == 1


def test_a_service_outage_during_delivery_defers_the_message_without_flagging_it(folder, edition_mail):
    mb = make_mailbox(folder)
    append(mb, folder, edition_mail)

    def broker_down(_):  # noqa: ANN001
        raise ServiceError("cannot reach the broker")

    report = mb.poll(broker_down)
    assert report.deferred and not report.delivered and not report.quarantined
    assert PROCESSED_KEYWORD.encode() not in folder_flags(mb, folder)[0]
    assert len(mb.poll(Collector()).delivered) == 1


def test_idle_wakes_up_when_mail_arrives(folder, edition_mail):
    mb = make_mailbox(folder)
    append(mb, folder, edition_mail)
    mb.poll(Collector())
    result: dict[str, object] = {}

    def wait() -> None:
        started = time.monotonic()
        result["woke"] = mb.wait_for_mail(poll_seconds=60)
        result["after"] = time.monotonic() - started

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(1.5)
    append(mb, folder, kit.edition_mail([("第2版.pdf", kit.page_pdf(2)[0])], subject="new"))
    t.join(30)
    assert result.get("woke") is True and result["after"] < 15


def test_a_watch_loop_delivers_mail_that_arrives_while_it_idles(folder, edition_mail):
    mb = make_mailbox(folder)
    got = Collector()
    stop = threading.Event()
    t = threading.Thread(target=mb.watch, args=(got, stop.is_set), kwargs={"poll_seconds": 60}, daemon=True)
    t.start()
    time.sleep(2)
    append(mb, folder, edition_mail)
    deadline = time.monotonic() + 30
    while not got.editions and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    t.join(15)
    assert len(got.editions) == 1


def test_starttls_works_and_a_wrong_password_is_refused_without_showing_it():
    s = MailboxSettings.from_env(dovecot_env(INGEST_IMAP_TLS="starttls",
                                             INGEST_IMAP_PORT=os.environ.get("INGEST_IMAP_STARTTLS_PORT", "10143")))
    connect(s).logout()
    wrong = "not-the-Password-42"
    with pytest.raises(ConfigError) as e:
        connect(MailboxSettings.from_env(dovecot_env(INGEST_IMAP_PASSWORD=wrong)))
    assert "refused the login of 'ingest'" in str(e.value) and wrong not in str(e.value)


def test_a_server_certificate_nobody_vouched_for_is_refused():
    env = dovecot_env()
    env["INGEST_IMAP_CA_FILE"] = str(REPO / "tests" / "fixtures" / "mail" / "kit.py")  # not a CA at all
    with pytest.raises(ConfigError, match="INGEST_IMAP_CA_FILE .*kit.py: no usable CA certificate"):
        connect(MailboxSettings.from_env(env))
    env.pop("INGEST_IMAP_CA_FILE")
    env["INGEST_VAR"] = "/nonexistent-var"  # no local CA file either: only the system's CAs
    with pytest.raises(ConfigError, match="TLS certificate is not trusted"):
        connect(MailboxSettings.from_env(env))
