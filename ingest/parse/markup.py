"""Bounds on HTML before it is parsed into a tree: nesting depth and link count.

BeautifulSoup builds a tree of any depth (libxml2 caps only its own trees), and the extractors walk every
link of a page, so a page nested a hundred thousand deep or listing a million links costs seconds and
hundreds of megabytes before anything is extracted. lxml's event parser counts both in one streaming
pass and stops at the first chunk past a bound.
"""

from __future__ import annotations

from lxml import etree

from ingest.errors import InputError
from ingest.limits import Limits

_CHUNK = 64 * 1024


class _Counter:
    """lxml parser target: the deepest nesting and the number of links seen so far."""

    def __init__(self) -> None:
        self.depth = self.max_depth = self.links = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in ("a", "area") and "href" in attrib:
            self.links += 1

    def end(self, tag: str) -> None:
        self.depth -= 1

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def check_markup(html: str, name: str, limits: Limits) -> None:
    """InputError naming `name` and the bound when the page nests deeper or links more than `limits` allow."""
    counter = _Counter()
    parser = etree.HTMLParser(target=counter, recover=True, no_network=True)
    for start in range(0, len(html), _CHUNK):
        parser.feed(html[start:start + _CHUNK])
        if counter.max_depth > limits.html_max_depth:
            raise InputError(f"{name}: HTML nested more than {limits.html_max_depth} elements deep "
                             "(html_max_depth)")
        if counter.links > limits.html_max_links:
            raise InputError(f"{name}: HTML has more than {limits.html_max_links} links (html_max_links)")
    try:
        parser.close()
    except etree.XMLSyntaxError:  # markup the tree builder recovers from; not a bound
        pass
