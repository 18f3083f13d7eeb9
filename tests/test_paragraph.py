"""Figures in a data file's narrative (instance.paragraph): a small grammar of baobiao's own,
never a template. Expected texts and diagnostics are worked out by hand from the grammar."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from baobiao.instance.narrative import Para
from baobiao.instance.paragraph import render_para

NAMES = {
    "weibo": Decimal(567),
    "wechat": Decimal(499),
    "blank": None,
    "public": {"total": Decimal(40)},
    "results_total": {"total": Decimal(94)},
    "fee": Decimal("23.65"),
}


def fill(text: str) -> tuple[str, list[str]]:
    out, problems = render_para(Para(text, "$.report.preamble", None), NAMES)
    return out, [d.code for d in problems]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("共{{ weibo + wechat }}条", "共1066条"),
        ("差{{weibo-wechat}}条", "差68条"),
        ("{{ public.total }}件", "40件"),
        ("占{{ public.total / results_total.total | percent(1) }}%", "占42.6%"),
        ("{{ (weibo + wechat) * 2 - -1 }}", "2133"),
        ("{{ fee }}万元", "23.65万元"),
        ("{{ fee | round(1) }}万元", "23.7万元"),
        ("{{ weibo * 10 | thousands }}", "5,670"),
        ("R&D <5%，{不是占位符}", "R&D <5%，{不是占位符}"),
        ("共{{ blank + 1 }}件", "共件"),  # a blank cell is a finding of its own, not of the text
    ],
)
def test_a_placeholder_is_filled_from_the_table(text: str, shown: str) -> None:
    assert fill(text) == (shown, [])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{{ recieved }}", "R502"),
        ("{{ public.totl }}", "R502"),
        ("{{ public }}", "R502"),  # a row, not a cell
        ("{{ weibo.__class__ }}", "R501"),
        ("{{ weibo / (wechat - 499) }}", "R501"),
        ("{{ weibo + }}", "R501"),
        ("{{ weibo wechat }}", "R501"),
        ("{{ 'a' * 100000000 }}", "R501"),
        ("{{ weibo | upper }}", "R501"),
        ("{{ weibo | round(99) }}", "R501"),
        ("{{ weibo ", "R501"),
        ("{{ }}", "R501"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "R503"),
        ("{{ lipsum() }}{# comment #}", "R503"),
        ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "R501"),
        ("{{ " + " + ".join(["weibo"] * 5000) + " }}", "R501"),
        ("{{ weibo }}" * 1000, "R501"),
    ],
)
def test_anything_else_is_a_diagnostic_and_the_text_stays_as_written(text: str, code: str) -> None:
    start = time.perf_counter()
    shown, codes = fill(text)
    assert (shown, codes) == (text, [code])
    assert time.perf_counter() - start < 1.0
