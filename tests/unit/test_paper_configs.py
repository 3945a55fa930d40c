"""Paper configs are checked when loaded: unknown keys and wrong types are errors naming file, key and reason."""

import pytest

from ingest.errors import ConfigError
from ingest.papers import BUNDLED, load_paper

GOOD = '''id = "demo"
name = "示例日报"
timezone = "Asia/Shanghai"
schedule = "30 6 * * *"

[site]
family = "founder"
base_url = "http://epaper.example.cn/"
allowed_hosts = ["img.example.cn"]
recheck = "15 9-21/3 * * *"
rate = 0.5
burst = 2
max_pdf_bytes = 1000000
allow_private = ["127.0.0.1/32"]
fetch_pdfs = false

[mail]
address = "desk@example.cn"
senders = ["desk@example.cn", "@example.cn"]
folder = "Papers/demo"
'''


def write(tmp_path, text):
    path = tmp_path / "demo.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_config_is_valid():
    assert [load_paper(p).id for p in sorted(BUNDLED.glob("*.toml"))]


def test_a_full_config_loads_into_typed_tables(tmp_path):
    p = load_paper(write(tmp_path, GOOD))
    assert (p.site.rate, p.site.burst, p.site.fetch_pdfs, p.site.lookback_days) == (0.5, 2, False, 7)
    assert p.site.hosts == frozenset({"epaper.example.cn", "img.example.cn"})
    assert p.mail.senders == ["desk@example.cn", "@example.cn"] and p.mail.folder == "Papers/demo"


@pytest.mark.parametrize("change, message", [
    (("rate = 0.5", "rat = 0.5"), r"\[site\] rat: unknown key"),
    (("folder = ", "fodler = "), r"\[mail\] fodler: unknown key"),
    (('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\nschedul = "0 7 * * *"'), r": schedul: unknown key"),
    (("rate = 0.5", 'rate = "fast"'), r"\[site\] rate: Input should be a valid number"),
    (("burst = 2", 'burst = "2"'), r"\[site\] burst: Input should be a valid integer"),
    (("fetch_pdfs = false", 'fetch_pdfs = "no"'), r"\[site\] fetch_pdfs: Input should be a valid boolean"),
    (('senders = ["desk@example.cn", "@example.cn"]', 'senders = "desk@example.cn"'),
     r"\[mail\] senders: Input should be a valid list"),
    (('family = "founder"', 'family = "fonder"'), r"\[site\] family: unknown site family 'fonder'; known families:"),
    (('family = "founder"\n', ''), r"\[site\] family: Field required"),
    (('allow_private = ["127.0.0.1/32"]', 'allow_private = ["nope"]'), r"\[site\] allow_private: 'nope' is not a network"),
    (('recheck = "15 9-21/3 * * *"', 'recheck = "every 3 hours"'), r"\[site\] recheck: 'every 3 hours': five crontab"),
    (('rate = 0.5', 'rate = -1'), r"\[site\] rate: Input should be greater than 0"),
    (('timezone = "Asia/Shanghai"', 'timezone = "Asia/Peking"'), r": timezone: unknown timezone 'Asia/Peking'"),
])
def test_a_wrong_key_or_type_names_the_file_the_key_and_the_reason(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError, match=r"^paper config .*demo\.toml" + ".*" + message) as e:
        load_paper(path)
    assert "\n" not in str(e.value)


def test_several_problems_are_named_together_on_one_line(tmp_path):
    path = write(tmp_path, GOOD.replace("rate = 0.5", "rat = 0.5").replace("burst = 2", "burst = 2.5"))
    with pytest.raises(ConfigError) as e:
        load_paper(path)
    assert "[site] rat: unknown key" in str(e.value) and "[site] burst: Input should be a valid integer" in str(e.value)


def test_broken_toml_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match=r"demo\.toml: .*line 1"):
        load_paper(write(tmp_path, "id = \n"))
