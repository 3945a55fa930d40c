"""Text → blocks and character helpers (ingest.parse.page_text.blocks, chars)."""

from ingest.parse.chars import ends_sentence, is_spaced_out, key, narrow, squash_spaces, tidy_heading
from ingest.parse.page_text.blocks import is_wrapped_prose, split_blocks


def test_blank_lines_separate_blocks_and_grouped_lines_stay_one_block():
    blocks = split_blocks("\n\n庚子年五月初五\n2020年6月25日\n\n浙江工人日报\n")
    assert [b.lines for b in blocks] == [("庚子年五月初五", "2020年6月25日"), ("浙江工人日报",)]
    assert [(b.index, b.line) for b in blocks] == [(0, 3), (1, 6)]


def test_wrapped_prose_is_joined_and_split_at_indented_lines():
    text = ("　　今年6月初，宁波市总工会向各区县总工会下\n发《关于开展活动的实施意见》。\n"
            "　　整个6月，宁波市总工会的机关干部分赴三批\n七个小组。")
    assert [b.text for b in split_blocks(text)] == ["今年6月初，宁波市总工会向各区县总工会下发《关于开展活动的实施意见》。",
                                                     "整个6月，宁波市总工会的机关干部分赴三批七个小组。"]


def test_short_lines_are_not_wrapped_prose():
    assert not is_wrapped_prose(["88851111", "新闻服务热线"])
    assert not is_wrapped_prose(["今天的会议很成功。", "大家都说好。"])


def test_crlf_and_cr_line_ends():
    assert [b.text for b in split_blocks("甲乙丙\r\n\r\n丁戊己\r\r庚辛")] == ["甲乙丙", "丁戊己", "庚辛"]


def test_character_helpers():
    assert narrow("２０２０年６月") == "2020年6月"
    assert narrow("２．３５亿元") == "2.35亿元"
    assert squash_spaces("本 报 讯 记者 张三 今年 iPhone 12") == "本报讯记者张三今年iPhone 12"
    assert is_spaced_out("本 报 讯") and not is_spaced_out("感受“工厂味” 融入“工人情”")
    assert tidy_heading("感受“工厂味”  融入“工人情”") == "感受“工厂味” 融入“工人情”"
    assert tidy_heading("浙 江 工 人 日 報") == "浙江工人日報"
    assert key("國內統一刊號：ＣＮ３３") == "国内统一刊号:CN33"
    assert ends_sentence("甘于奉献。”") and not ends_sentence("“红船”")


def test_heading_right_above_its_paragraph_becomes_two_blocks():
    blocks = split_blocks("省内扶贫开发加快“造血”\n“把工会疗休养与红色旅游结合，是一条路径。”杨惠荣说。")
    assert [b.text for b in blocks] == ["省内扶贫开发加快“造血”", "“把工会疗休养与红色旅游结合，是一条路径。”杨惠荣说。"]


def test_a_headline_stack_and_a_notice_stay_grouped():
    assert len(split_blocks("感受“工厂味” 融入“工人情”\n宁波市总工会举行“当一周工人、体工会初心”总结会")) == 1
    assert len(split_blocks("遗失声明\n某公司遗失公章一枚，声明作废。")) == 1


def test_wrapped_latin_words_keep_their_space():
    from ingest.parse.page_text.blocks import join_lines
    assert join_lines(["记者来到New", "York，采访了", "COVID-", "19专家"]) == "记者来到New York，采访了COVID-19专家"
