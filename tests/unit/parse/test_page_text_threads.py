"""Joining and splicing on small pages (ingest.parse.page_text.threads through the block API)."""

from ingest.model import Author
from ingest.parse import ParseHints
from ingest.parse.page_text import Block, parse_blocks


def page(*texts: str):
    return parse_blocks([Block(t) for t in texts], ParseHints(name="test page")).articles


def test_paragraph_cut_at_a_column_end_is_joined_with_nothing():
    [a] = page("医疗互助保障覆盖千万职工", "记者 杜成敏 报道 2013年，全省开始全面推行", "职工医疗互助保障制度。")
    assert a.paragraphs == ["2013年，全省开始全面推行职工医疗互助保障制度。"]


def test_genuine_paragraph_ends_stay():
    [a] = page("医疗互助", "记者 杜成敏 报道 全省推行互助保障制度。", "截至2019年底，全省累计参保。")
    assert len(a.paragraphs) == 2


def test_single_line_between_complete_paragraphs_is_a_subheading():
    [a] = page("标题在此", "本报讯 第一段结束。", "省内扶贫开发加快“造血”", "第二段开始。")
    assert a.paragraphs == ["第一段结束。", "省内扶贫开发加快“造血”", "第二段开始。"]


def test_headline_stack_then_text_without_byline_starts_a_new_article():
    first, second = page("标题在此", "本报讯 第一段结束。", "感受“工厂味” 融入“工人情”", "宁波市总工会举行总结会", "正文开始。")
    assert second.title == "感受“工厂味” 融入“工人情”" and second.body == "正文开始。"
    assert first.body == "第一段结束。"


def test_headline_printed_after_the_first_paragraph_heads_the_article():
    [a] = page("本报讯 记者张三报道 第一段结束。", "“红船精神”进企业", "嘉兴工会开展主题教育实践活动", "第二段。")
    assert (a.title, a.subtitle) == ("“红船精神”进企业", "嘉兴工会开展主题教育实践活动")
    assert a.paragraphs == ["第一段结束。", "第二段。"]


def test_caption_and_box_inside_a_sentence_are_spliced_out():
    article, photo, notice = page(
        "本报讯 记者张三报道 使党的创新理论为广大职工所理解、所接",
        "爱心敬老 迎端午",
        "昨日，志愿者来到敬老院，为老人送去粽子。",
        "88851111\n新闻服务热线",
        "受，充分彰显新思想的真理力量。",
        "新华社记者徐昱 摄",
    )
    assert article.body == "使党的创新理论为广大职工所理解、所接受，充分彰显新思想的真理力量。"
    assert (photo.kind, photo.title, photo.authors) == ("photo", "爱心敬老 迎端午", [Author("徐昱", "摄影")])
    assert (notice.kind, notice.title) == ("notice", "新闻服务热线")


def test_join_across_a_headline_needs_a_word_spanning_the_break():
    first, second = page("本报讯 记者张三报道 依托省人大代表，提出了", "另一篇的标题", "本报讯 另一篇的正文开始。",
                         "嘉兴市人大常委会副主任表示。")
    assert first.body == "依托省人大代表，提出了"
    assert second.paragraphs == ["另一篇的正文开始。", "嘉兴市人大常委会副主任表示。"]


def test_the_article_being_read_takes_the_continuation_without_proof():
    [a] = page("标题", "本报讯 记者张三报道 在省总工会支持下，姚岸村", "红色旅游和工会疗休养有效融合。")
    assert a.body == "在省总工会支持下，姚岸村红色旅游和工会疗休养有效融合。"


def test_older_unfinished_paragraph_needs_proof():
    a, b = page("甲标题", "本报讯 甲文开头，省总工会派", "乙标题", "本报讯 乙文开头。", "乙文第二段。")
    assert a.body == "甲文开头，省总工会派"
    assert b.paragraphs == ["乙文开头。", "乙文第二段。"]


def test_jump_lines_set_pages_and_leave_the_body():
    [a] = page("(上接第1版)", "续篇标题", "本报讯 续篇正文。", "(下转第5版)")
    assert (a.continued_from, a.continues_on, a.body) == (1, 5, "续篇正文。")


def test_box_title_makes_a_box_and_headlines_above_it_wait_for_the_article():
    lead, box = page("小康路上“工”字闪亮", "开栏的话", "从今天起，本报推出系列报道《走向小康生活》，敬请关注。",
                     "走向小康生活", "记者杜成敏报道 今年是收官之年。")
    assert (lead.title, lead.column) == ("小康路上“工”字闪亮", "走向小康生活")
    assert (box.title, box.column) == ("开栏的话", "走向小康生活")


def test_photo_credit_goes_to_the_nearest_caption_before_it():
    photo_a, photo_b = page("图一标题", "昨日，甲地举行活动。", "记者甲某 摄", "图二标题", "今日，乙地举行活动。", "记者乙某 摄")
    assert photo_a.authors == [Author("甲某", "摄影")]
    assert photo_b.authors == [Author("乙某", "摄影")]
    assert photo_a.kind == photo_b.kind == "photo"


def test_credit_with_no_caption_is_a_photo_of_its_own():
    article, photo = page("标题", "本报讯 记者张三报道 正文。", "本报记者 王五 摄")
    assert article.authors == [Author("张三", "记者")]
    assert (photo.kind, photo.authors, photo.body) == ("photo", [Author("王五", "摄影")], "")


def test_page_header_printed_at_the_bottom_still_gives_the_page():
    e = parse_blocks([Block("标题"), Block("本报讯 正文。"), Block("3 浙江工人日报 2020年6月25日 星期四 要闻 责任编辑:张三")],
                     ParseHints(name="p"))
    assert (e.date.isoformat(), [p.number for p in e.pages], e.paper) == ("2020-06-25", [3], "zjgrrb")
    assert [a.title for a in e.articles] == ["标题"]


def test_jump_line_after_a_caption_goes_to_the_running_article():
    article, photo = page("标题", "本报讯 记者张三报道 第一段。", "第二段结束。", "爱心敬老", "昨日，志愿者来到敬老院。",
                          "记者王五 摄", "(下转第4版)")
    assert (article.continues_on, photo.continues_on) == (4, None)
    assert article.paragraphs == ["第一段。", "第二段结束。"]
    assert (photo.title, photo.body, photo.authors) == ("爱心敬老", "昨日，志愿者来到敬老院。", [Author("王五", "摄影")])


def test_a_caption_between_paragraphs_read_as_a_sub_heading_is_split_off_by_its_credit():
    article, photo = page("标题", "本报讯 记者张三报道 第一段。", "爱心敬老", "昨日，志愿者来到敬老院。", "记者王五 摄",
                          "第二段。")
    assert article.paragraphs == ["第一段。", "第二段。"]
    assert (photo.kind, photo.title) == ("photo", "爱心敬老")
