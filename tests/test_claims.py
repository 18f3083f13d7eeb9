"""Reading figures as offices write them (instance.claims.read_figures): the values and ranges
below are worked out by hand from the wording."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baobiao.instance.claims import read_figures

D = Decimal
CASES = [
    # text, figure as written, low, high
    ("收到申请95件", "95件", D(95), D(95)),
    ("发布信息1,086条", "1,086条", D(1086), D(1086)),
    ("共十二件", "十二件", D(12), D(12)),
    ("一百零五件", "一百零五件", D(105), D(105)),
    ("两件", "两件", D(2), D(2)),
    ("发布1.2万条", "1.2万条", D(11500), D(12500)),
    ("3千余条", "3千余条", D(3000), D(4000)),
    ("120余件", "120余件", D(120), D(130)),
    ("100多件", "100多件", D(100), D(200)),
    ("约100件", "100件", D(90), D(110)),
    ("100件左右", "100件左右", D(90), D(110)),
    ("近100件", "100件", D(90), D(100)),
    ("超过100件", "100件", D(100), None),
    ("100件以上", "100件以上", D(100), None),
    ("不足100件", "100件", D(0), D(100)),
    ("收费18600元", "18600元", D("1.86"), D("1.86")),
    ("占33.9%", "33.9%", D("33.8"), D("34.0")),
]


@pytest.mark.parametrize(("text", "written", "low", "high"), CASES, ids=[c[0] for c in CASES])
def test_a_figure_is_read_as_written(text: str, written: str, low: Decimal, high: Decimal | None) -> None:
    (figure,) = read_figures(text)
    assert (figure.text, figure.low, figure.high) == (written, low, high)


@pytest.mark.parametrize("text", ["《条例》第二十条", "2021年12月31日", "三安全一稳定", "每件申请", "20个工作日"])
def test_numbers_that_are_not_counts_of_a_term(text: str) -> None:
    assert all(f.kind not in ("count", "money", "items") for f in read_figures(text))


def test_changes_totals_and_shares_are_told_apart() -> None:
    change, total, share = (read_figures(t)[0] for t in ("较上年减少3件", "共57件", "占比42.1%"))
    assert change.change == -1 and not change.total
    assert total.total and not total.change
    assert share.share and share.kind == "percent"


def test_long_runs_of_digits_or_numerals_are_read_in_linear_time() -> None:
    import time

    start = time.perf_counter()
    for text in ("一" * 2000 + "件", "1" * 2000 + "件", "1," * 1000 + "件", "十百千" * 700):
        assert read_figures(text) == []  # no number that long is a figure
    assert time.perf_counter() - start < 0.5
