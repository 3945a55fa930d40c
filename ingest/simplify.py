"""Traditional → simplified characters (OpenCC's t2s), skipped for text the conversion cannot change.

A mainland paper prints simplified characters, and OpenCC converts such text to itself at full cost: its
calls were about 5% of a worker's CPU. OpenCC has no question "would this text change", so one is built here
from its own dictionaries (the ones its t2s configuration chains): of every entry whose output differs from
its key, the characters it changes. A text holding none of them is returned as it is. That is exact, not a
guess: every entry that would change some text holds one of those characters, so none matches in this one.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ingest.nfkc import char_pattern

# The standard library's logger: ingest.logs routes its records, and a command that parses need not load it.
log = logging.getLogger(__name__)


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def convert(text: str) -> str:
    """The conversion itself, for a text converted once (a query term): no filter to build first."""
    return _t2s().convert(text) if text else text


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (identity on simplified text)."""
    if not text:
        return text
    changing = _changing()
    if changing is not None and changing.search(text) is None:
        return text
    return _t2s().convert(text)


def _dict_files(step: dict[str, Any]) -> Iterator[str]:
    """The dictionary files of a t2s configuration step, through groups."""
    d = step.get("dict", step)
    if d.get("type") == "group":
        for sub in d["dicts"]:
            yield from _dict_files(sub)
    elif "file" in d:
        yield d["file"]


def _differing(key: str, output: str) -> str:
    """Characters of `key` enough to tell a text that holds the key: those its output changes (沈 of 沈默 →
    沉默, not 默), or the whole key where the output has another length."""
    if len(key) != len(output):
        return key
    return "".join(k for k, o in zip(key, output, strict=True) if k != o)


@cache
def _changing() -> re.Pattern[str] | None:
    """A pattern of the characters t2s may change; None (convert every text) where the installed OpenCC
    does not ship its dictionary tool or t2s configuration, as a build from source may not."""
    try:
        from opencc import clib

        root = Path(clib.__file__).parent
        share = root / "share" / "opencc"
        config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
        steps = config.get("normalization", []) + config["conversion_chain"]
        chars: set[str] = set()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "dict.txt"
            for name in (f for step in steps for f in _dict_files(step)):
                # The tool writes a dictionary as text: a key, a tab, its outputs separated by spaces.
                subprocess.run([str(root / "bin" / "opencc_dict"), "-i", str(share / name), "-o", str(out),
                                "-f", "ocd2", "-t", "text"], check=True, capture_output=True, timeout=60)
                for line in out.read_text(encoding="utf-8").splitlines():
                    key, _, outputs = line.partition("\t")
                    chars.update(_differing(key, outputs.split(" ")[0]))  # the converter writes the first
    except (ImportError, OSError, subprocess.SubprocessError, ValueError, KeyError) as e:
        log.warning("OpenCC's dictionaries unreadable (%s): every text is converted", e)
        return None
    if not chars:
        return None
    return re.compile(char_pattern(sorted(map(ord, chars))))
