"""Analyzer profiles: the best Chinese analysis the cluster offers, chosen when an index version is created.

The template (mappings/articles-v1.json) is the bare profile: per-character fields (the phrase-exact
fields every profile keeps) and character bigrams. A profile adds a `words` sub-field, segmented inside
Elasticsearch, to the text fields (searches rank by it: ingest.search), and uses the best width folding and
bigram filter at hand. Index and search analysis are the same analyzer everywhere except IK's words field, which
indexes max-word (overlapping) words and searches smart words, as IK intends; phrase queries stay on the
per-character fields, where overlapping tokens cannot break them.

Profiles, best first (a name from $INGEST_ANALYSIS_PROFILE picks one instead, if the cluster offers it):
- zh-analysis: the project's own plugin (deploy/es-plugin): smartcn HMM words, CJK width and bigrams;
- ik: the IK plugin (analysis-ik), max-word at index time, smart at search time;
- smartcn: the official analysis-smartcn plugin (the same HMM words as ours);
- icu: the official analysis-icu plugin (ICU's dictionary-based word breaks, NFKC case folding);
- bare: the template as it is.
The choice is recorded in the index's _meta (analysis_profile, analysis), which `ingest status` shows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from ingest.config import settings
from ingest.errors import ConfigError

WORDS_SUBFIELD = "words"
# Text fields that get the in-Elasticsearch words sub-field (dotted paths into the mapping's properties).
WORDS_TARGETS = ("pretitle", "title", "subtitle", "body", "zhs.title", "zhs.body")
COMMON_MODULE = "analysis-common"  # whitespace, cjk_width, cjk_bigram... in full distributions only


@dataclass(frozen=True)
class Profile:
    name: str
    plugins: frozenset[str]  # any one of these plugin names on every node offers the profile
    words: str  # what segments the words, for people reading the index metadata
    build: Callable[[frozenset[str]], dict[str, Any]]  # cluster components -> fragment (see _fragment)

    def offered_by(self, components: frozenset[str]) -> bool:
        return not self.plugins or bool(self.plugins & components)


def _fragment(analyzers: dict[str, Any], words: dict[str, Any] | None) -> dict[str, Any]:
    """analyzers: settings.analysis.analyzer entries to add or replace; words: the mapping of the words
    sub-field, or None for no sub-field."""
    return {"analyzers": analyzers, "words": words}


def _chars_and_bigrams(width: str | None, bigram: str | None) -> dict[str, Any]:
    """The per-character and bigram analyzers with the given width-folding and bigram filters (None
    keeps the template's: no folding, shingles of the standard tokenizer's single characters)."""
    folding = [width] if width else []
    return {
        "zh_chars": {"type": "custom", "tokenizer": "standard", "filter": [*folding, "lowercase"]},
        "zh_bigrams": {"type": "custom", "tokenizer": "standard",
                       "filter": [*folding, "lowercase", bigram or "zh_shingle_bigram"]},
    }


def _common_filters(components: frozenset[str]) -> tuple[str | None, str | None]:
    return ("cjk_width", "cjk_bigram") if COMMON_MODULE in components else (None, None)


def _zh_analysis(components: frozenset[str]) -> dict[str, Any]:
    analyzers = _chars_and_bigrams("zh_cjk_width", "zh_cjk_bigram")
    analyzers["zh_words_es"] = {"type": "custom", "tokenizer": "zh_smartcn_words",
                                "filter": ["zh_cjk_width", "lowercase", "zh_smartcn_stop"]}
    return _fragment(analyzers, {"type": "text", "analyzer": "zh_words_es"})


def _ik(components: frozenset[str]) -> dict[str, Any]:
    return _fragment(_chars_and_bigrams(*_common_filters(components)),
                     {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"})


def _smartcn(components: frozenset[str]) -> dict[str, Any]:
    width, bigram = _common_filters(components)
    analyzers = _chars_and_bigrams(width, bigram)
    analyzers["zh_words_es"] = {"type": "custom", "tokenizer": "smartcn_tokenizer",
                                "filter": [*([width] if width else []), "lowercase", "smartcn_stop"]}
    return _fragment(analyzers, {"type": "text", "analyzer": "zh_words_es"})


def _icu(components: frozenset[str]) -> dict[str, Any]:
    analyzers = _chars_and_bigrams(*_common_filters(components))
    # icu_normalizer defaults to nfkc_cf: width folding and case folding in one.
    analyzers["zh_words_es"] = {"type": "custom", "tokenizer": "icu_tokenizer", "filter": ["icu_normalizer"]}
    return _fragment(analyzers, {"type": "text", "analyzer": "zh_words_es"})


def _bare(components: frozenset[str]) -> dict[str, Any]:
    return _fragment({}, None)


PROFILES: tuple[Profile, ...] = (
    Profile("zh-analysis", frozenset({"zh-analysis"}), "smartcn HMM (project plugin zh-analysis)", _zh_analysis),
    Profile("ik", frozenset({"analysis-ik", "ik"}), "IK max-word / smart (analysis-ik)", _ik),
    Profile("smartcn", frozenset({"analysis-smartcn"}), "smartcn HMM (analysis-smartcn)", _smartcn),
    Profile("icu", frozenset({"analysis-icu"}), "ICU word breaks (analysis-icu)", _icu),
    Profile("bare", frozenset(), "none (character bigrams rank)", _bare),
)


def profile_named(name: str) -> Profile:
    for p in PROFILES:
        if p.name == name:
            return p
    raise ConfigError(f"unknown analysis profile {name!r}; the profiles are {', '.join(p.name for p in PROFILES)}")


def cluster_components(es: Elasticsearch) -> frozenset[str]:
    """Names of the plugins and modules that every node of the cluster has."""
    nodes = es.nodes.info(metric="plugins")["nodes"].values()
    per_node = [{p["name"] for p in n.get("plugins", [])} | {m["name"] for m in n.get("modules", [])} for n in nodes]
    return frozenset(set.intersection(*per_node)) if per_node else frozenset()


def offered_profiles(components: frozenset[str]) -> list[Profile]:
    """The profiles these components allow, best first (bare always last)."""
    return [p for p in PROFILES if p.offered_by(components)]


def choose(components: frozenset[str], wanted: str | None = None) -> Profile:
    """The profile for a new index: `wanted` when given (it must be offered), else the best offered."""
    offered = offered_profiles(components)
    if not wanted:
        return offered[0]
    profile = profile_named(wanted)
    if profile not in offered:
        raise ConfigError(f"analysis profile {wanted!r} needs one of the plugins {sorted(profile.plugins)} on every "
                          f"node; this cluster offers {', '.join(p.name for p in offered)}")
    return profile


def _field(properties: dict[str, Any], dotted: str) -> dict[str, Any] | None:
    *parents, leaf = dotted.split(".")
    for name in parents:
        properties = properties.get(name, {}).get("properties", {})
    return properties.get(leaf)


def apply_profile(body: dict[str, Any], profile: Profile, components: frozenset[str]) -> dict[str, Any]:
    """A copy of the index body (settings, mappings) with `profile` applied and recorded in _meta."""
    out = copy.deepcopy(body)
    fragment = profile.build(components)
    analysis = out["settings"].setdefault("analysis", {})
    analysis.setdefault("analyzer", {}).update(fragment["analyzers"])
    word_fields = []
    if fragment["words"]:
        properties = out["mappings"]["properties"]
        for target in WORDS_TARGETS:
            field = _field(properties, target)
            if field is not None and field.get("type") == "text":
                field.setdefault("fields", {})[WORDS_SUBFIELD] = dict(fragment["words"])
                word_fields.append(f"{target}.{WORDS_SUBFIELD}")
    meta = out["mappings"].setdefault("_meta", {})
    meta["analysis_profile"] = profile.name
    meta["analysis"] = {"profile": profile.name, "words": profile.words, "word_fields": word_fields,
                        "plugins": sorted(c for p in PROFILES for c in p.plugins & components)}
    return out


def wanted_profile() -> str | None:
    """$INGEST_ANALYSIS_PROFILE: force a profile (evaluation, tests); empty means the best offered."""
    return settings().analysis_profile


def apply_best_profile(body: dict[str, Any], es: Elasticsearch, wanted: str | None = None) -> dict[str, Any]:
    """The index body adapted to the best analysis `es` offers (or to `wanted`/$INGEST_ANALYSIS_PROFILE)."""
    components = cluster_components(es)
    return apply_profile(body, choose(components, wanted or wanted_profile()), components)
