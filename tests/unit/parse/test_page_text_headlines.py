"""Headline stacks (ingest.parse.page_text.headlines)."""

from ingest.parse.page_text.headlines import (
    Line, is_column_name, quoted_names, split_run_together, split_stack, stack_lines, title_index,
)


def lines(*texts: str) -> list[Line]:
    return [Line(t) for t in texts]


def test_run_together_stack_is_split_but_parallel_halves_stay_together():
    assert split_run_together("16个结对名额10小时被“抢”完 一条朋友圈信息 圆了困难学子上学梦") == [
        "16个结对名额10小时被“抢”完", "一条朋友圈信息 圆了困难学子上学梦"]
    assert split_run_together("感受“工厂味” 融入“工人情”") == ["感受“工厂味” 融入“工人情”"]
    assert split_run_together("稳就业 保民生 促发展") == ["稳就业 保民生 促发展"]
    assert split_run_together("小康路上“工”字闪亮") == ["小康路上“工”字闪亮"]


def test_title_rules_without_font_sizes():
    assert title_index(lines("小康路上“工”字闪亮", "全省脱贫攻坚帮扶工作中的工会力量")) == 0
    assert title_index(lines("16个结对名额10小时被“抢”完", "一条朋友圈信息 圆了困难学子上学梦")) == 1
    assert title_index(lines("全省工会部署消费扶贫：", "优先采购扶贫产品")) == 1
    assert title_index(lines("优先采购扶贫产品", "——预留份额不低于20%")) == 0
    assert title_index(lines("引题一行", "主标题一行", "副题一行")) == 1


def test_largest_type_is_the_title_when_sizes_are_known():
    assert title_index([Line("引题", 14), Line("主标题", 28), Line("副题", 16)]) == 1


def test_series_name_quoted_on_the_page_is_the_column():
    quoted = quoted_names("本报推出系列报道《走向我们的小康生活——“娘家人”在行动》，敬请关注。")
    st, why = split_stack(lines("小康路上“工”字闪亮", "全省脱贫攻坚帮扶工作中的工会力量", "走向我们的小康生活 “娘家人”在行动"),
                          quoted)
    assert (st.title, st.subtitle, st.column) == ("小康路上“工”字闪亮", "全省脱贫攻坚帮扶工作中的工会力量",
                                                 "走向我们的小康生活 “娘家人”在行动")
    assert any("column" in w for w in why)


def test_self_announced_series_is_a_column_without_quotes():
    assert is_column_name("脱贫攻坚系列报道", set())
    assert is_column_name("历史性变革⑧", set())
    assert is_column_name("小康路上“工”字闪亮", set()) is None


def test_dashes_are_taken_off_the_subtitle():
    st, _ = split_stack(lines("优先采购扶贫产品", "——预留份额不低于20%"), set())
    assert st.subtitle == "预留份额不低于20%"


def test_stack_lines_keep_sizes_and_close_up_spaced_out_type():
    assert stack_lines([("本 报 特 稿", 30.0), ("小康路上\n“工”字闪亮", None)]) == [
        Line("本报特稿", 30.0), Line("小康路上", None), Line("“工”字闪亮", None)]
