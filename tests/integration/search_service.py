"""An index built by the real pipeline steps from the real sample page, and `ingest serve` over it as a
real process on a free port: what the search service tests (API and browser) run against."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import opencc

from tests.conftest import REPO, SAMPLE_PAGE

# The sample page's article that the search tests look for (浙江工人日报 2020-06-25, page 1).
PRETITLE = "16个结对名额10小时被“抢”完"
TITLE = "一条朋友圈信息圆了困难学子上学梦"  # as normalized: the space between its two lines dropped
# A reprint of it in traditional characters by another paper, the next day: one near-duplicate group.
REPRINT = {"paper": "hzrb", "paper_name": "杭州日报", "date": "2020-06-26", "title": "一條朋友圈信息圓夢"}


def build_index(env: dict[str, str]) -> dict[str, str]:
    """Index the sample page (archive → parse → normalize → dedup → index, as a worker does) and the
    reprint; returns {"article": id of the article, "reprint": id of the reprint}."""
    from ingest.archive import Archive
    from ingest.config import Settings
    from ingest.model import Edition
    from ingest.pipeline import (
        archive_file,
        dedup_step,
        index_step,
        make_hints,
        normalize_step,
        parse_step,
    )

    s = Settings.from_env(env)
    archive = Archive(s.archive_dir)
    source = archive_file(str(SAMPLE_PAGE), archive)
    hints = make_hints(SAMPLE_PAGE.name, paper="zjgrrb", url=SAMPLE_PAGE.resolve().as_uri())
    payload = dedup_step(normalize_step(parse_step(source.to_dict(), hints, archive)))
    ids = index_step(payload, s)["ids"]
    edition = Edition.from_dict(payload["edition"])
    found = [(i, a) for i, a in zip(ids, edition.articles, strict=True) if a.title == TITLE]
    assert found, f"the sample page no longer parses into {TITLE!r}"
    article_id, article = found[0]
    s2t = opencc.OpenCC("s2t")
    reprint = article.to_dict() | {"page": 3, "page_label": "03", "pretitle": "", "title": REPRINT["title"],
                                   "subtitle": "", "body": s2t.convert(article.body), "url": None}
    other = {"paper": REPRINT["paper"], "paper_name": REPRINT["paper_name"], "date": REPRINT["date"],
             "issue_number": None, "pages": [{"number": 3, "name": "城市", "url": None, "pdf_url": None}],
             "articles": [reprint], "masthead": {}, "warnings": []}
    # First printed with a typo, then corrected under the same source key: the reprint has a version.
    typo = reprint["body"].replace("學子", "學仔")
    first = other | {"articles": [reprint | {"source_key": "content_42", "body": typo}]}
    final = other | {"articles": [reprint | {"source_key": "content_42"}]}
    for n, edition_dict in enumerate((first, final)):
        src = {"kind": "file", "uri": f"file:///reprint/hzrb-2020-06-26-03-v{n}.txt", "archive_hash": f"{n}" * 64}
        reprint_ids = index_step({"source": src, "hints": {"name": "reprint"}, "edition": edition_dict}, s)["ids"]
    return {"article": article_id, "reprint": reprint_ids[0]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running_service(env: dict[str, str], log: Path) -> Iterator[Service]:
    """`ingest serve` on a free port of 127.0.0.1, up once /health answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=REPO, env=os.environ | env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"ingest serve exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"ingest serve did not answer in 60 s: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield Service(url=url, proc=proc, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
