"""robots.txt matching by RFC 9309: wildcards, `$`, longest match, the user-agent groups, the size cap.

Cases follow the examples of RFC 9309 section 2.2.2/5.2 and the two rules of the issue this fixes
(`Disallow: /*.pdf$`, `Allow: /html/2020` after `Disallow: /html/`), which urllib.robotparser got wrong.
"""

import pytest

from ingest.sources.fetch import DEFAULT_USER_AGENT
from ingest.sources.robots import MAX_ROBOTS_BYTES, parse_rules, rules_text

AGENT = DEFAULT_USER_AGENT
SITE = "http://epaper.example.cn"

RULES = """\
User-agent: *
Disallow: /*.pdf$
Disallow: /html/
Allow: /html/2020
Disallow: /tmp*/cache
Allow: /page
Disallow: /*.php
Disallow: /search$

User-agent: GreedyBot
Disallow: /
"""


def allowed(path: str, agent: str = AGENT, rules: str = RULES) -> bool:
    return bool(parse_rules(rules).can_fetch(SITE + path, agent))


@pytest.mark.parametrize("path, expected", [
    ("/a/x.pdf", False),             # `*` spans path segments, `$` anchors the end
    ("/x.pdf", False),
    ("/a/x.pdf?download=1", True),   # `$`: the query makes it not end in .pdf
    ("/a/x.pdfs", True),
    ("/html/2020/06/25/node_2.htm", True),   # the longer Allow wins over the shorter Disallow
    ("/html/2019/06/25/node_2.htm", False),
    ("/html/", False),
    ("/tmp1/cache/x", False),        # wildcard in the middle
    ("/tmp/cached", False),
    ("/tmp/other", True),
    ("/page.php", False),            # `/*.php` (6 chars) is longer than `/page` (5): the Disallow wins
    ("/page", True),
    ("/search", False),
    ("/search/more", True),          # `$` stops the match at the end
    ("/", True),
])
def test_rfc9309_matching(path, expected):
    assert allowed(path) is expected


def test_an_allow_wins_a_tie_of_equal_length():
    rules = "User-agent: *\nDisallow: /folder\nAllow: /folder\n"
    assert allowed("/folder/page", rules=rules)


def test_the_most_specific_user_agent_group_applies_and_others_fall_back_to_the_star_group():
    assert not allowed("/html/2020/06/25/node_2.htm", agent="GreedyBot/1.0")
    assert allowed("/html/2020/06/25/node_2.htm")


def test_percent_encoding_matches_as_the_rfc_says():
    rules = "User-agent: *\nDisallow: /%E7%89%88/\n"  # 版 percent-encoded, as a site writes it
    assert not allowed("/%E7%89%88/1.htm", rules=rules)
    assert not allowed("/版/1.htm", rules=rules)


def test_crawl_delay_is_read_for_our_agent():
    assert parse_rules("User-agent: *\nCrawl-delay: 2\n").crawl_delay(AGENT) == 2.0


def test_a_body_cut_at_the_cap_drops_its_partial_last_line():
    head = b"User-agent: *\nDisallow: /private/\n"
    cut = head + b"#" * (MAX_ROBOTS_BYTES - len(head) - 12) + b"\nDisallow: /"  # "/secret/" was cut off
    text = rules_text(cut[:MAX_ROBOTS_BYTES])
    assert text.endswith("#") and "Disallow: /\n" not in text + "\n"
    rules = parse_rules(text)
    assert rules.can_fetch(SITE + "/html/1.htm", AGENT) and not rules.can_fetch(SITE + "/private/x", AGENT)


def test_a_body_under_the_cap_is_kept_whole():
    assert rules_text(b"User-agent: *\nDisallow: /x") == "User-agent: *\nDisallow: /x"
