"""Bounded PDF work: inflated bytes per stream and per file, content tokens and objects per page.

pdfminer inflates a stream whole (`zlib.decompress`, LZW and RunLength in pure Python) the moment anything
reads it, and retries a damaged stream one input byte at a time, so a few kilobytes that inflate to
gigabytes cost all memory and minutes before any check could run on the result. No PDF library for Python
bounds this, so the decoders pdfminer's `PDFStream.decode` calls are replaced (once, at import) by
versions that stop at the bound of the input being read; the bound is per input through a context
variable, so concurrent reads keep their own budgets. Objects per page are counted by the layout device
while the page is interpreted, so a page of a million glyphs, or forms drawn within forms, stops at the
bound instead of building every object first.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pdfminer.pdftypes
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfinterp import LITERAL_FORM
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfplumber.page import PDFPageAggregatorWithMarkedContent, PDFPageInterpreter

from ingest.errors import InputError
from ingest.limits import Limits

_INPUT_CHUNK = 64 * 1024
_OUTPUT_CHUNK = 1024 * 1024


@dataclass
class _Budget:
    name: str
    limits: Limits
    inflated: int = 0  # bytes inflated so far from all streams of the file

    def cap(self) -> tuple[int, str]:
        """The most the next stream may inflate to, and the bound that sets it."""
        left = self.limits.pdf_max_decoded_bytes - self.inflated
        if left < self.limits.pdf_max_stream_bytes:
            return left, f"{self.limits.pdf_max_decoded_bytes} bytes inflated per file (pdf_max_decoded_bytes)"
        return self.limits.pdf_max_stream_bytes, \
            f"{self.limits.pdf_max_stream_bytes} bytes per stream (pdf_max_stream_bytes)"

    def spend(self, size: int) -> None:
        self.inflated += size

    def refuse(self, bound: str) -> InputError:
        return InputError(f"{self.name}: a PDF stream inflates past {bound}; refusing a likely decompression bomb")


_budget: ContextVar[_Budget | None] = ContextVar("pdf_budget", default=None)


def _current() -> _Budget:
    # Outside `bounded` (pdfminer used directly) the default bounds still hold.
    return _budget.get() or _Budget("PDF", Limits())


@contextmanager
def bounded(name: str, limits: Limits) -> Iterator[None]:
    """Inflate the streams of the PDF named `name` within `limits` while the block runs."""
    token = _budget.set(_Budget(name, limits))
    try:
        yield
    finally:
        _budget.reset(token)


def _bounded(chunks: Iterable[bytes]) -> bytes:
    """The decoded chunks joined, stopping at the first one past the current input's bound."""
    budget = _current()
    cap, bound = budget.cap()
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > cap:
            raise budget.refuse(bound)
    budget.spend(len(out))
    return bytes(out)


def _inflate_chunks(data: bytes) -> Iterator[bytes]:
    """zlib inflate a megabyte at a time; a damaged stream keeps what inflated before the damage (as
    pdfminer's own fallback does, without its byte-at-a-time retry)."""
    d = zlib.decompressobj()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _INPUT_CHUNK):
            pending = bytes(view[start:start + _INPUT_CHUNK])
            while pending:
                yield d.decompress(pending, _OUTPUT_CHUNK)
                pending = d.unconsumed_tail
            if d.eof:
                return
    except zlib.error:
        return


def _run_length_chunks(data: bytes) -> Iterator[bytes]:
    """RunLength (PDF 32000 §7.4.5), decoded with slices instead of pdfminer's byte-by-byte generator."""
    i, n = 0, len(data)
    while i < n and data[i] != 128:
        length = data[i]
        if length < 128:
            yield data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            yield data[i + 1:i + 2] * (257 - length)
            i += 2


def _inflate(data: bytes) -> bytes:
    return _bounded(_inflate_chunks(data))


def _lzw(data: bytes) -> bytes:
    return _bounded(LZWDecoder(BytesIO(data)).run())


def _run_length(data: bytes) -> bytes:
    return _bounded(_run_length_chunks(data))


class _BoundedZlib:
    """What pdfminer.pdftypes sees as `zlib`: the bounded inflate, and zlib's own error and objects."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    decompress = staticmethod(_inflate)


def _install() -> None:
    pdfminer.pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    pdfminer.pdftypes.lzwdecode = _lzw
    pdfminer.pdftypes.rldecode = _run_length


_install()


class _CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, counting the objects it is handed and stopping past the bound."""

    def __init__(self, *args: Any, max_objects: int, where: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objects, self.max_objects, self.where = 0, max_objects, where

    def _count(self, n: int = 1) -> None:
        self.objects += n
        if self.objects > self.max_objects:
            raise InputError(f"{self.where} has more than {self.max_objects} objects (pdf_max_page_objects)")

    def render_char(self, *args: Any, **kwargs: Any) -> Any:
        self._count()
        return super().render_char(*args, **kwargs)

    def paint_path(self, gstate: Any, stroke: Any, fill: Any, evenodd: Any, path: Any) -> None:
        self._count(max(1, sum(1 for seg in path if seg and seg[0] == "m")))
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._count()
        super().render_image(*args, **kwargs)

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:
        self._count()  # a form drawn: forms within forms multiply
        super().begin_figure(*args, **kwargs)


# `/Name Do`: draw the XObject Name (a form draws its own content stream).
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do(?![^\s\[\]()<>{}/%])")
_MAX_FORM_DEPTH = 32


def count_tokens(streams: list[Any], resources: Any, where: str, limit: int, memo: dict[int, int] | None = None,
                 depth: int = 0) -> int:
    """Operators and operands the interpreter would read for these content streams, a form counted each time
    it is drawn; InputError past `limit`. pdfminer reads some 50 thousand a second, so this bounds the time
    of a page of junk operators that draw no object."""
    memo = {} if memo is None else memo
    xobjects = resolve1(resolve1(resources or {}).get("XObject")) or {}
    total = 0
    for ref in streams:
        data = stream_value(ref).get_data()
        total += len(data.split())
        for name, times in Counter(_DO.findall(data)).items():
            xobj = resolve1(xobjects.get(name.decode("latin-1")))
            if not isinstance(xobj, PDFStream) or xobj.get("Subtype") is not LITERAL_FORM or depth > _MAX_FORM_DEPTH:
                continue
            key = id(xobj)
            if key not in memo:
                memo[key] = 0  # a form drawing itself is skipped by the interpreter
                memo[key] = count_tokens([xobj], xobj.get("Resources") or resources, where, limit, memo, depth + 1)
            total += times * memo[key]
        if total > limit:
            raise InputError(f"{where} has more than {limit} content tokens (pdf_max_page_tokens)")
    return total


def lay_out_page(page: Any, where: str, limits: Limits) -> None:
    """Interpret a pdfplumber page with the counting device and leave the layout where pdfplumber looks
    for it (its `_layout` cache), so that the page's words come from this one bounded pass."""
    count_tokens(list(page.page_obj.contents), page.page_obj.resources, where, limits.pdf_max_page_tokens)
    device = _CountingDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams,
                             max_objects=limits.pdf_max_page_objects, where=where)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


def bound_error(e: BaseException) -> InputError | None:
    """The bound InputError inside `e`, which pdfplumber wraps in its own exception, if any."""
    seen: set[int] = set()
    stack: list[object] = [e]
    while stack:
        x = stack.pop()
        if not isinstance(x, BaseException) or id(x) in seen:
            continue
        if isinstance(x, InputError):
            return x
        seen.add(id(x))
        stack.extend([x.__cause__, x.__context__, *x.args])
    return None
