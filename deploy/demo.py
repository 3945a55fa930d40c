"""The local demo: the product's main job, watched from the outside.

Run by `deploy/local.sh demo` once the services, the workers, the beat and the mail watcher are up, and
the demo e-paper site is served on 127.0.0.1 (deploy/demo-site.sh). Nothing here ingests anything itself:
it does what an operator or a paper does from the outside, then watches the running workers do the job.

1. Asks for a discovery of the demo paper's site once (beat repeats it on the paper's schedule after).
2. Puts the mailed edition into the local IMAP inbox, as the paper's mail desk would; the mail watcher
   (IMAP IDLE) takes it.
3. Shows the progress of both editions until every article of each is searchable.
4. Runs searches: one only the mailed edition answers, one whose near-duplicates collapse, then shows
   `ingest status`.

A second run finds both editions indexed, says so, and changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "demo"
MANIFEST = HERE / "edition.json"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Edition:
    """One of the two editions the demo follows: which documents are its own and how many it has."""

    label: str
    paper: str
    date: str
    kind: str  # the source kind of its documents: site or mail
    articles: int

    def query(self) -> dict:
        return {"bool": {"filter": [{"term": {"paper": self.paper}}, {"term": {"date": self.date}},
                                    {"term": {"sources.kind": self.kind}}]}}


def ingest(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The CLI as a newcomer runs it; its output goes straight to the terminal."""
    proc = subprocess.run([str(VENV_BIN / "ingest"), *args], text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"demo: `ingest {' '.join(args)}` failed (exit {proc.returncode})")
    return proc


def say(text: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[bold cyan]demo[/bold cyan] {text}")


def indexed(es, alias: str, edition: Edition) -> int:  # noqa: ANN001 (an Elasticsearch client)
    if not es.indices.exists_alias(name=alias):
        return 0
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query=edition.query())["count"])


def deliver_mail(raw: bytes) -> None:
    from ingest.sources.mail import MailboxSettings
    from ingest.sources.mail.mailbox import session

    settings = MailboxSettings.from_env()
    folder = settings.folders[0]
    with session(settings) as imap:
        if not imap.folder_exists(folder):
            imap.create_folder(folder)
        imap.append(folder, raw)


def watch(es, alias: str, editions: list[Edition], timeout: float) -> dict[str, int]:  # noqa: ANN001
    """Progress bars until every edition has all its articles searchable; the counts reached."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    counts = {e.label: 0 for e in editions}
    deadline = time.monotonic() + timeout
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=False) as progress:
        bars = {e.label: progress.add_task(e.label, total=e.articles) for e in editions}
        while True:
            for e in editions:
                counts[e.label] = indexed(es, alias, e)
                progress.update(bars[e.label], completed=min(counts[e.label], e.articles))
            if all(counts[e.label] >= e.articles for e in editions) or time.monotonic() > deadline:
                return counts
            time.sleep(1)


def main() -> int:
    from ingest.config import settings
    from ingest.index import client

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    site, mail = (Edition(**manifest[k]) for k in ("site", "mail"))
    s = settings()
    es = client(s)
    timeout = float(os.environ.get("INGEST_DEMO_TIMEOUT", "300"))

    before = {e.label: indexed(es, s.index, e) for e in (site, mail)}
    say(f"1. discovery of {site.paper} on its e-paper site ({manifest['site_url']}); beat repeats it on the "
        "paper's schedule")
    ingest("discover", site.paper, "--wait")
    if before[mail.label] >= mail.articles:
        say(f"2. the mailed edition is already indexed ({before[mail.label]} articles): not mailed again")
    else:
        say(f"2. mailing the edition to the local mailbox as {manifest['mail_from']} would: "
            f"{', '.join(manifest['mail_attachments'])}; the mail watcher takes it")
        deliver_mail((HERE / manifest["mail_file"]).read_bytes())

    say("3. workers fetch, parse, deduplicate and index both editions")
    counts = watch(es, s.index, [site, mail], timeout)
    for e in (site, mail):
        if counts[e.label] < e.articles:
            say(f"[red]{e.label}: {counts[e.label]} of {e.articles} articles searchable after {timeout:.0f} s[/red]; "
                "see var/log/ and `ingest failures`")
            return 1
        if before[e.label] >= e.articles:
            say(f"{e.label}: already indexed, nothing indexed twice ({counts[e.label]} articles)")

    say("4. searches")
    for search in manifest["searches"]:
        say(f"ingest search {' '.join(search['args'])}    [dim]({search['why']})[/dim]")
        ingest("search", *search["args"], "--limit", "3")
    ingest("status", check=False)
    page = os.environ.get("INGEST_DEMO_SEARCH_PAGE")
    if page:
        say(f"5. the search page: {page}  (API: {page}search?q=红船精神, schema at {page}docs)")
    say("services keep running; stop them with: bash deploy/local.sh down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
