"""The page detector itself (tests/readable.py): on a Chinese page, ASCII punctuation written against a
Chinese character is flagged; times, dates, codes and English text are not (issue 19, item 1)."""

import pytest

from tests.readable import unreadable


def page(body: str) -> str:
    return f"<html><body><main>{body}</main></body></html>"


@pytest.mark.parametrize("body", [
    "<p>期限:3日</p>",
    "<p>核查期限(工作日)</p>",
    "<p>名单类型,信用主体</p>",
    "<p>是否受理?</p>",
    "<dl><dt><b>核查期限</b>: 20日</dt></dl>",  # the label's element ends, the colon still touches it
])
def test_ascii_punctuation_against_a_chinese_character_is_flagged(body):
    found = unreadable(page(body), "zh-hans")
    assert found and all("in Chinese text" in snippet for snippet in found), found


@pytest.mark.parametrize("body", [
    "<p>受理时间：09:30</p>",
    "<p>提交日期：2026-12-05</p>",
    "<p>案件编号：ABC(1)</p>",
    "<p>核查期限（工作日）：20日，逾期视为同意；是否受理？</p>",
    "<p>详见 https://credit.example.cn/查询?code=1</p>",
    "<p>期限</p><p>(3)</p>",  # two paragraphs: not written side by side
    "<p>期限<code>(x)</code></p>",
    "<p>期限<textarea>:3日</textarea></p>",
])
def test_chinese_punctuation_times_dates_codes_and_addresses_pass(body):
    assert unreadable(page(body), "zh-hans") == []


def test_an_english_page_keeps_its_ascii_punctuation():
    assert unreadable(page("<p>Deadline: 3 days (working days); accepted? yes, 09:30!</p>"), "en") == []
