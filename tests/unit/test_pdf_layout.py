"""Reading order of positioned text: columns, headlines across columns, side-by-side articles."""

from ingest.parse.layout import Fragment, page_paragraphs

EM = 10.0


def column(x: float, top: float, lines: list[str], width: float = 150, size: float = EM,
           indents: set[int] = frozenset()) -> list[Fragment]:
    """Lines of one column; the lines in `indents` start a paragraph (two-character indent)."""
    out = []
    for i, text in enumerate(lines):
        x0 = x + (2 * size if i in indents else 0)
        out.append(Fragment(text, x0, min(x0 + len(text) * size, x + width), top + i * 14, top + i * 14 + size, size))
    return out


def title(x: float, top: float, text: str, size: float = 24) -> list[Fragment]:
    return [Fragment(text, x, x + len(text) * size, top, top + size, size)]


def texts(frags: list[Fragment]) -> list[str]:
    return [p.text for p in page_paragraphs(frags)]


def test_a_paragraph_broken_across_columns_reads_down_the_first_column_then_the_second():
    frags = (title(30, 50, "小康路上工字闪亮")
             + column(30, 100, ["甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲", "乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙"], indents={0})
             + column(200, 100, ["丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙", "丁丁丁丁。"]))
    assert texts(frags) == ["小康路上工字闪亮", "甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙",
                            "丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丁丁丁丁。"]


def test_side_by_side_articles_with_aligned_headlines_are_read_one_after_the_other():
    left = title(30, 50, "左边标题") + column(30, 100, ["左文左文左文左文左文左文左文。"], indents={0})
    right = title(220, 50, "右边标题") + column(220, 100, ["右文右文右文右文右文右文右文。"], indents={0})
    assert texts(left + right) == ["左边标题", "左文左文左文左文左文左文左文。", "右边标题", "右文右文右文右文右文右文右文。"]


def test_stacked_articles_on_a_shared_column_grid_are_read_top_article_first():
    top = (title(30, 50, "上面标题横跨两栏") + column(30, 100, ["上一上一上一上一上一上一上一。"], indents={0})
           + column(200, 100, ["上二上二上二上二上二上二上二。"]))
    bottom = (title(30, 200, "下面标题横跨两栏") + column(30, 250, ["下一下一下一下一下一下一下一。"], indents={0})
              + column(200, 250, ["下二下二下二下二下二下二下二。"]))
    assert texts(bottom + top) == ["上面标题横跨两栏", "上一上一上一上一上一上一上一。", "上二上二上二上二上二上二上二。",
                                   "下面标题横跨两栏", "下一下一下一下一下一下一下一。", "下二下二下二下二下二下二下二。"]


def test_paragraphs_split_at_an_indent_and_after_a_short_line():
    lines = ["一一一一一一一一一一一一一一一", "二二二。", "三三三三三三三三三三三三三三三", "四四四四四四四四四四四四四四四",
             "五五五五五五五五五五五五五五五"]
    frags = column(30, 100, lines, indents={0, 4})
    assert texts(frags) == ["一一一一一一一一一一一一一一一二二二。", "三三三三三三三三三三三三三三三四四四四四四四四四四四四四四四",
                            "五五五五五五五五五五五五五五五"]


def test_a_headline_set_on_two_lines_is_one_paragraph_and_small_print_keeps_its_lines():
    frags = (title(30, 50, "一条朋友圈信息") + title(30, 80, "圆了困难学子上学梦")
             + column(400, 50, ["庚子年五月初五", "2020年6月25日"], size=8)
             + column(30, 150, ["正文正文正文正文正文正文正文正文。"] * 3, indents={0, 1, 2}))
    out = texts(frags)
    assert out[0] == "一条朋友圈信息圆了困难学子上学梦"
    assert "庚子年五月初五\n2020年6月25日" in out


def test_numbers_broken_at_a_line_end_join_without_a_space_and_latin_words_with_one():
    frags = column(30, 100, ["共带动11.4万供养人口，帮扶208", "869名职工。"], width=300)
    assert texts(frags) == ["共带动11.4万供养人口，帮扶208869名职工。"]
    frags = column(30, 100, ["新华社 Xinhua News", "Agency 报道。"], width=300)
    assert texts(frags) == ["新华社 Xinhua News Agency 报道。"]


def test_nothing_to_read_gives_no_paragraphs():
    assert page_paragraphs([Fragment("  ", 0, 10, 0, 10, 10)]) == []
