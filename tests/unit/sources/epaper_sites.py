"""Helpers of the site-parsing tests: the fixture sites and their edition data."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.encoding import decode_html

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
EDITION = json.loads((SITES / "zjgrrb-2020-06-25.json").read_text(encoding="utf-8"))
FOUNDER = SITES / "founder-gbk"
PCLAYOUT = SITES / "pclayout-utf8"
RMRB = SITES / "rmrb"
FOUNDER_URL = "http://epaper.zjgrrb.com/"
RMRB_URL = "http://paper.people.com.cn/rmrb/"


def text_of(path: Path) -> str:
    return decode_html(path.read_bytes(), str(path)).text


def data_article(article_id: int) -> dict:
    for page in EDITION["pages"]:
        for a in page["articles"]:
            if a["id"] == article_id:
                return a
    raise KeyError(article_id)


def page_one_titles() -> list[str]:
    return [a["title"] for a in EDITION["pages"][0]["articles"]]
