"""Loading data files: how keys find form items, how cell texts become numbers, and what is
reported for unreadable files, odd metadata and values that are not numbers.

Every data file here is a variant of examples/shandong-fao-2017.yaml made by text
substitution, written under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLE_2017, CliResult

from baobiao.diagnostics.core import Diagnostic, Severity
from baobiao.diagnostics.render import hint, message
from baobiao.model import Form
from baobiao.pipeline import DataResult, check_data

Run = Callable[..., CliResult]

EXAMPLE_TEXT = EXAMPLE_2017.read_text(encoding="utf-8")

ONLINE = "    3.网络申请数: 1"
RECEIVED = "    （一）收到申请数: 1"
TRAINEES = "    （三）接受培训人员数: 50"
FUNDING = "    （四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）: 0"
RECON_OTHER = "  四、行政复议数量 > （三）其他情形数: 0"


def variant(*pairs: tuple[str, str]) -> str:
    """The example with each ``old`` line text replaced (once) by ``new``."""
    text = EXAMPLE_TEXT
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} should occur exactly once in the example"
        text = text.replace(old, new)
    return text


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check_text(form: Form, tmp_path: Path, text: str) -> DataResult:
    return check_data(form, write(tmp_path, text), {})


def codes(result: DataResult) -> list[str]:
    return [d.code for d in result.report.diagnostics]


def only(result: DataResult, code: str) -> Diagnostic:
    found = [d for d in result.report.diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, message(d, "en")) for d in result.report.diagnostics]
    return found[0]


def line_of(text: str, needle: str) -> int:
    """1-based number of the (only) line containing ``needle`` above the narrative (report:)."""
    above = text.split("\nreport:", 1)[0]
    lines = [n for n, line in enumerate(above.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


# -- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "item_id"),
    [
        ("    online: 1", "online"),
        ("    3.网络申请数: 1", "online"),
        ("    网络申请数: 1", "online"),
        ("    ３.网络申请数: 1", "online"),
        ("    3．网络申请数: 1", "online"),
        ("    网络 申请数: 1", "online"),
        ("    3.网络申请数 : 1", "online"),
        ("    3、网络申请数: 1", "online"),
    ],
    ids=[
        "id",
        "label",
        "no-numbering",
        "full-width-digit",
        "full-width-dot",
        "inner-space",
        "space-before-colon",
        "dun",
    ],
)
def test_key_spellings_name_the_same_cell(form2017: Form, tmp_path: Path, line: str, item_id: str) -> None:
    result = check_text(form2017, tmp_path, variant((ONLINE, line)))
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values[item_id].number == Decimal(1)


@pytest.mark.parametrize(
    "line",
    [
        "    (一)收到申请数: 1",
        "    （一)收到申请数: 1",
        "    收到申请数: 1",
        "    received: 1",
        "    (一) 收到申请数: 1",
    ],
    ids=["half-width-brackets", "mixed-brackets", "no-numbering", "id", "space-after-number"],
)
def test_bracket_numbering_spellings_name_the_total(form2017: Form, tmp_path: Path, line: str) -> None:
    result = check_text(form2017, tmp_path, variant((RECEIVED, line)))
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["received"].number == Decimal(1)


def test_full_width_brackets_in_file_match_half_width_in_spec(form2017: Form, tmp_path: Path) -> None:
    # the spec prints （一）…；the data file writes full-width digits and ASCII brackets elsewhere too
    text = variant(
        ("    （一）回应公众关注热点或重大舆情数: 4", "    (一)回应公众关注热点或重大舆情数: ４"),
    )
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["hot_topics"].number == Decimal(4)


def test_path_key_names_the_cell_under_its_parent(form2017: Form, tmp_path: Path) -> None:
    text = variant(
        ("  四、行政复议数量: 0", "  四、行政复议数量: 2"),
        (RECON_OTHER, "  四、行政复议数量 > （三）其他情形数: 2"),
    )
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    values = result.instance.values
    assert values["other"].number == Decimal(2)
    assert values["litigation_other"].number == Decimal(0)
    assert values["complaints_other"].number == Decimal(0)


def test_path_key_tolerates_spacing_and_bracket_variants(form2017: Form, tmp_path: Path) -> None:
    text = variant(
        ("  四、行政复议数量: 0", "  四、行政复议数量: 3"),
        (RECON_OTHER, "  四、行政复议数量>(三)其他情形数: 3"),
    )
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["other"].number == Decimal(3)


def test_path_key_at_top_level_may_skip_intermediate_levels(form2017: Form, tmp_path: Path) -> None:
    text = variant((ONLINE + "\n", "")).replace("values:\n", "values:\n  三、依申请公开情况 > 3.网络申请数: 1\n", 1)
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["online"].number == Decimal(1)


def test_nested_mapping_under_a_heading(form2017: Form, tmp_path: Path) -> None:
    # the channels sub-heading written as its own mapping inside 一、主动公开情况
    channels = [
        "    1.政府公报公开政府信息数: 477\n",
        "    2.政府网站公开政府信息数: 9764\n",
        "    3.政务微博公开政府信息数: 567\n",
        "    4.政务微信公开政府信息数: 499\n",
        "    5.其他方式公开政府信息数: 0\n",
    ]
    nested = "    （二）通过不同渠道和方式公开政府信息的情况:\n" + "".join("  " + line for line in channels)
    text = variant(*((line, "") for line in channels[1:]), (channels[0], nested))
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["website"].number == Decimal(9764)
    assert result.instance.values["website"].path == (
        "$.values.一、主动公开情况.（二）通过不同渠道和方式公开政府信息的情况.2.政府网站公开政府信息数"
    )


def test_key_inside_a_heading_is_looked_up_only_under_that_heading(form2017: Form, tmp_path: Path) -> None:
    # 3.网络申请数 belongs to 三、依申请公开情况, not to 一、主动公开情况
    text = variant((ONLINE + "\n", "")).replace(
        "    （一）主动公开政府信息数: 11307\n", "    （一）主动公开政府信息数: 11307\n    3.网络申请数: 1\n", 1
    )
    result = check_text(form2017, tmp_path, text)
    d = only(result, "D305")
    assert d.span is not None
    assert d.span.line == line_of(text, "3.网络申请数")
    # the unknown key does not blind the check: the cell it did not fill is blank, and the sum
    # over it is decided as far as the known parts decide it (received 1 = 0 + 0 + blank + 0 + 0)
    blank = only(result, "C404")
    assert blank.cells[0].id == "online"
    assert "应为 1" in hint(blank, "zh")
    assert only(result, "C405").rule.id == "received.sum"  # type: ignore[union-attr]


@pytest.mark.parametrize("key", ["其他情形数", "（三）其他情形数", "(三)其他情形数"])
def test_ambiguous_key_lists_the_three_candidates(form2017: Form, tmp_path: Path, key: str) -> None:
    text = variant((RECON_OTHER, f"  {key}: 0"))
    result = check_text(form2017, tmp_path, text)
    d = only(result, "D306")
    # the cell the key meant is blank; its sum (维持 0 + 纠错 0 + blank = 0) holds only if it is 0
    assert sorted(codes(result)) == ["C404", "C413", "D306"]
    assert only(result, "C404").cells[0].id == "other"
    assert only(result, "C413").rule.id == "reconsideration.sum"  # type: ignore[union-attr]
    assert d.severity is Severity.ERROR
    assert d.span is not None
    assert (d.span.line, d.span.column) == (text.splitlines().index(f"  {key}: 0") + 1, 3)
    assert key in message(d, "zh")
    assert "3" in message(d, "zh")
    for lang in ("zh", "en"):
        text_hint = hint(d, lang)
        assert "四、行政复议数量 > （三）其他情形数" in text_hint
        assert "五、行政诉讼数量 > （三）其他情形数" in text_hint
        assert "六、被举报投诉数量 > （三）其他情形数" in text_hint


@pytest.mark.parametrize(
    ("key", "slip"),
    [("网络申请", "名称印短或印长了"), ("3.网落申请数", "有一两个字不同"), ("3.網絡申請數", "繁体字")],
)
def test_slipped_label_is_read_with_a_warning(form2017: Form, tmp_path: Path, key: str, slip: str) -> None:
    text = variant((ONLINE, f"    {key}: 1"))
    result = check_text(form2017, tmp_path, text)
    d = only(result, "D324")
    assert d.severity is Severity.WARNING
    assert key in message(d, "zh") and "3.网络申请数" in message(d, "zh") and slip in message(d, "zh")
    assert d.span is not None and d.span.line == line_of(text, key)
    assert not result.report.errors  # the value is read where it belongs: every rule holds
    assert result.instance is not None and result.instance.values["online"].number == 1


def test_strict_labels_refuse_a_slipped_label(form2017: Form, tmp_path: Path) -> None:
    from baobiao.pipeline import CheckOptions, check_data

    text = variant((ONLINE, "    3.网落申请数: 1"))
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_data(form2017, path, {}, options=CheckOptions(strict_labels=True))
    d = only(result, "D324")
    assert d.severity is Severity.ERROR
    assert result.instance is not None and "online" not in result.instance.values


@pytest.mark.parametrize(("key", "suggested"), [("网上申请件数", "3.网络申请数"), ("onlin", "online")])
def test_unknown_key_suggests_the_closest_item(form2017: Form, tmp_path: Path, key: str, suggested: str) -> None:
    text = variant((ONLINE, f"    {key}: 1"))
    result = check_text(form2017, tmp_path, text)
    d = only(result, "D305")
    assert key in message(d, "zh")
    assert suggested in hint(d, "zh")
    assert suggested in hint(d, "en")
    assert d.span is not None
    assert (d.span.line, d.span.column, d.span.end_column) == (line_of(text, key), 5, 5 + len(key))


def test_same_cell_twice_is_a_duplicate(form2017: Form, tmp_path: Path) -> None:
    text = variant((ONLINE, ONLINE + "\n    online: 1"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D307"]
    d = result.report.diagnostics[0]
    assert "3.网络申请数" in message(d, "zh")
    assert d.span is not None and d.span.line == line_of(text, "online:")
    assert [r.span.line for r in d.related] == [line_of(text, "3.网络申请数")]


def test_same_cell_twice_under_two_spellings_at_different_levels(form2017: Form, tmp_path: Path) -> None:
    text = variant((RECON_OTHER, RECON_OTHER + "\n  other: 0"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D307"]


def test_value_for_a_heading_is_refused(form2017: Form, tmp_path: Path) -> None:
    # the heading given a number, at the end of values: (its items stay nested above)
    end_of_values = "    （三）接受培训人员数: 50\n"
    text = EXAMPLE_TEXT.replace(end_of_values, end_of_values + "  一、主动公开情况: 5\n")
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D310"]
    d = result.report.diagnostics[0]
    assert "一、主动公开情况" in message(d, "zh")
    assert d.span is not None and d.span.line == text.splitlines().index("  一、主动公开情况: 5") + 1


def test_value_for_a_sub_heading_is_refused(form2017: Form, tmp_path: Path) -> None:
    line = "    （二）通过不同渠道和方式公开政府信息的情况: 11307"
    text = variant(("    制发规范性文件总数: 0", "    制发规范性文件总数: 0\n" + line))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D310"]
    assert result.report.diagnostics[0].span.line == line_of(text, "通过不同渠道")  # type: ignore[union-attr]


# -- values -----------------------------------------------------------------------------------

MISSING = ["", "-", "/", "—", "无", "~", '""', "''", "null", "－"]


@pytest.mark.parametrize("written", MISSING, ids=[repr(m) for m in MISSING])
def test_missing_markers_load_as_blank_and_are_reported_when_checking(
    form2017: Form, tmp_path: Path, written: str
) -> None:
    text = variant((TRAINEES, f"    （三）接受培训人员数: {written}".rstrip()))
    result = check_text(form2017, tmp_path, text)
    assert result.instance is not None
    assert result.checked is not None, "a blank is not a load error: the file is checked"
    assert result.instance.values["trainees"].number is None
    assert codes(result) == ["C404"]
    d = result.report.diagnostics[0]
    assert d.cells[0].id == "trainees"
    assert d.span is not None and d.span.line == line_of(text, "接受培训人员数")


def test_dash_blank_is_located_on_the_dash_itself(form2017: Form, tmp_path: Path) -> None:
    """``label: -`` is read after a retry that quotes the dash; positions must still be those of
    the file as written: the dash is one column wide."""
    line = "    （三）接受培训人员数: -"
    text = variant((TRAINEES, line))
    result = check_text(form2017, tmp_path, text)
    d = only(result, "C404")
    assert d.span is not None
    column = len(line)  # the dash is the last character
    assert (d.span.line, d.span.column, d.span.end_line, d.span.end_column) == (
        line_of(text, "接受培训人员数"),
        column,
        line_of(text, "接受培训人员数"),
        column + 1,
    )


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("１２", Decimal(12)),
        ("1,234", Decimal(1234)),
        ('"1,234"', Decimal(1234)),
        ("１，２３４", Decimal(1234)),
        (" 12 ", Decimal(12)),
        ("0012", Decimal(12)),
        ("+12", Decimal(12)),
    ],
)
def test_numbers_as_people_write_them(form2017: Form, tmp_path: Path, written: str, number: Decimal) -> None:
    text = variant((TRAINEES, f"    （三）接受培训人员数: {written}"))
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["trainees"].number == number


def test_money_with_a_unit_written_in_quotes_the_text(form2017: Form, tmp_path: Path) -> None:
    text = variant((FUNDING, FUNDING[:-1] + "251000元"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D314"]
    d = result.report.diagnostics[0]
    assert "251000元" in message(d, "zh")
    assert "251000元" in message(d, "en")
    assert "万元" in hint(d, "zh")  # the item's own unit
    assert d.severity is Severity.ERROR and result.instance is not None
    assert result.instance.values["funding"].number is None  # another unit: never converted on a guess
    assert result.checked is not None  # the rest of the file is still checked


def test_count_with_its_own_unit_suggests_the_bare_number(form2017: Form, tmp_path: Path) -> None:
    text = variant((TRAINEES, "    （三）接受培训人员数: 50人次"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D314"]
    d = result.report.diagnostics[0]
    assert "50人次" in message(d, "zh")
    assert "50" in hint(d, "en")
    assert d.severity is Severity.WARNING  # the cell's own unit, as published reports print it: read
    assert result.instance is not None and result.instance.values["trainees"].number == Decimal(50)


def test_text_that_is_not_a_number(form2017: Form, tmp_path: Path) -> None:
    text = variant((TRAINEES, "    （三）接受培训人员数: abc"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D308"]
    d = result.report.diagnostics[0]
    assert "abc" in message(d, "zh")
    assert "（三）接受培训人员数" in message(d, "zh")
    assert d.span is not None
    assert (d.span.line, d.span.column, d.span.end_column) == (line_of(text, "abc"), 17, 20)


def test_forty_digit_number_is_too_large(form2017: Form, tmp_path: Path) -> None:
    digits = "1234567890" * 4
    text = variant((TRAINEES, f"    （三）接受培训人员数: {digits}"))
    result = check_text(form2017, tmp_path, text)
    assert codes(result) == ["D309"]
    assert result.checked is not None


def test_fifteen_digits_are_still_a_number(form2017: Form, tmp_path: Path) -> None:
    digits = "123456789012345"
    text = variant((TRAINEES, f"    （三）接受培训人员数: {digits}"))
    result = check_text(form2017, tmp_path, text)
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["trainees"].number == Decimal(digits)


# -- files and encodings ----------------------------------------------------------------------


def test_utf8_bom_file_loads_and_positions_are_unshifted(form2017: Form, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode("utf-8"))
    assert check_data(form2017, path, {}).report.diagnostics == ()
    bad = variant((TRAINEES, "    （三）接受培训人员数: abc"))
    path.write_bytes(b"\xef\xbb\xbf" + bad.encode("utf-8"))
    d = only(check_data(form2017, path, {}), "D308")
    assert d.span is not None and (d.span.line, d.span.column) == (line_of(bad, "abc"), 17)


def test_crlf_file_loads(form2017: Form, tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(EXAMPLE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert check_data(form2017, path, {}).report.diagnostics == ()


def test_gbk_file_is_not_utf8(form2017: Form, tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(EXAMPLE_TEXT.encode("gbk"))
    result = check_data(form2017, path, {})
    assert codes(result) == ["F002"]
    assert str(path) in message(result.report.diagnostics[0], "zh")
    assert "UTF-8" in hint(result.report.diagnostics[0], "zh")


def test_gbk_file_through_cli_exits_2(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(EXAMPLE_TEXT.encode("gbk"))
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == 2
    assert "[F002]" in result.stdout


def test_missing_file(form2017: Form, tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    result = check_data(form2017, path, {})
    assert codes(result) == ["F001"]
    assert str(path) in message(result.report.diagnostics[0], "en")


def test_missing_file_through_cli_exits_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", "gov-disclosure-2017", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "[F001]" in result.stdout


# -- metadata ---------------------------------------------------------------------------------


def test_other_form_in_meta_is_a_warning(form2017: Form, tmp_path: Path, run_cli: Run) -> None:
    text = variant(("form: gov-disclosure-2017", "form: gov-disclosure-2019"))
    result = check_text(form2017, tmp_path, text)
    d = only(result, "D312")
    assert d.severity is Severity.WARNING
    assert "gov-disclosure-2019" in message(d, "zh") and "gov-disclosure-2017" in message(d, "zh")
    assert codes(result) == ["D312"]
    assert run_cli("check", "gov-disclosure-2017", str(tmp_path / "data.yaml")).exit_code == 0


@pytest.mark.parametrize("year", [2013, 2019, 2025])
def test_year_outside_the_form_is_a_warning(form2017: Form, tmp_path: Path, year: int) -> None:
    result = check_text(form2017, tmp_path, variant(("year: 2017", f"year: {year}")))
    assert codes(result) == ["D313"]
    d = result.report.diagnostics[0]
    assert d.severity is Severity.WARNING
    assert str(year) in message(d, "zh")
    assert "2014..2018" in message(d, "zh")


@pytest.mark.parametrize("year", [2014, 2018, "２０１７"])
def test_years_inside_the_form_are_fine(form2017: Form, tmp_path: Path, year: object) -> None:
    result = check_text(form2017, tmp_path, variant(("year: 2017", f"year: {year}")))
    assert result.report.diagnostics == ()


@pytest.mark.parametrize("year", ["2017.5", "二〇一七", "2017年", "abc", "12345"])
def test_year_that_is_not_a_year(form2017: Form, tmp_path: Path, year: str) -> None:
    result = check_text(form2017, tmp_path, variant(("year: 2017", f"year: {year}")))
    assert codes(result) == ["D311"]
    d = result.report.diagnostics[0]
    assert d.severity is Severity.ERROR
    assert year in message(d, "zh")
    assert result.checked is not None  # a bad year does not stop the check of the tables


def test_year_that_is_not_a_year_points_at_the_year(form2017: Form, tmp_path: Path) -> None:
    text = variant(("year: 2017", "year: 2017.5"))
    d = only(check_text(form2017, tmp_path, text), "D311")
    assert d.span is not None
    assert d.span.line == line_of(text, "year:")


# -- the input is left alone --------------------------------------------------------------------


@pytest.mark.parametrize("good", [True, False], ids=["clean", "with-errors"])
def test_check_does_not_touch_the_input_file(run_cli: Run, tmp_path: Path, good: bool) -> None:
    text = EXAMPLE_TEXT if good else variant((ONLINE, "    3.网络申请数: 2"))
    path = write(tmp_path, text)
    past = 1_500_000_000_000_000_000  # 2017-07-14, in ns
    os.utime(path, ns=(past, past))
    before = path.read_bytes()
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == (0 if good else 1)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == past
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.yaml"]
