"""The zh-analysis Elasticsearch plugin (deploy/es-plugin): built, installed and loaded by the running node.

Talks to the Elasticsearch at $INGEST_ES_URL (default http://127.0.0.1:9200), which must have been started
by deploy/es.sh (it builds and installs the plugin). The plugin missing is a failure, not a skip: CI
installs it. The expected words are what smartcn really produces, including its splits (疗休养 → 疗/休养,
names char by char); the sentences come from the 浙江工人日报 2020-06-25 page 1 sample.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from elasticsearch import BadRequestError, Elasticsearch

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PLUGIN_DIR = REPO / "deploy" / "es-plugin"
PLUGIN_NAME = "zh-analysis"


def versions() -> dict[str, str]:
    pins = {}
    for line in (REPO / "deploy" / "versions.env").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            pins[key] = value
    return pins


@pytest.fixture(scope="module")
def es() -> Elasticsearch:
    client = Elasticsearch(os.environ.get("INGEST_ES_URL", "http://127.0.0.1:9200"), request_timeout=30)
    client.cluster.health(wait_for_status="yellow", timeout="30s")
    return client


def analyze(es: Elasticsearch, text: str, **chain) -> list[str]:
    return [t["token"] for t in es.indices.analyze(text=text, **chain)["tokens"]]


def words(es: Elasticsearch, text: str) -> list[str]:
    return analyze(es, text, tokenizer="zh_smartcn_words", filter=["zh_smartcn_stop"])


# --- installed and loaded ---------------------------------------------------------------------------


def test_node_lists_the_plugin_at_the_pinned_version(es):
    listed = {p["component"]: p["version"] for p in es.cat.plugins(format="json")}
    assert listed.get(PLUGIN_NAME) == versions()["ZH_PLUGIN_VERSION"], f"plugins on the node: {listed}"


def test_plugin_is_built_for_the_pinned_elasticsearch(es):
    node = next(iter(es.nodes.info(metric="plugins")["nodes"].values()))
    plugin = next(p for p in node["plugins"] if p["name"] == PLUGIN_NAME)
    assert plugin["elasticsearch_version"] == versions()["ES_VERSION"] == node["version"]
    assert plugin["classname"] is None, "a stable plugin has no Plugin class"


# --- zh_smartcn_words -------------------------------------------------------------------------------


def test_smartcn_splits_the_provincial_federation_into_province_and_federation(es):
    assert words(es, "省总工会给杨惠荣的任务是") == ["省", "总工会", "给", "杨", "惠", "荣", "的", "任务", "是"]
    assert words(es, "浙江省总工会官方微信公众账号")[:2] == ["浙江省", "总工会"]


def test_smartcn_keeps_needy_workers_as_two_words(es):
    assert words(es, "全省工会人携起困难职工的手") == ["全省", "工会", "人", "携", "起", "困难", "职工", "的", "手"]


def test_smartcn_splits_recuperation_leave_like_jieba_does(es):
    # 疗休养 is not in smartcn's dictionary: the word field alone cannot match it as one term, so
    # phrase queries (positions 疗, 休养 adjacent) have to carry it.
    assert words(es, "从疗休养帮扶到推动立法") == ["从", "疗", "休养", "帮扶", "到", "推动", "立法"]


def test_smartcn_words_carry_offsets_into_the_original_text(es):
    text = "红色旅游和工会疗休养有效融合"
    tokens = es.indices.analyze(text=text, tokenizer="zh_smartcn_words")["tokens"]
    assert all(text[t["start_offset"] : t["end_offset"]] == t["token"] for t in tokens)
    assert [t["position"] for t in tokens] == list(range(len(tokens)))


def test_smartcn_emits_punctuation_as_commas_that_the_stop_filter_drops(es):
    text = "今年是脱贫攻坚战的收官之年，发挥工会优势。"
    assert analyze(es, text, tokenizer="zh_smartcn_words").count(",") == 2
    assert "," not in words(es, text)
    assert words(es, text)[:5] == ["今年", "是", "脱贫", "攻坚战", "的"]


def test_smartcn_folds_full_width_latin_and_digits_to_lower_case_ascii(es):
    assert words(es, "ＣＮ３３－００１８ Hello") == ["cn", "33", "0018", "hello"]


# --- zh_cjk_width -----------------------------------------------------------------------------------


def test_width_filter_folds_full_width_letters_and_digits(es):
    # The bare server has no whitespace or keyword tokenizer (they live in analysis-common).
    assert analyze(es, "ＡＢＣ１２３ 第１１５５７号", tokenizer="standard", filter=["zh_cjk_width"]) == [
        "ABC123",
        "第",
        "11557",
        "号",
    ]


def test_width_filter_widens_half_width_katakana(es):
    assert analyze(es, "ｶﾀｶﾅ", tokenizer="standard", filter=["zh_cjk_width"]) == ["カタカナ"]


def test_width_filter_folds_wildcard_query_terms_too(es):
    index = f"test-zh-width-{uuid.uuid4().hex[:8]}"
    folded = {"type": "custom", "tokenizer": "standard", "filter": ["zh_cjk_width", "lowercase"]}
    es.indices.create(
        index=index,
        settings={"number_of_replicas": 0, "analysis": {"analyzer": {"folded": folded}}},
        mappings={"properties": {"code": {"type": "text", "analyzer": "folded"}}},
    )
    try:
        es.index(index=index, document={"code": "CN33 0018"}, refresh=True)
        query = {"query_string": {"query": "ｃｎ３*", "default_field": "code"}}
        assert es.search(index=index, query=query)["hits"]["total"]["value"] == 1
    finally:
        es.indices.delete(index=index)


def test_width_filter_is_refused_in_keyword_normalizers(es):
    # Elasticsearch only lets its own normalizing filters into a normalizer, and a stable-API filter
    # cannot declare itself one: keyword fields fold width client-side (ingest.normalize) instead.
    with pytest.raises(BadRequestError) as err:
        es.indices.create(
            index=f"test-zh-width-{uuid.uuid4().hex[:8]}",
            settings={"analysis": {"normalizer": {"folded": {"type": "custom", "filter": ["zh_cjk_width"]}}}},
        )
    assert "may not use filter [zh_cjk_width]" in str(err.value.info)


# --- zh_cjk_bigram ----------------------------------------------------------------------------------


def test_bigram_filter_produces_overlapping_bigrams_and_leaves_latin_alone(es):
    assert analyze(es, "困难职工脱困 hello", tokenizer="standard", filter=["zh_cjk_bigram"]) == [
        "困难",
        "难职",
        "职工",
        "工脱",
        "脱困",
        "hello",
    ]


def test_bigram_filter_can_also_emit_unigrams(es):
    chain = {"tokenizer": "standard", "filter": [{"type": "zh_cjk_bigram", "output_unigrams": True}]}
    assert analyze(es, "疗休养", **chain) == ["疗", "疗休", "休", "休养", "养"]


def test_bigram_filter_leaves_ignored_scripts_as_single_characters(es):
    chain = {"tokenizer": "standard", "filter": [{"type": "zh_cjk_bigram", "ignored_scripts": ["han"]}]}
    assert analyze(es, "困难职工", **chain) == ["困", "难", "职", "工"]


def test_bigram_filter_rejects_an_unknown_script_naming_the_valid_ones(es):
    chain = {"tokenizer": "standard", "filter": [{"type": "zh_cjk_bigram", "ignored_scripts": ["latin"]}]}
    with pytest.raises(BadRequestError) as err:
        analyze(es, "困难职工", **chain)
    assert "unknown script [latin]" in str(err.value.info)


# --- zh_smartcn analyzer and a real index -----------------------------------------------------------


def test_smartcn_analyzer_chains_words_width_lowercase_and_stop(es):
    assert analyze(es, "记者杜成敏报道：ＡＢＣ Running", analyzer="zh_smartcn") == [
        "记者",
        "杜",
        "成",
        "敏",
        "报道",
        "abc",
        "running",
    ]


@pytest.fixture
def words_index(es):
    index = f"test-zh-words-{uuid.uuid4().hex[:8]}"
    es.indices.create(
        index=index,
        settings={
            "number_of_replicas": 0,
            "analysis": {
                "analyzer": {
                    "zh_words": {
                        "type": "custom",
                        "tokenizer": "zh_smartcn_words",
                        "filter": ["zh_cjk_width", "lowercase", "zh_smartcn_stop"],
                    },
                    "zh_bigrams": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["zh_cjk_width", "zh_cjk_bigram"],
                    },
                }
            },
        },
        mappings={
            "properties": {
                "body": {
                    "type": "text",
                    "analyzer": "zh_words",
                    "fields": {"bigrams": {"type": "text", "analyzer": "zh_bigrams"}},
                }
            }
        },
    )
    docs = [
        "在仙居县上张乡姚岸村，省总工会派驻的村第一书记杨惠荣说起了他的致富经。",
        "红色旅游和工会疗休养有效融合，地下兵工厂等旅游设施成功建成。",
        "全省共筹集帮扶资金2.35亿元，帮扶各级各类困难职工41.9万人次。",
        "职工困难时期的互助，难以一概而论。",
    ]
    for i, body in enumerate(docs):
        es.index(index=index, id=str(i), document={"body": body})
    es.indices.refresh(index=index)
    yield index
    es.indices.delete(index=index)


def hit_ids(es, index, query) -> set[str]:
    return {h["_id"] for h in es.search(index=index, query=query)["hits"]["hits"]}


def test_word_field_finds_the_federation_inside_the_provincial_federation(es, words_index):
    assert hit_ids(es, words_index, {"match": {"body": "总工会"}}) == {"0"}


def test_word_field_phrase_finds_recuperation_leave_only_where_it_is_written(es, words_index):
    assert hit_ids(es, words_index, {"match_phrase": {"body": "疗休养"}}) == {"1"}


def test_word_field_phrase_for_needy_workers_skips_the_reordered_words(es, words_index):
    assert hit_ids(es, words_index, {"match": {"body": "困难职工"}}) == {"2", "3"}
    assert hit_ids(es, words_index, {"match_phrase": {"body": "困难职工"}}) == {"2"}


def test_bigram_field_phrase_matches_needy_workers(es, words_index):
    assert hit_ids(es, words_index, {"match_phrase": {"body.bigrams": "困难职工"}}) == {"2"}


# --- install.sh -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch_home(tmp_path_factory) -> Path:
    """An Elasticsearch home of our own that shares the real one's programs but has empty plugins/,
    so the install script can be exercised without touching the running node."""
    es_sh = REPO / "deploy" / "es.sh"
    real = Path(subprocess.run(["bash", str(es_sh), "home"], check=True, capture_output=True, text=True).stdout.strip())
    assert (real / "bin" / "elasticsearch-plugin").exists(), f"no Elasticsearch unpacked at {real}"
    home = tmp_path_factory.mktemp("es-home")
    for part in ("bin", "lib", "modules"):
        (home / part).symlink_to(real / part)
    shutil.copytree(real / "config", home / "config")
    (home / "plugins").mkdir()
    return home


def run_install(home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ES_HOME": str(home)}
    done = subprocess.run([str(PLUGIN_DIR / "install.sh")], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def built_zip() -> Path:
    done = subprocess.run([str(PLUGIN_DIR / "install.sh"), "build"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_build_names_the_zip_after_the_pinned_plugin_version():
    assert built_zip().name == f"{PLUGIN_NAME}-{versions()['ZH_PLUGIN_VERSION']}.zip"


def test_install_script_installs_the_plugin_with_its_named_components(scratch_home):
    run_install(scratch_home)
    installed = scratch_home / "plugins" / PLUGIN_NAME
    descriptor = (installed / "stable-plugin-descriptor.properties").read_text(encoding="utf-8")
    assert f"elasticsearch.version={versions()['ES_VERSION']}" in descriptor
    assert (installed / f"lucene-analysis-smartcn-{versions()['SMARTCN_VERSION']}.jar").exists()
    components = (installed / "named_components.json").read_text(encoding="utf-8")
    for name in ("zh_smartcn_words", "zh_smartcn_stop", "zh_cjk_width", "zh_cjk_bigram", "zh_smartcn"):
        assert f'"{name}"' in components


def test_install_script_leaves_an_identical_install_untouched(scratch_home):
    run_install(scratch_home)
    installed = scratch_home / "plugins" / PLUGIN_NAME
    before = {p.name: p.stat().st_mtime_ns for p in installed.iterdir()}
    again = run_install(scratch_home)
    assert "already installed" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in installed.iterdir()} == before


def test_install_script_replaces_an_install_of_another_build(scratch_home):
    run_install(scratch_home)
    descriptor = scratch_home / "plugins" / PLUGIN_NAME / "stable-plugin-descriptor.properties"
    other = descriptor.read_text(encoding="utf-8").replace("\nversion=", "\nversion=0.")
    descriptor.write_text(other, encoding="utf-8")
    again = run_install(scratch_home)
    assert "replacing" in again.stderr
    with zipfile.ZipFile(built_zip()) as z:
        assert descriptor.read_bytes() == z.read("stable-plugin-descriptor.properties")
