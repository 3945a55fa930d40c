"""The API others call: parse_blocks for extractors with font sizes, explain for --explain."""

from pathlib import Path

from ingest.parse import ParseHints, parse_bytes
from ingest.parse.page_text import Block, explain, parse_blocks


def test_registered_for_text_input(sample_page: Path):
    e = parse_bytes(sample_page.read_bytes(), ParseHints(name="page01.txt"))
    assert e.paper == "zjgrrb" and len(e.articles) == 7


def test_blocks_with_font_sizes_use_type_size_for_headlines_and_titles():
    blocks = [
        Block("全省工会部署消费扶贫", font_size=14),
        Block("优先采购扶贫产品", font_size=30),
        Block("预留份额不低于当年发放总额的20%", font_size=16),
        Block("本报讯 记者杜成敏报道 省总工会与省对口办等8家省级部门联合下发行动方案，鼓励基层工会优先采购扶贫产品。", font_size=10),
        Block("这是一段很短的正文", font_size=10),  # headline-shaped, but body type
    ]
    [a] = parse_blocks(blocks, ParseHints(name="p.pdf", page=2)).articles
    assert (a.pretitle, a.title, a.subtitle) == ("全省工会部署消费扶贫", "优先采购扶贫产品", "预留份额不低于当年发放总额的20%")
    assert a.paragraphs[-1] == "这是一段很短的正文"
    assert a.page == 2


def test_parse_blocks_reindexes_blocks_in_the_order_given():
    blocks = [Block("标题", index=7), Block("本报讯 正文。", index=3)]
    [a] = parse_blocks(blocks, ParseHints(name="p")).articles
    assert (a.title, a.body) == ("标题", "正文。")


def test_explain_gives_every_block_its_class_and_why(sample_page: Path):
    rows = explain(sample_page.read_bytes(), ParseHints(name="page01.txt"))
    assert len(rows) == 84
    by_text = {block.text.split("\n")[0]: (cls, why) for block, cls, why in rows}
    assert by_text["庚子年五月初五"][0] == "masthead"
    cls, why = by_text["放工会会员节日慰问品时，优先采购对口帮扶县扶贫产品。同时，大力组织职工赴对口帮扶地区开展疗休养活动。"]
    assert cls == "body" and "发放 spans the break" in why
    cls, why = by_text["“红船精神”进企业"]
    assert cls == "headline" and "printed inside its text" in why
    assert by_text["(下转第4版)"][0] == "jump"
    assert all(why for _, _, why in rows)


def test_body_type_subheading_is_a_paragraph_that_nothing_is_joined_to():
    blocks = [
        Block("优先采购扶贫产品", font_size=30),
        Block("本报讯 记者杜成敏报道 省总工会联合下发行动方案，鼓励基层工会优先采购扶贫产品。", font_size=10),
        Block("省外扶贫协作消费发力", font_size=10),
        Block("各地工会纷纷响应，组织职工赴对口帮扶地区开展疗休养活动。", font_size=10),
    ]
    [a] = parse_blocks(blocks, ParseHints(name="p.pdf")).articles
    assert a.paragraphs[1:] == ["省外扶贫协作消费发力", "各地工会纷纷响应，组织职工赴对口帮扶地区开展疗休养活动。"]


def test_caller_paper_and_date_win_over_the_masthead_with_a_warning(sample_page: Path):
    from datetime import date

    from ingest.papers import Paper

    other = Paper(id="other", name="别的日报")
    e = parse_bytes(sample_page.read_bytes(), ParseHints(name="p", paper=other, date=date(2020, 6, 26), page=1))
    assert (e.paper, e.paper_name, e.date) == ("other", "别的日报", date(2020, 6, 26))
    assert any("masthead names 浙江工人日报" in w for w in e.warnings)
    assert any("masthead date 2020-06-25 differs" in w for w in e.warnings)


def test_explain_blocks_serves_extractors_too():
    from ingest.parse.page_text import explain_blocks

    rows = explain_blocks([Block("标题", font_size=20), Block("本报讯 正文。", font_size=10)], ParseHints(name="p"))
    assert [(cls, "larger" in why) for _, cls, why in rows] == [("headline", True), ("byline", False)]
