"""Pages of platforms no family describes: a page list read by its image map alone, and what is not one.

The pages are real saved pages of the corpus (tests/fixtures/real_pages, see each folder's SOURCE.md)."""

from pathlib import Path

import pytest

from ingest.encoding import decode_html
from ingest.errors import InputError
from ingest.parse import ParseHints, parse_bytes
from ingest.sources.epaper.extract import soup_of
from ingest.sources.epaper.mapped import mapped_family

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "real_pages"


def _soup(name: str):
    path = CORPUS / name
    return soup_of(decode_html(path.read_bytes(), str(path), None).text)


def test_a_page_view_whose_map_links_its_articles_gets_a_family_of_that_url_shape():
    family = mapped_family(_soup("nmrb/page_001.htm"), "https://szb.farmer.com.cn/2024/20240909/20240909_001/")
    assert family is not None and family.name == "mapped"
    assert family.is_article("https://szb.farmer.com.cn/2024/20240909/20240909_001/20240909_001_9.htm")
    assert not family.is_article("https://szb.farmer.com.cn/2024/20240909/20240909_plist.htm")
    assert not family.is_page_list("https://szb.farmer.com.cn/2024/20240909/20240909_001/")


def test_an_article_page_with_its_pages_map_beside_the_text_is_not_a_page_list():
    # 山西经济日报's article page carries page 01's map (content_N.htm hotspots) beside its long paragraphs.
    assert mapped_family(_soup("sxjjrb/content_279424.htm"), "http://example.cn/saved/article.htm") is None


def test_a_page_whose_own_name_has_the_hotspots_shape_is_an_article_of_that_platform():
    url = "https://szb.farmer.com.cn/2024/20240909/20240909_001/20240909_001_3.htm"
    assert mapped_family(_soup("nmrb/page_001.htm"), url) is None


def test_a_page_without_an_image_map_gets_no_family():
    assert mapped_family(_soup("glrb/Page01BC.htm"), "https://epaper.guilinlife.com/glrbh5/glrb/20241011/Page01BC.htm") is None


@pytest.mark.parametrize("name, says", [
    ("glrb/Page01BC.htm", "its page directory: 01版:头版, 02版:综合新闻, 03版:社会生活 …"),
    ("ylkqb/PageArticleIndexLB.htm", "it holds several articles, not one"),
    ("jjsb/show_511074.html", "only short lines: 报纸订阅 关于我们 CET邮箱 / 不良信息举报中心"),
])
def test_a_page_with_no_readable_article_is_refused_naming_the_file_and_what_it_saw(name, says):
    path = CORPUS / name
    with pytest.raises(InputError) as refused:
        parse_bytes(path.read_bytes(), ParseHints(name=name, url=path.resolve().as_uri()))
    assert str(refused.value).startswith(f"{name}: ") and says in str(refused.value)
