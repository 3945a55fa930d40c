import pytest

from ingest.errors import ConfigError
from ingest.papers import get_paper, paper_by_name


def test_zjgrrb_is_configured_with_its_name_time_zone_and_site():
    p = get_paper("zjgrrb")
    assert p.name == "浙江工人日报"
    assert p.timezone == "Asia/Shanghai"
    assert "epaper.zjgrrb.com" in p.site.allowed_hosts
    assert paper_by_name("浙江工人日报") == p


def test_unknown_paper_lists_the_configured_ones():
    with pytest.raises(ConfigError, match="unknown paper 'nope'.*zjgrrb"):
        get_paper("nope")


def test_a_paper_config_in_the_extra_folder_is_loaded_and_a_broken_one_is_named(tmp_path, monkeypatch):
    from ingest.papers import _registry

    (tmp_path / "demo.toml").write_text('id = "demo"\nname = "示例日报"\n', encoding="utf-8")
    monkeypatch.setenv("INGEST_PAPERS_DIR", str(tmp_path))
    _registry.cache_clear()
    assert get_paper("demo").name == "示例日报"
    (tmp_path / "bad.toml").write_text('id = "bad"\n', encoding="utf-8")
    _registry.cache_clear()
    with pytest.raises(ConfigError, match=r"bad\.toml: name: Field required"):
        get_paper("demo")
    _registry.cache_clear()
