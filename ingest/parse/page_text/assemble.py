"""Threads → articles: headline stacks split, bylines applied, photos given their credits, text cleaned,
and a warning for whatever an editor would otherwise have to discover (a caption cut short, an
article without headline)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Article
from ingest.parse.chars import count_cjk, narrow, no_space, squash_spaces, tidy_heading
from ingest.parse.page_text.classify import PHONE_RE
from ingest.parse.page_text.headlines import quoted_names, split_stack, stack_lines
from ingest.parse.page_text.threads import Thread, Weave, is_caption_like


@dataclass
class Assembled:
    articles: list[Article]
    warnings: list[str]
    notes: dict[int, str]  # block index → assembly decisions (--explain)


def assemble(w: Weave, page: int | None, page_text: str) -> Assembled:
    quoted = quoted_names(page_text)
    notes: dict[int, str] = {}
    warnings: list[str] = []
    photos = give_credits(w, notes)
    threads = sorted(w.threads, key=lambda t: t.start)
    items: list[tuple[int, Article]] = []
    built: dict[int, Article] = {}
    for t in threads:
        kind = "photo" if t.id in photos or t.kind == "photo" else t.kind
        if kind == "notice":
            items.append((t.start, notice_item(t, page)))
            continue
        a = Article(page=page, kind="photo" if kind == "photo" else "article")
        lines = stack_lines([(h.block.text, h.block.font_size) for h in t.headings])
        stack, why = split_stack(lines, quoted)
        a.pretitle, a.title, a.subtitle, a.column = stack.pretitle, stack.title, stack.subtitle, stack.column
        if t.headings and why:
            notes[t.headings[0].block.index] = "; ".join(why)
        if t.label:
            a.title = tidy_heading(t.label)
        if t.byline is not None:
            a.dateline, a.authors = t.byline.dateline, list(t.byline.authors)
        a.authors += [au for au in t.signed + t.credits if au not in a.authors]
        a.body = "\n".join(clean_paragraph(p.text, p.heading) for p in t.paras if p.text.strip())
        a.continues_on, a.continued_from = t.continues_on, t.continued_from
        a.continues_on_label, a.continued_from_label = t.jump_labels.get("on"), t.jump_labels.get("from")
        warnings += item_warnings(t, a)
        items.append((t.start, a))
        built[t.id] = a
    give_box_columns(threads, built)
    for orphan in w.orphans:
        text = " ".join(tidy_heading(h.block.text.replace("\n", " ")) for h in orphan)
        warnings.append(f"headline(s) with no article text on this page, kept as a notice: {text}")
        items.append((orphan[0].block.index, Article(page=page, kind="notice", title=text)))
    for index, authors in w.credits:
        if index not in notes:
            items.append((index, Article(page=page, kind="photo", authors=list(authors))))
            notes[index] = "photo credit with no caption: a photo item of its own"
    items.sort(key=lambda it: it[0])
    articles = [a for _, a in items]
    if not any(a.kind == "article" for a in articles):
        warnings.append("no article text found on this page (only "
                        + (", ".join(sorted({a.kind for a in articles})) or "masthead and stray lines") + ")")
    return Assembled(articles, warnings, notes)


def give_credits(w: Weave, notes: dict[int, str]) -> set[int]:
    """Give each stand-alone photo credit to the nearest caption-like item before it (else after it);
    returns the ids of the threads that are photos."""
    photos = {t.id for t in w.threads if t.kind == "photo"}
    for index, authors in w.credits:
        candidates = [t for t in w.threads if is_caption_like(t)]
        if not candidates:
            continue
        before = [t for t in candidates if t.start < index]
        home = max(before, key=lambda t: t.start) if before else min(candidates, key=lambda t: t.start)
        home.credits += authors
        photos.add(home.id)
        notes[index] = f"credit of the photo {home.describe()} (nearest caption without a credit)"
    return photos


def give_box_columns(threads: list[Thread], built: dict[int, Article]) -> None:
    """A box (开栏的话) belongs to the series of the article it sits in (the one whose headlines were
    printed above it), else of the article that follows it: it takes that article's column."""
    for i, t in enumerate(threads):
        box = built.get(t.id)
        if t.kind != "box" or box is None or box.column:
            continue
        host = built.get(t.host) if t.host is not None else None
        if host is None:
            host = next((built[n.id] for n in threads[i + 1:] if n.kind == "article" and n.id in built), None)
        if host is not None:
            box.column = host.column


def clean_paragraph(text: str, heading: bool = False) -> str:
    return tidy_heading(text) if heading else squash_spaces(narrow(text))


def item_warnings(t: Thread, a: Article) -> list[str]:
    what = f"{a.kind} {a.title!r}" if a.title else f"{a.kind} starting {a.body[:12]!r}"
    out = []
    if t.open_para is not None and a.continues_on is None:
        out.append(f"{what} ends mid-sentence (…{t.paras[-1].text.strip()[-8:]}); the rest is not in this page's "
                   "text")
    if a.kind == "article" and not t.label and not a.dateline and not a.authors and not a.continued_from and a.body:
        out.append(f"{what} has no dateline or byline in this page's text; check that its start is not missing "
                   f"(it opens: {a.body[:12]}…)")
    if a.kind == "article" and not a.title:
        rest = f" (the rest of an article from page {a.continued_from})" if a.continued_from else ""
        out.append(f"{what} has no headline in this page's text{rest}")
    return out


def notice_item(t: Thread, page: int | None) -> Article:
    """A hotline, ad or notice box: the words of its first worded line as the title (without the phone
    number), its lines as the body, less a line that is the title and nothing else."""
    lines = [tidy_heading(ln) for p in t.paras for ln in p.text.splitlines() if ln.strip()]
    title = ""
    for ln in lines:
        words = PHONE_RE.sub("", no_space(narrow(ln))).strip(" :：,，")
        if count_cjk(words) >= 2:
            title = words if len(words) <= 40 else ""
            break
    body = [ln for ln in lines if ln != title]
    return Article(page=page, kind="notice", title=title, body="\n".join(body))

