"""Join and splice: classified blocks → threads, one per article, box, photo or notice.

Reading order on a printed page interleaves columns: an article's paragraph stops mid-sentence at a
column end and goes on after a photo caption, a hotline box or another article's headline. The
weaver walks the blocks once, keeps every unfinished paragraph open, and gives each body block to the
paragraph it completes (see joins.py) or, failing that, to the article being read. Headlines wait
until the text they head appears; a headline that interrupts a paragraph goes to an article that has
none (layouts put a headline beside its article's later columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.model import Author
from ingest.parse.conventions import jump_at_end_labelled, jump_at_start_labelled
from ingest.parse.page_text.blocks import join_lines
from ingest.parse.page_text.bylines import Byline, split_trailing_byline
from ingest.parse.page_text.classify import Classified
from ingest.parse.page_text.joins import continuation_evidence, is_open


@dataclass
class Para:
    text: str
    blocks: list[int]
    heading: bool = False  # a sub-heading, kept as a paragraph of its article
    source: Classified | None = None  # the headline block a sub-heading came from


@dataclass
class Thread:
    id: int
    kind: str  # article | box | photo | notice
    headings: list[Classified] = field(default_factory=list)
    label: str = ""  # a box's fixed title (开栏的话)
    byline: Byline | None = None
    paras: list[Para] = field(default_factory=list)
    credits: list[Author] = field(default_factory=list)  # photographers
    signed: list[Author] = field(default_factory=list)  # authors named at the end of the text
    continues_on: int | None = None
    continued_from: int | None = None
    jump_labels: dict[str, str] = field(default_factory=dict)  # "on"/"from" → the printed label (A04)
    blocks: list[int] = field(default_factory=list)  # every block it took, headings included
    touched: int = 0  # when it last took text: the most recent open paragraph wins ties
    host: int | None = None  # for a box: the article whose headlines were printed above it

    @property
    def start(self) -> int:
        return min(self.blocks) if self.blocks else 0

    @property
    def established(self) -> bool:
        """Known to be a running article: it has a byline, a box title or more than one paragraph."""
        return self.byline is not None or self.kind == "box" or len(self.paras) >= 2

    @property
    def open_para(self) -> Para | None:
        if self.paras and not self.paras[-1].heading and is_open(self.paras[-1].text):
            return self.paras[-1]
        return None

    def describe(self) -> str:
        if self.label:
            return f"box {self.label}"
        if self.headings:
            return f"article {self.headings[0].block.text.splitlines()[0][:16]!r}"
        if self.paras:
            return f"{self.kind} starting {self.paras[0].text[:12]!r}"
        return f"{self.kind} #{self.id}"


MAX_CAPTION_CHARS = 200


def is_caption_like(t: Thread) -> bool:
    """Headline and one short paragraph, no byline, no jump: what a photo with its caption looks like."""
    return (t.kind in ("article", "photo") and t.byline is None and len(t.paras) <= 1 and not t.credits
            and t.continues_on is None and t.continued_from is None
            and sum(len(p.text) for p in t.paras) <= MAX_CAPTION_CHARS and (bool(t.headings) or bool(t.paras)))


@dataclass
class Weave:
    threads: list[Thread]
    notes: dict[int, str]  # block index → what the weaver did with it
    credits: list[tuple[int, list[Author]]]  # photo credits not yet given to a photo
    orphans: list[list[Classified]]  # headline stacks no text was found for


class _Weaver:
    def __init__(self) -> None:
        self.threads: list[Thread] = []
        self.pending: list[Classified] = []  # headlines waiting for their text
        self.deferred: list[Classified] = []  # headlines seen before a box: they wait for the next article
        self.box: Thread | None = None  # the box those deferred headlines were printed above
        self.pending_from: int | None = None
        self.pending_from_label = ""
        self.current: Thread | None = None  # the article being read
        self.previous: Thread | None = None  # the thread that took the block just before, if any
        self.notes: dict[int, str] = {}
        self.credits: list[tuple[int, list[Author]]] = []
        self.tick = 0

    def new_thread(self, kind: str, c: Classified | None) -> Thread:
        t = Thread(id=len(self.threads) + 1, kind=kind)
        if c is not None:
            t.blocks.append(c.block.index)
        self.threads.append(t)
        return t

    def take_headings(self, t: Thread) -> None:
        if self.deferred and self.box is not None:
            self.box.host = t.id
        stack = self.deferred + self.pending
        self.deferred, self.pending = [], []
        t.headings += stack
        t.blocks += [h.block.index for h in stack]
        for h in stack:
            self.notes[h.block.index] = f"headline of {t.describe()}"
        if self.pending_from is not None:
            t.continued_from, self.pending_from = self.pending_from, None
            t.jump_labels["from"] = self.pending_from_label

    def feed(self, c: Classified) -> None:
        handler = getattr(self, "on_" + c.cls)
        handler(c)

    def on_masthead(self, c: Classified) -> None:
        self.notes[c.block.index] = "edition metadata, not article text"

    def on_noise(self, c: Classified) -> None:
        self.notes[c.block.index] = "ignored"

    def on_headline(self, c: Classified) -> None:
        self.pending.append(c)
        self.previous = None
        self.notes[c.block.index] = "headline waiting for its text"

    def on_label(self, c: Classified) -> None:
        box = self.new_thread("box", c)
        box.label = c.block.text.strip()
        # Headlines above a box title head the article the box sits in, not the box.
        self.deferred += self.pending
        self.pending = []
        self.box = box
        self.current = box
        self.previous = None
        self.notes[c.block.index] = f"starts {box.describe()}"

    def on_notice(self, c: Classified) -> None:
        last = self.threads[-1] if self.threads else None
        if c.data and c.data.get("same_notice") and last is not None and last.kind == "notice":
            last.paras.append(Para(c.block.text, [c.block.index]))
            last.blocks.append(c.block.index)
            self.notes[c.block.index] = f"part of notice item #{last.id}"
            return
        t = self.new_thread("notice", c)
        t.paras.append(Para(c.block.text, [c.block.index]))
        self.previous = None
        self.notes[c.block.index] = f"its own notice item #{t.id}; it interrupts nothing"

    def on_credit(self, c: Classified) -> None:
        assert c.data is not None
        t = self.previous
        if t is not None and is_caption_like(t):
            # A credit right under a headline-and-short-text item closes it as a photo.
            t.kind = "photo"
            t.credits += c.data["authors"]
            t.blocks.append(c.block.index)
            self.notes[c.block.index] = f"credit of the photo {t.describe()}, printed right under its caption"
            if self.current is t:
                self.current = None
            self.previous = None
            return
        if t is not None and self.split_photo_off(t, c):
            return
        self.credits.append((c.block.index, c.data["authors"]))
        self.previous = None
        self.notes[c.block.index] = "photo credit, given to a photo item when the page is assembled"

    def split_photo_off(self, t: Thread, c: Classified) -> bool:
        """A credit right under what was read as a sub-heading and a short paragraph of an article:
        they were a photo's title and caption standing between two paragraphs. Split them off."""
        if t.kind != "article" or len(t.paras) < 3 or not t.paras[-2].heading or t.paras[-2].source is None:
            return False
        caption = t.paras[-1]
        if caption.heading or len(caption.text) > MAX_CAPTION_CHARS or is_open(caption.text):
            return False
        title = t.paras[-2]
        del t.paras[-2:]
        photo = self.new_thread("photo", c)
        assert title.source is not None
        photo.headings = [title.source]
        photo.paras = [caption]
        photo.credits += c.data["authors"] if c.data else []
        photo.blocks += title.blocks + caption.blocks
        t.blocks = [b for b in t.blocks if b not in photo.blocks]
        for i in photo.blocks:
            self.notes[i] = f"part of photo item #{photo.id} (a credit follows it)"
        self.notes[c.block.index] = f"credit of photo item #{photo.id}, which stood between two paragraphs"
        self.previous = None
        return True

    def on_jump(self, c: Classified) -> None:
        assert c.data is not None
        page = c.data["page"]
        if c.data["direction"] == "on":
            # The jump ends the running article, not a photo caption read last.
            running = sorted((t for t in self.threads if t.kind in ("article", "box") and t.paras
                              and not is_caption_like(t)), key=lambda t: t.touched)
            t = self.current if self.current is not None and not is_caption_like(self.current) else \
                (running[-1] if running else None)
            if t is None:
                self.notes[c.block.index] = "jump line with no article before it: ignored"
                return
            t.continues_on = page
            t.jump_labels["on"] = c.data["label"]
            t.blocks.append(c.block.index)
            self.notes[c.block.index] = f"{t.describe()} continues on page {page}"
        elif self.current is not None and not self.current.paras:
            self.current.continued_from = page
            self.current.jump_labels["from"] = c.data["label"]
            self.notes[c.block.index] = f"{self.current.describe()} is continued from page {page}"
        else:
            self.pending_from, self.pending_from_label = page, c.data["label"]
            self.notes[c.block.index] = f"the next article is continued from page {page}"

    def on_byline(self, c: Classified) -> None:
        assert c.byline is not None
        cur = self.current
        if not c.byline.rest and not c.byline.dateline and not self.pending and cur is not None \
                and cur.byline is not None and not cur.paras:
            # 本报记者 X / 通讯员 Y on lines of their own: one byline.
            cur.byline.authors += c.byline.authors
            cur.blocks.append(c.block.index)
            self.notes[c.block.index] = f"more authors of {cur.describe()}"
            return
        t = self.new_thread("article", c)
        t.byline = c.byline
        self.take_headings(t)
        self.current = t
        if c.byline.rest:
            self.add_text(t, c, c.byline.rest, new_para=True)
        self.previous = t
        self.notes[c.block.index] = f"starts {t.describe()}"

    def on_caption(self, c: Classified) -> None:
        assert c.data is not None
        t = self.new_thread("photo", c)
        if len(self.pending) == 1:
            t.headings, self.pending = self.pending, []
            t.blocks.append(t.headings[0].block.index)
            self.notes[t.headings[0].block.index] = f"title of photo item #{t.id}"
        t.paras.append(Para(c.data["text"], [c.block.index]))
        t.credits += c.data["authors"]
        self.previous = None
        self.notes[c.block.index] = f"caption of photo item #{t.id}, with its credit"

    def on_body(self, c: Classified) -> None:
        text = c.block.text.strip()
        target, why = self.continuation_for(text)
        if target is not None:
            para = target.paras[-1]
            self.notes[c.block.index] = (f"completes the unfinished paragraph of {target.describe()} "
                                         f"(…{para.text[-4:]} + {text[:4]}…): {why}")
            self.add_text(target, c, text, new_para=False)
            if self.pending:
                self.place_interrupting_headlines(target)
        elif self.pending:
            self.start_after_headlines(c, text)
        elif self.current is None or self.current.kind not in ("article", "box"):
            t = self.new_thread("article", c)
            self.take_headings(t)
            self.add_text(t, c, text, new_para=True)
            self.notes[c.block.index] = "text with no headline or byline before it: starts an article"
        else:
            self.add_text(self.current, c, text, new_para=True)
            self.notes[c.block.index] = f"next paragraph of {self.current.describe()}"
        if target is None and c.data and c.data.get("subheading") and self.current is not None \
                and self.current.paras and self.current.paras[-1].blocks == [c.block.index]:
            self.current.paras[-1].heading = True  # never the start of a sentence to complete
        self.previous = self.current

    def start_after_headlines(self, c: Classified, text: str) -> None:
        """Body text right after headlines: a sub-heading of the article being read, a headline placed
        after its article's first paragraph, or the start of a new article."""
        cur = self.current
        single = len(self.pending) == 1 and len(self.pending[0].block.lines) == 1
        # Neither a sub-heading nor a displaced headline sits inside a sentence: after an unfinished
        # paragraph that this text does not complete, the headline and the text are something else.
        between_paragraphs = cur is not None and cur.kind == "article" and bool(cur.paras) and cur.open_para is None
        if single and not self.deferred and between_paragraphs:
            assert cur is not None
            h = self.pending.pop()
            cur.paras.append(Para(h.block.text.strip(), [h.block.index], heading=True, source=h))
            cur.blocks.append(h.block.index)
            self.notes[h.block.index] = f"sub-heading inside {cur.describe()} (one line, no byline after it)"
            self.add_text(cur, c, text, new_para=True)
            self.notes[c.block.index] = f"paragraph of {cur.describe()} after a sub-heading"
            return
        if not self.deferred and between_paragraphs and cur is not None and cur.byline is not None \
                and not cur.headings:
            for h in self.pending:
                self.notes[h.block.index] = f"headline of {cur.describe()}, printed after its first paragraph"
            cur.headings, self.pending = self.pending, []
            cur.blocks += [h.block.index for h in cur.headings]
            self.add_text(cur, c, text, new_para=True)
            self.notes[c.block.index] = f"paragraph of {cur.describe()} (its headline came after its start)"
            return
        t = self.new_thread("article", c)
        self.take_headings(t)
        self.current = t
        self.add_text(t, c, text, new_para=True)
        self.notes[c.block.index] = f"first paragraph of {t.describe()} (headline, no byline)"

    def place_interrupting_headlines(self, target: Thread) -> None:
        """Headlines that sat inside a paragraph head the article that has none: the one whose paragraph
        they interrupt, else the nearest one before them."""
        candidates = [t for t in self.threads if t.kind == "article" and not t.headings and t.byline is not None]
        if target in candidates:
            home: Thread | None = target
        else:
            at = self.pending[0].block.index
            before = [t for t in candidates if t.start < at]
            home = max(before, key=lambda t: t.start) if before else None
        if home is None:
            return  # they stay pending: the text they head may come later
        for h in self.pending:
            self.notes[h.block.index] = f"headline of {home.describe()}, printed inside its text"
        home.headings, self.pending = self.pending, []
        home.blocks += [h.block.index for h in home.headings]

    def continuation_for(self, text: str) -> tuple[Thread | None, str]:
        """The thread whose unfinished paragraph `text` completes, and why; (None, "") if none does."""
        open_threads = [t for t in self.threads if t.kind in ("article", "box") and t.open_para is not None]
        if not open_threads:
            return None, ""
        best: tuple[int, int, Thread, str] | None = None
        for t in open_threads:
            ev = continuation_evidence(t.paras[-1].text, text)
            if ev.strong:
                score = 3
            elif ev.against or self.pending:
                # A headline between the two halves of a sentence needs word-level proof of the join.
                continue
            elif t is self.current and (t.established or t is self.previous):
                # Without proof, only the article being read goes on: its column continues here.
                score = 1
            else:
                continue
            if best is None or (score, t.touched) > (best[0], best[1]):
                best = (score, t.touched, t, ev.why)
        if best is None:
            return None, ""
        return best[2], best[3]

    def add_text(self, t: Thread, c: Classified, text: str, new_para: bool) -> None:
        text, from_page, from_label = jump_at_start_labelled(text)
        text, on_page, on_label = jump_at_end_labelled(text)
        text, signed = split_trailing_byline(text)
        t.signed += signed
        if from_page is not None:
            t.continued_from, t.jump_labels["from"] = from_page, from_label or ""
        if on_page is not None:
            t.continues_on, t.jump_labels["on"] = on_page, on_label or ""
        if new_para or not t.paras:
            t.paras.append(Para(text, [c.block.index]))
        else:
            t.paras[-1].text = join_lines([t.paras[-1].text, text.lstrip()])
            t.paras[-1].blocks.append(c.block.index)
        if c.block.index not in t.blocks:
            t.blocks.append(c.block.index)
        self.tick += 1
        t.touched = self.tick
        self.current = t if t.kind in ("article", "box") else self.current

    def finish(self) -> Weave:
        orphans: list[list[Classified]] = []
        stack = self.deferred + self.pending
        if stack:
            headless = [t for t in self.threads if t.kind == "article" and not t.headings and t.byline is not None]
            if headless:
                home = min(headless, key=lambda t: abs(t.start - stack[0].block.index))
                home.headings = stack
                home.blocks += [h.block.index for h in stack]
                for h in stack:
                    self.notes[h.block.index] = f"headline of {home.describe()} (it has no other)"
            else:
                orphans.append(stack)
                for h in stack:
                    self.notes[h.block.index] = "headline with no text on this page"
        return Weave(self.threads, self.notes, self.credits, orphans)


def weave(items: Sequence[Classified]) -> Weave:
    """Threads in order of creation, with a note per block saying what was done with it."""
    w = _Weaver()
    for c in items:
        w.feed(c)
    return w.finish()
