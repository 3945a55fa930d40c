"""Analyzer profiles as pure functions of what a cluster offers. The profiles of plugins this machine cannot
install (IK, the official smartcn and icu) are checked here for referring only to components those plugins
and the server really have; the zh-analysis and bare profiles are also run on the real server
(tests/integration/test_es_plugin_profiles.py)."""

from __future__ import annotations

import pytest

from ingest import analysis
from ingest.errors import ConfigError
from ingest.index import load_template

SERVER = {"tokenizers": {"standard"}, "filters": {"lowercase", "stop", "shingle"}, "analyzers": {"whitespace"}}
COMMON = {"tokenizers": {"whitespace", "keyword", "pattern"}, "filters": {"cjk_width", "cjk_bigram"}}
PLUGIN_COMPONENTS = {
    "zh-analysis": {"tokenizers": {"zh_smartcn_words"},
                    "filters": {"zh_cjk_width", "zh_cjk_bigram", "zh_smartcn_stop"}, "analyzers": {"zh_smartcn"}},
    "analysis-ik": {"tokenizers": {"ik_smart", "ik_max_word"}, "analyzers": {"ik_smart", "ik_max_word"}},
    "analysis-smartcn": {"tokenizers": {"smartcn_tokenizer"}, "filters": {"smartcn_stop"}, "analyzers": {"smartcn"}},
    "analysis-icu": {"tokenizers": {"icu_tokenizer"}, "filters": {"icu_normalizer", "icu_folding"}},
}
BARE_NODE = frozenset({"x-pack-core", "transport-netty4"})
FULL_NODE = BARE_NODE | {"analysis-common"}


def references(body: dict) -> dict[str, set[str]]:
    """The tokenizers, filters and analyzers that an index body uses but does not define itself."""
    analysis_settings = body["settings"].get("analysis", {})
    defined_filters = set(analysis_settings.get("filter", {}))
    defined_analyzers = set(analysis_settings.get("analyzer", {}))
    used = {"tokenizers": set(), "filters": set(), "analyzers": set()}
    for a in analysis_settings.get("analyzer", {}).values():
        used["tokenizers"].add(a["tokenizer"])
        used["filters"].update(f for f in a.get("filter", []) if f not in defined_filters)
    used["filters"].update(f["type"] for f in analysis_settings.get("filter", {}).values())

    def visit(properties: dict) -> None:
        for field in properties.values():
            for key in ("analyzer", "search_analyzer"):
                if key in field and field[key] not in defined_analyzers:
                    used["analyzers"].add(field[key])
            visit(field.get("properties", {}))
            visit(field.get("fields", {}))

    visit(body["mappings"]["properties"])
    return used


def available(components: frozenset[str]) -> dict[str, set[str]]:
    out = {k: set(v) for k, v in SERVER.items()}
    sources = [COMMON] if "analysis-common" in components else []
    sources += [c for name, c in PLUGIN_COMPONENTS.items() if name in components]
    for source in sources:
        for kind, names in source.items():
            out.setdefault(kind, set()).update(names)
    return out


def test_the_project_plugin_wins_over_every_other_profile():
    everything = FULL_NODE | set(PLUGIN_COMPONENTS)
    assert analysis.choose(frozenset(everything)).name == "zh-analysis"


@pytest.mark.parametrize(("plugins", "expected"), [
    ({"analysis-ik", "analysis-smartcn", "analysis-icu"}, "ik"),
    ({"analysis-smartcn", "analysis-icu"}, "smartcn"),
    ({"analysis-icu"}, "icu"),
    (set(), "bare"),
])
def test_the_best_offered_profile_is_chosen(plugins, expected):
    assert analysis.choose(FULL_NODE | plugins).name == expected


def test_a_forced_profile_is_used_even_when_a_better_one_is_offered():
    assert analysis.choose(BARE_NODE | {"zh-analysis"}, wanted="bare").name == "bare"


def test_forcing_a_profile_the_cluster_lacks_is_a_config_error():
    with pytest.raises(ConfigError, match="needs one of the plugins"):
        analysis.choose(BARE_NODE, wanted="smartcn")


def test_an_unknown_profile_name_is_a_config_error_listing_the_names():
    with pytest.raises(ConfigError, match="zh-analysis, ik, smartcn, icu, bare"):
        analysis.choose(BARE_NODE, wanted="jieba")


@pytest.mark.parametrize("node", [BARE_NODE, FULL_NODE], ids=["bare-server", "full-distribution"])
@pytest.mark.parametrize("plugin", [*PLUGIN_COMPONENTS, None])
def test_every_profile_uses_only_components_its_cluster_has(node, plugin):
    components = node | ({plugin} if plugin else set())
    profile = analysis.choose(components)
    body = analysis.apply_profile(load_template(), profile, components)
    have = available(components)
    for kind, names in references(body).items():
        assert names <= have.get(kind, set()), f"{profile.name} on {sorted(components)} uses missing {kind}"


@pytest.mark.parametrize("plugin", [p for p in PLUGIN_COMPONENTS])
def test_word_profiles_add_words_to_every_text_field_and_keep_the_exact_fields(plugin):
    components = BARE_NODE | {plugin}
    body = analysis.apply_profile(load_template(), analysis.choose(components), components)
    props = body["mappings"]["properties"]
    assert body["mappings"]["_meta"]["analysis"]["word_fields"] == [
        "pretitle.words", "title.words", "subtitle.words", "body.words", "zhs.title.words", "zhs.body.words"]
    for name in ("title", "body"):
        assert props[name]["analyzer"] == "zh_chars", "the per-character phrase field stays the main field"
        assert "words" in props[name]["fields"]


def test_ik_indexes_max_words_and_searches_smart_words():
    components = FULL_NODE | {"analysis-ik"}
    body = analysis.apply_profile(load_template(), analysis.choose(components), components)
    words = body["mappings"]["properties"]["body"]["fields"]["words"]
    assert (words["analyzer"], words["search_analyzer"]) == ("ik_max_word", "ik_smart")


def test_bare_profile_leaves_the_template_analysis_as_it_is_on_a_full_distribution():
    template = load_template()
    body = analysis.apply_profile(template, analysis.choose(FULL_NODE), FULL_NODE)
    assert body["settings"] == template["settings"]
    assert {k: v for k, v in body["mappings"].items() if k != "_meta"} == \
        {k: v for k, v in template["mappings"].items() if k != "_meta"}
    assert body["mappings"]["_meta"]["analysis_profile"] == "bare"


def test_applying_a_profile_does_not_change_the_template_it_was_given():
    template = load_template()
    analysis.apply_profile(template, analysis.choose(BARE_NODE | {"zh-analysis"}), BARE_NODE | {"zh-analysis"})
    assert template == load_template()
