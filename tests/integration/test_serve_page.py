"""The search page in a real headless browser (Debian's chromium through chromedriver): a reader types a
query, sees the hit with its headline stack, opens its similar stories and the article."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.search_service import (
    PRETITLE,
    REPRINT,
    TITLE,
    Service,
    build_index,
    running_service,
)

pytestmark = pytest.mark.integration

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def service(service_env, tmp_path_factory) -> Iterator[Service]:
    build_index(service_env)
    with running_service(service_env, tmp_path_factory.mktemp("serve") / "serve.log") as s:
        yield s


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[WebDriver]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are not installed (deploy/install.sh installs them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,1400",
                 "--lang=zh-CN", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(flag)
    # The driver given by path: Selenium fetches nothing of its own.
    driver = webdriver.Chrome(options=opts, service=DriverService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver: WebDriver) -> WebDriverWait:
    return WebDriverWait(driver, 15)


def test_a_reader_types_a_query_sees_the_hit_and_opens_the_article(service, browser, tmp_path):
    browser.get(service.url + "/")
    assert "报纸检索" in browser.title
    box = browser.find_element(By.NAME, "q")
    box.send_keys("朋友圈 学子")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    hit = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    assert "共找到 2 篇稿件（1 组" in browser.find_element(By.CLASS_NAME, "summary").text
    # One hit for the two copies, its headline stack whole and the query marked.
    assert len(browser.find_elements(By.CSS_SELECTOR, ".hit")) == 1
    marks = {m.text for m in hit.find_elements(By.TAG_NAME, "em")}
    assert {"朋友圈", "学子"} <= marks or {"朋友圈", "學子"} <= marks
    browser.save_screenshot(str(tmp_path / "results.png"))

    # Filter to the original paper: its hit shows 引题 / 主标题, date and page.
    browser.get(service.url + "/?q=朋友圈+学子&paper=zjgrrb")
    hit = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    assert hit.find_element(By.CLASS_NAME, "pretitle").text == PRETITLE
    assert hit.find_element(By.CLASS_NAME, "title").text == TITLE
    assert "浙江工人日报 · 2020-06-25 · 第1版" in hit.find_element(By.CLASS_NAME, "where").text

    hit.find_element(By.CSS_SELECTOR, ".title a").click()
    heading = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.full h1")))
    assert heading.text == TITLE
    body = browser.find_element(By.CSS_SELECTOR, "article.full").text
    assert "一条朋友圈信息，一天之内让16名贫困学子找到求学的希望" in body and "记者 张浩呈" in body


def test_the_similar_stories_open_to_list_the_other_paper(service, browser):
    browser.get(service.url + "/?q=朋友圈")
    similar = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "details.similar")))
    summary = similar.find_element(By.TAG_NAME, "summary")
    assert summary.text == "另有 1 篇相似报道"
    items = similar.find_elements(By.TAG_NAME, "li")
    assert not items[0].is_displayed()  # folded until the reader opens it
    summary.click()
    wait(browser).until(lambda d: items[0].is_displayed())
    other = items[0].text
    assert ("浙江工人日报" in other) != (REPRINT["paper_name"] in other)


def test_filters_and_pages_keep_the_query_and_a_bad_filter_says_what_is_wrong(service, browser):
    browser.get(service.url + "/?q=工会&paper=zjgrrb&size=2")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    first = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hit .title")]
    assert len(first) == 2
    browser.find_element(By.CSS_SELECTOR, "nav.pages a[rel=next]").click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.pages a[rel=prev]")))
    assert "第 2 页" in browser.find_element(By.CSS_SELECTOR, "nav.pages").text
    second = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hit .title")]
    assert second and not set(first) & set(second)
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "工会"
    assert all("浙江工人日报" in e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hit .where"))

    browser.get(service.url + "/?q=工会&page=头版")
    error = wait(browser).until(ec.presence_of_element_located((By.CLASS_NAME, "error")))
    assert "检索条件有误" in error.text and "头版" in error.text
    assert browser.find_element(By.NAME, "page").get_attribute("value") == "头版"


def test_an_unknown_article_is_a_page_saying_so(service, browser):
    browser.get(service.url + "/read/zjgrrb-2020-06-25-0000000000000000")
    assert "没有这篇稿件" in wait(browser).until(ec.presence_of_element_located((By.CLASS_NAME, "error"))).text


