"""The fetcher against a real HTTP server on 127.0.0.1 and the real Redis: politeness and safety."""

from __future__ import annotations

import os
import ssl
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from ingest.sources.fetch import FetchPolicy, Fetcher, NotFound, Refused, RetryLater, TooLarge
from tests.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("INGEST_TEST_REDIS", "redis://127.0.0.1:6379") + "/8"
PAGE = "founder-gbk/html/2020-06/25/node_2.htm"
ARTICLE = "founder-gbk/html/2020-06/25/content_2713181.htm"


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(REDIS_URL)
    try:
        c.ping()
    except redis.RedisError as e:
        pytest.exit(f"Redis is not reachable at {REDIS_URL} ({e}); run the tests with deploy/test.sh", 3)
    yield c
    c.close()


@pytest.fixture
def prefix(client) -> Iterator[str]:
    p = f"test-site-{uuid.uuid4().hex[:8]}"
    yield p
    for key in client.scan_iter(f"{p}:*"):
        client.delete(key)


class Sleeps(list):
    """Records the waits the fetcher asks for, and waits them (scaled down when asked)."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(seconds * self.scale)


def fetcher(client, prefix, sleep=None, resolve=None, **policy) -> Fetcher:
    defaults = dict(allowed_hosts=frozenset({"127.0.0.1"}), allow_private=("127.0.0.1/32",), rate=50.0, burst=50,
                    backoff=0.05, read_timeout=5.0, retries=3)
    defaults.update(policy)
    return Fetcher(FetchPolicy(**defaults), client, prefix=prefix, sleep=sleep if sleep is not None else Sleeps(),
                   resolve=resolve)


def test_fetches_bytes_as_served_and_then_asks_conditionally(site, client, prefix):
    f = fetcher(client, prefix)
    first = f.get(site.url(PAGE))
    assert first.status == 200 and first.content == (site.root / PAGE).read_bytes()
    assert first.sha256 and first.etag
    second = f.get(site.url(PAGE))
    assert second.not_modified and second.content is None
    assert second.sha256 == first.sha256
    assert site.hits(PAGE)[-1].headers.get("If-None-Match") == first.etag


def test_unconditional_get_when_asked_to_refetch(site, client, prefix):
    f = fetcher(client, prefix)
    f.get(site.url(PAGE))
    again = f.get(site.url(PAGE), conditional=False)
    assert again.status == 200 and again.content
    assert "If-None-Match" not in site.hits(PAGE)[-1].headers


def test_missing_page_is_not_found(site, client, prefix):
    with pytest.raises(NotFound, match="404"):
        fetcher(client, prefix).get(site.url("founder-gbk/html/2020-06/26/node_2.htm"))


def test_429_waits_as_long_as_retry_after_says_then_succeeds(site, client, prefix):
    site.throttle(PAGE, times=1, retry_after=1)
    sleeps = Sleeps()
    result = fetcher(client, prefix, sleeps).get(site.url(PAGE))
    assert result.status == 200 and result.attempts == 2
    assert sleeps == [1.0]
    hits = site.hits(PAGE)
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 0.95


def test_503_with_a_retry_after_beyond_patience_is_handed_back(site, client, prefix):
    site.throttle(PAGE, times=5, retry_after=3600, status=503)
    with pytest.raises(RetryLater) as err:
        fetcher(client, prefix).get(site.url(PAGE))
    assert err.value.after == 3600 and err.value.status == 503
    assert len(site.hits(PAGE)) == 1


def test_retries_back_off_exponentially_and_then_give_up(site, client, prefix):
    site.throttle(PAGE, times=10, retry_after=None, status=503)
    sleeps = Sleeps()
    with pytest.raises(RetryLater, match="4 attempts"):
        fetcher(client, prefix, sleeps, backoff=0.05, retries=3).get(site.url(PAGE))
    assert len(sleeps) == 3
    for i, s in enumerate(sleeps):
        assert 0.05 * 2 ** i * 0.8 <= s <= 0.05 * 2 ** i * 1.2
    assert len(site.hits(PAGE)) == 4


def test_a_slow_answer_times_out_and_is_retried(site, client, prefix):
    site.slow(PAGE, delay=1.5, times=1)
    result = fetcher(client, prefix, read_timeout=0.5).get(site.url(PAGE))
    assert result.status == 200 and result.attempts == 2


def test_a_site_that_stays_slow_ends_in_retry_later(site, client, prefix):
    site.slow(PAGE, delay=1.0)
    with pytest.raises(RetryLater, match="timed out"):
        fetcher(client, prefix, read_timeout=0.3, retries=1).get(site.url(PAGE))


def test_redirects_on_allowed_hosts_are_followed(site, client, prefix):
    site.redirect("founder-gbk/latest", site.url(PAGE))
    result = fetcher(client, prefix).get(site.url("founder-gbk/latest"))
    assert result.final_url == site.url(PAGE)
    assert result.redirects == (site.url(PAGE),)


def test_redirect_loops_are_cut_at_the_cap(site, client, prefix):
    site.redirect("a", "/b")
    site.redirect("b", "/a")
    with pytest.raises(Refused, match="more than 3 redirects"):
        fetcher(client, prefix, max_redirects=3).get(site.url("a"))
    assert len(site.requests) <= 5  # robots.txt + 4 hops


def test_redirect_to_a_private_address_is_refused_before_connecting(site, client, prefix):
    site.redirect("founder-gbk/latest", "http://169.254.169.254/latest/meta-data/")
    f = fetcher(client, prefix, allowed_hosts=frozenset({"127.0.0.1", "169.254.169.254"}))
    with pytest.raises(Refused, match="169.254.169.254 is 169.254.169.254, a private"):
        f.get(site.url("founder-gbk/latest"))


def test_redirect_to_a_host_the_paper_does_not_allow_is_refused(site, client, prefix):
    site.redirect("founder-gbk/latest", "http://ads.example.com/landing")
    with pytest.raises(Refused, match="'ads.example.com' is not allowed"):
        fetcher(client, prefix).get(site.url("founder-gbk/latest"))


def test_loopback_is_refused_unless_the_config_allows_it(site, client, prefix):
    with pytest.raises(Refused, match="127.0.0.1, a private, loopback"):
        fetcher(client, prefix, allow_private=False).get(site.url(PAGE))
    assert site.hits(PAGE) == []


@pytest.mark.parametrize("announce", [True, False], ids=["announced", "streamed"])
def test_a_huge_page_is_capped(site, client, prefix, announce):
    site.huge("founder-gbk/huge.htm", 5_000_000, announce_length=announce)
    with pytest.raises(TooLarge, match="1000000 bytes"):
        fetcher(client, prefix, max_bytes=1_000_000).get(site.url("founder-gbk/huge.htm"))


def test_robots_txt_is_obeyed_for_our_user_agent(site, client, prefix):
    with pytest.raises(Refused, match="robots.txt"):
        fetcher(client, prefix).get(site.url("founder-gbk/private/page.htm"))
    with pytest.raises(Refused, match="robots.txt"):
        fetcher(client, prefix, user_agent="GreedyBot/1.0").get(site.url(PAGE))
    assert site.hits(PAGE) == []


def test_robots_txt_is_read_only_up_to_its_cap_while_streaming(site, client, prefix):
    """A robots.txt of a gigabyte: the fetcher stops reading at the cap, the rules before it apply."""
    head = b"User-agent: *\nDisallow: /founder-gbk/private/\n# filler follows\n#"
    site.huge("robots.txt", 1 << 30, announce_length=False, head=head)
    f = fetcher(client, prefix)
    assert f.get(site.url(PAGE)).status == 200
    with pytest.raises(Refused, match="robots.txt"):
        f.get(site.url("founder-gbk/private/page.htm"))
    assert len(site.hits("robots.txt")) == 1
    # What the server got out before the client hung up: the cap and the sockets' buffers, not the gigabyte.
    assert site.sent["/robots.txt"] < 64 * 1024 * 1024


def test_robots_txt_rules_follow_rfc9309_on_a_real_fetch(site, client, prefix):
    site.serve("robots.txt", b"User-agent: *\nDisallow: /*.pdf$\nDisallow: /founder-gbk/html/\n"
                             b"Allow: /founder-gbk/html/2020-06\n", headers={"Content-Type": "text/plain"})
    f = fetcher(client, prefix)
    assert f.get(site.url(PAGE)).status == 200  # the longer Allow wins
    with pytest.raises(Refused, match="robots.txt"):
        f.get(site.url("founder-gbk/html/2019-01/01/node_2.htm"))
    with pytest.raises(Refused, match="robots.txt"):
        f.get(site.url("founder-gbk/pdf/2020-06/25/page_01.pdf"))


def test_robots_txt_is_read_once_for_all_workers(site, client, prefix):
    a, b = fetcher(client, prefix), fetcher(client, prefix)
    a.get(site.url(PAGE))
    b.get(site.url(ARTICLE))
    assert len(site.hits("robots.txt")) == 1


def test_the_configured_user_agent_is_sent(site, client, prefix):
    fetcher(client, prefix, user_agent="zjgrrb-archive/2.0 (+ops@example.org)").get(site.url(PAGE))
    assert site.hits(PAGE)[-1].headers["User-Agent"] == "zjgrrb-archive/2.0 (+ops@example.org)"


def test_two_workers_share_one_rate_per_host(site, client, prefix):
    # Two fetchers stand for two worker processes: together they keep to 4 requests a second.
    a = fetcher(client, prefix, rate=4.0, burst=1)
    b = fetcher(client, prefix, rate=4.0, burst=1)
    a.get(site.url("robots.txt"))  # robots.txt read first, outside the measured requests
    site.reset()
    started = time.monotonic()
    for i in range(6):
        (a if i % 2 else b).get(site.url(PAGE), conditional=False)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.1  # 6 requests at 4/s with a bucket of 1: at least 5 gaps of 0.25 s
    gaps = [y.at - x.at for x, y in zip(site.requests, site.requests[1:])]
    assert min(gaps) >= 0.2


def test_header_charset_is_handed_back_with_the_bytes(site, client, prefix):
    site.content_type(PAGE, "text/html; charset=GBK")
    result = fetcher(client, prefix).get(site.url(PAGE))
    assert result.content_type == "text/html; charset=GBK"


class Rebinding:
    """A hostile DNS server: its first answer is `first`, every later one `then` (DNS rebinding)."""

    def __init__(self, first: str, then: str) -> None:
        self.first, self.then = first, then
        self.asked: list[str] = []

    def __call__(self, host: str) -> list[str]:
        answer = [self.first if not self.asked else self.then]
        self.asked.append(host)
        return answer


def test_the_connection_goes_to_the_checked_address_not_to_a_rebound_one(site, client, prefix):
    # The rebinding target listens on the same port of another loopback address, not allowed by the policy:
    # a client that resolved the name again to connect would reach it (or fail to resolve paper.test).
    with FixtureSite(host="127.0.0.2", port=site.port) as target:
        dns = Rebinding("127.0.0.1", "127.0.0.2")
        f = fetcher(client, prefix, resolve=dns, allowed_hosts=frozenset({"paper.test"}), obey_robots=False)
        result = f.get(f"http://paper.test:{site.port}/{PAGE}")
        assert target.requests == []
    assert result.status == 200 and result.content == (site.root / PAGE).read_bytes()
    assert [h.headers["Host"] for h in site.hits(PAGE)] == [f"paper.test:{site.port}"]
    assert dns.asked == ["paper.test"]


def test_a_rebound_answer_at_the_next_request_is_checked_again_and_refused(site, client, prefix):
    dns = Rebinding("127.0.0.1", "10.11.12.13")
    f = Fetcher(FetchPolicy(allowed_hosts=frozenset({"paper.test"}), allow_private=("127.0.0.1/32",),
                            obey_robots=False, rate=50.0, burst=50), client, prefix=prefix, resolve=dns)
    assert f.get(f"http://paper.test:{site.port}/{PAGE}").status == 200
    with pytest.raises(Refused, match="paper.test is 10.11.12.13, a private"):
        f.get(f"http://paper.test:{site.port}/{ARTICLE}")
    assert site.hits(ARTICLE) == []


def _self_signed(name: str, directory: Path) -> tuple[Path, Path]:
    """A certificate for `name` (and its key), signed by itself: the test's own CA."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.mark.parametrize("certified, fetched", [("paper.test", True), ("other.test", False)],
                         ids=["certificate-of-the-name", "certificate-of-another-name"])
def test_tls_to_the_pinned_address_sends_and_verifies_the_original_name(client, prefix, tmp_path, certified,
                                                                         fetched):
    cert_file, key_file = _self_signed(certified, tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    sni: list[str | None] = []
    server_tls.sni_callback = lambda sock, name, ctx: sni.append(name)
    client_tls = ssl.create_default_context(cafile=str(cert_file))
    with FixtureSite(tls=server_tls) as secure:
        f = Fetcher(FetchPolicy(allowed_hosts=frozenset({"paper.test"}), allow_private=("127.0.0.1/32",),
                                obey_robots=False, rate=50.0, burst=50, retries=0),
                    client, prefix=prefix, resolve=lambda host: ["127.0.0.1"], verify=client_tls)
        url = f"https://paper.test:{secure.port}/{PAGE}"
        if fetched:
            assert f.get(url).content == (secure.root / PAGE).read_bytes()
            assert secure.hits(PAGE)[0].headers["Host"] == f"paper.test:{secure.port}"
        else:
            with pytest.raises(RetryLater, match="CERTIFICATE_VERIFY_FAILED|certificate"):
                f.get(url)
            assert secure.hits(PAGE) == []
    assert sni and set(sni) == {"paper.test"}
