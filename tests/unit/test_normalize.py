from ingest.model import Article, Author
from ingest.normalize import clean_spaces, comparison_key, fold_width, normalize_article, to_simplified


def test_fold_width_turns_fullwidth_digits_and_letters_into_ascii_but_keeps_chinese_punctuation():
    assert fold_width("２０２０年，ＣＮ３３－００１８") == "2020年，CN33－0018"


def test_fold_width_turns_a_fullwidth_decimal_point_into_ascii_only_between_digits():
    assert fold_width("１０．１３万名") == "10.13万名"
    assert fold_width("第一章．总则") == "第一章．总则"


def test_clean_spaces_drops_pdf_spaces_between_han_characters_but_keeps_them_between_latin_words():
    assert clean_spaces("省 总 工会  开展 “春风 行动”") == "省总工会开展“春风行动”"
    assert clean_spaces("  CN33-0018   31-2  ") == "CN33-0018 31-2"


def test_clean_spaces_drops_empty_lines():
    assert clean_spaces("第一段\n\n  \n第二段") == "第一段\n第二段"


def test_to_simplified_converts_traditional_and_leaves_simplified_alone():
    assert to_simplified("職工醫療互助保障") == "职工医疗互助保障"
    assert to_simplified("职工医疗互助保障") == "职工医疗互助保障"


def test_comparison_key_is_equal_for_copies_differing_in_width_punctuation_space_and_script():
    a = comparison_key("省總工會：２０２０年，幫扶 職工！")
    b = comparison_key("省总工会:2020年,帮扶职工")
    assert a == b == "省总工会2020年帮扶职工"


def test_normalize_article_cleans_every_text_field_and_author_names():
    art = Article(page=1, title="小康路上 “工”字闪亮", body="２０２０年 ，全 面小康", authors=[Author("杜 成敏", "记者")])
    n = normalize_article(art)
    assert n.title == "小康路上“工”字闪亮"
    assert n.body == "2020年，全面小康"
    assert n.authors[0].name == "杜成敏"
