"""YAML for data files, read safely: no aliases, anchors or custom tags, bounded depth and
size, every scalar kept as the text that was written (so numbers stay exact), positions kept.

PyYAML's event parser is iterative; the tree is built here from its events with an explicit
stack, so hostile nesting cannot exhaust the Python stack, and nothing is ever constructed
from a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.source import Source, Span

MAX_DEPTH = 16
MAX_EVENTS = 500_000
# YAML's plain types; other tags (python/object..., custom ones) are refused.
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)

_PROBLEMS_ZH = {
    "mapping values are not allowed here": "这里不能再写“名称: 数值”（检查冒号和缩进）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "这里有制表符（Tab），请改用空格",
    "found unexpected end of stream": "文件意外结束（引号没有闭合？）",
    "did not find expected key": "缩进不一致，找不到下一个名称",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    "found duplicate anchor": "锚点重复",
}


@dataclass(frozen=True, slots=True)
class YScalar:
    text: str
    quoted: bool
    span: Span

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True, slots=True)
class YMap:
    items: tuple[tuple[YNode, YNode], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class YSeq:
    items: tuple[YNode, ...]
    span: Span


YNode = YScalar | YMap | YSeq


def _span(source: Source, event: yaml.Event) -> Span:
    start, end = event.start_mark, event.end_mark
    if start is None or end is None:
        return source.point(1, 1)
    if end.line == start.line and end.column > start.column:
        return Span(source.name, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    return source.point(start.line + 1, start.column + 1)


def _problem(exc: yaml.YAMLError) -> tuple[str, str]:
    en = str(getattr(exc, "problem", None) or "malformed YAML")
    return _PROBLEMS_ZH.get(en, en), en


class _Builder:
    """Builds nodes from events; an open collection is [kind, items, span]."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.stack: list[tuple[str, list[YNode], Span]] = []
        self.root: YNode | None = None

    def add(self, node: YNode) -> None:
        if self.stack:
            self.stack[-1][1].append(node)
        else:
            self.root = node

    def close(self) -> None:
        kind, items, span = self.stack.pop()
        if kind == "map":
            pairs = tuple(zip(items[0::2], items[1::2], strict=True))
            self.add(YMap(pairs, span))
        else:
            self.add(YSeq(tuple(items), span))


# "收到申请数: -" is how people write a blank, but a lone "-" after a colon is YAML's
# sequence marker. When the file fails there, such dashes are read as the text "-".
_LONE_DASH = re.compile(r"^([^#\n]*?:[ \t]+)-([ \t]*(?:#.*)?)$", re.MULTILINE)


def load_yaml(source: Source) -> tuple[YNode | None, list[Diagnostic]]:
    """Parse one YAML document into nodes, or report why not (naming the usual typing slips:
    a full-width colon, a missing space after the colon, a wrong indent)."""
    text = source.text
    root, problems, error = _load(source, text)
    if error is not None and error.problem == "sequence entries are not allowed here":
        dashed = _LONE_DASH.sub(r'\1"-"\2', text)
        retry, retry_problems, retry_error = _load(source, dashed, dashes=True)
        if not retry_problems:
            return retry, []
        if retry_error is not None and _mark_line(retry_error) > _mark_line(error):
            # the dashes were fine; the file fails further down, maybe on a slip
            slip = _explain(dashed, retry_error)
            if slip is not None:
                line, column, zh, en = slip
                return None, [diag("D301", source.point(line, column), problem=zh, problem_en=en)]
    if error is not None:
        slip = _explain(text, error)
        if slip is not None:
            line, column, zh, en = slip
            return None, [diag("D301", source.point(line, column), problem=zh, problem_en=en)]
    return root, problems


def _load(
    source: Source, text: str, dashes: bool = False
) -> tuple[YNode | None, list[Diagnostic], yaml.MarkedYAMLError | None]:
    """Parse ``text`` (the source's, or with lone dashes quoted: ``dashes``, whose scalars are
    then placed on the dash as written); a syntax error is also returned for :func:`_explain`."""
    builder = _Builder(source)
    documents = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader)):
            if count > MAX_EVENTS:
                return (
                    None,
                    [
                        diag(
                            "D304",
                            None,
                            problem=f"条目过多（超过 {MAX_EVENTS} 个）",
                            problem_en=f"too many entries (over {MAX_EVENTS})",
                        )
                    ],
                    None,
                )
            span = _span(source, event)
            if isinstance(event, yaml.AliasEvent):
                return None, [diag("D302", span, feature="别名 *", feature_en="alias *")], None
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                return None, [diag("D302", span, feature="锚点 &", feature_en="anchor &")], None
            tag = getattr(event, "tag", None)
            if tag and tag not in _STANDARD_TAGS:
                return None, [diag("D302", span, feature=f"标签 {tag}", feature_en=f"tag {tag}")], None
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return (
                        None,
                        [
                            diag(
                                "D304",
                                span,
                                problem="只能有一个文档（去掉多余的 ---）",
                                problem_en="one document only (remove the extra ---)",
                            )
                        ],
                        None,
                    )
            elif isinstance(event, yaml.ScalarEvent):
                if dashes and event.value == "-" and source.line_text(span.line)[span.column - 1 : span.column] == "-":
                    span = source.point(span.line, span.column)
                builder.add(YScalar(event.value, event.style not in (None, ""), span))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(builder.stack) >= MAX_DEPTH:
                    return None, [diag("D303", span, limit=str(MAX_DEPTH))], None
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                builder.stack.append((kind, [], span))
            elif isinstance(event, yaml.CollectionEndEvent):
                builder.close()
    except yaml.MarkedYAMLError as exc:
        zh, en = _problem(exc)
        mark = exc.problem_mark or exc.context_mark
        where = source.point(mark.line + 1, mark.column + 1) if mark else None
        return None, [diag("D301", where, problem=zh, problem_en=en)], exc
    except yaml.YAMLError as exc:
        zh, en = _problem(exc)
        return None, [diag("D301", None, problem=zh, problem_en=en)], None
    return builder.root, [], None


# -- typing slips ---------------------------------------------------------------------------
# When a file fails to parse, the lines around PyYAML's error are searched for the usual slips
# of hand-typed YAML, so that the report names the slip on the line where it was made: a
# full-width colon "：" as the separator, no space after ":", a label indented unlike its
# siblings. Files that parse are never looked at, so nothing here changes what they mean.

Slip = tuple[int, int, str, str]  # line, column (1-based), problem in Chinese, in English

# PyYAML problems (prefixes) that such slips cause
_SLIP_PROBLEMS = (
    "could not find expected ':'",
    "mapping values are not allowed here",
    "did not find expected key",
    "expected <block end>",
    "sequence entries are not allowed here",
    "block sequence entries are not allowed",
)
_WINDOW = 50  # lines looked at above the error
_CONFIRM_TRIES = 4  # re-parses of a corrected prefix, at most
_CONFIRM_CHARS = 1_000_000  # and only of a prefix this long
_SEPARATOR = re.compile(r":(?:[ \t]|$)")
_COMMENT = re.compile(r"(?:^|[ \t])#.*$")
# what stands after a colon where a number was meant: digits, a blank marker, an inline {…}/[…]
_NUMBERISH = r"(?:[-+]?[0-9０-９][0-9０-９,，.．]*%?|[-—–/／]+|无|[{\[].*)"
_FULL_WIDTH = re.compile(r"：[ \t\u3000]*(" + _NUMBERISH + r")[ \t]*$")
_NO_SPACE = re.compile(r"^[ \t]*([^\s#:'\"{}\[\]][^:]*?):(" + _NUMBERISH + r")[ \t]*$")
_BLOCK_SCALAR = re.compile(r":[ \t]+[|>][-+0-9]*$")


def _mark_line(error: yaml.MarkedYAMLError) -> int:
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark is not None else 0


def _content(line: str) -> str | None:
    """The line without its comment and trailing blanks; None for a blank or comment line."""
    content = _COMMENT.sub("", line).rstrip()
    return content if content.strip() else None


def _example(key: str, value: str) -> str:
    return f"{key.strip()}: {value}" if len(value) <= 12 else f"{key.strip()}: …"


def _explain(text: str, error: yaml.MarkedYAMLError) -> Slip | None:
    """The typing slip that made ``text`` fail with ``error``, if one is recognised."""
    problem = str(error.problem or "")
    if not problem.startswith(_SLIP_PROBLEMS):
        return None
    lines = text.split("\n")
    last = _mark_line(error)
    if not 1 <= last <= len(lines):
        return None
    first = last
    if error.context == "while scanning a simple key" and error.context_mark is not None:
        first = min(first, error.context_mark.line + 1)
    # a line without a separator may be the start of the plain text the error ran into
    k = first - 1
    while k >= 1 and first - k <= _WINDOW:
        content = _content(lines[k - 1])
        if content is not None:
            if _SEPARATOR.search(content):
                break
            first = k
        k -= 1

    strong: list[tuple[Slip, str]] = []  # with the corrected line
    weak: list[tuple[Slip, str]] = []
    for n in range(first, last + 1):
        content = _content(lines[n - 1])
        if content is None or content.lstrip().startswith(("- ", "-\t")):
            continue  # a list item is text ("- 全年收到申请：28")
        found = _FULL_WIDTH.search(content)
        if found and not _SEPARATOR.search(content[: found.start()]):
            at = found.start()
            zh = (
                f"第 {n} 行用了中文冒号“：”分隔名称和数值，应改为英文冒号加空格“: ”"
                f"（如“{_example(content[:at], found.group(1))}”）"
            )
            en = f"line {n} separates label and value with a full-width colon '：'; use ': ' (ASCII colon and space)"
            strong.append(((n, at + 1, zh, en), content[:at] + ": " + content[at + 1 :].lstrip(" \t\u3000")))
            continue
        if _SEPARATOR.search(content):
            continue
        found = _NO_SPACE.match(content)
        if found:
            at = found.end(1)
            example = _example(found.group(1), found.group(2))
            zh = f"第 {n} 行冒号后缺少空格：应写成“{example}”"
            en = f"line {n} has no space after the colon: write '{example}'"
            strong.append(((n, at + 1, zh, en), content[: at + 1] + " " + content[at + 1 :]))
        elif content.endswith("："):
            label = content.strip()
            zh = f"第 {n} 行末尾只有中文冒号“：”，下面的内容归不到这个名称下；应在末尾再加英文冒号“:”，如“{label}:”"
            en = f"line {n} ends with a full-width colon '：' only; add an ASCII colon ':' after it ('{label}:')"
            weak.append(((n, len(content), zh, en), content + ":"))

    tries = _CONFIRM_TRIES
    if strong:
        tries -= 1
        if _corrected_parses(lines, last, {slip[0]: fixed for slip, fixed in strong}):
            return strong[0][0]
    for slip, fixed in weak:
        if tries <= 0:
            break
        tries -= 1
        if _corrected_parses(lines, last, {slip[0]: fixed}):
            return slip
    indent = _indent_slip(lines, last)
    if strong and (indent is None or indent[0] == strong[0][0][0]):
        return strong[0][0]  # not the only slip on its line, but surely one
    if indent is not None:
        return indent
    return _second_colon(lines, error, last)


def _corrected_parses(lines: list[str], last: int, fixed: dict[int, str]) -> bool:
    """Whether the text up to a little past line ``last``, with the ``fixed`` lines put in,
    parses past line ``last`` (cutting the text can only fail further down)."""
    head = "\n".join(fixed.get(n, line) for n, line in enumerate(lines[: last + 5], start=1)) + "\n"
    if len(head) > _CONFIRM_CHARS:
        return False
    try:
        for count, _ in enumerate(yaml.parse(head, Loader=yaml.SafeLoader)):
            if count > MAX_EVENTS:
                return False
    except yaml.MarkedYAMLError as exc:
        return _mark_line(exc) > last
    except yaml.YAMLError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    indent: int  # where the label starts (after any "- ")
    opens: bool  # ends with "label:", so the next line may be indented further


def _indent(line: str) -> int | None:
    """Leading spaces; None when a tab is among them (reported by PyYAML itself)."""
    stripped = line.lstrip(" ")
    return None if stripped.startswith("\t") else len(line) - len(stripped)


def _structure(lines: list[str], upto: int) -> tuple[list[_Line], list[int]] | None:
    """The label lines above line ``upto`` and the indents of the levels still open there."""
    entries: list[_Line] = []
    levels: list[int] = []
    block: int | None = None  # indent of the label owning a literal block (| or >)
    flow = 0  # open brackets of an inline {…} or […] spread over lines
    for n in range(1, upto):
        content = _content(lines[n - 1])
        if content is None:
            continue
        indent = _indent(content)
        if indent is None:
            return None
        if block is not None:
            if indent > block:
                continue
            block = None
        if flow > 0:
            flow += sum(content.count(c) for c in "{[") - sum(content.count(c) for c in "}]")
            continue
        if entries and not entries[-1].opens and levels and indent > levels[-1]:
            continue  # the text of the line above, carried on
        while levels and levels[-1] > indent:
            levels.pop()
        if not levels or levels[-1] < indent:
            levels.append(indent)
        inner, rest = indent, content[indent:]
        while rest == "-" or rest.startswith(("- ", "-\t")):
            step = len(rest) - len(rest[1:].lstrip(" \t"))
            inner, rest = inner + step, rest[step:]
        if inner > indent and rest:
            levels.append(inner)
        if _BLOCK_SCALAR.search(content):
            block = inner
        flow = max(0, sum(content.count(c) for c in "{[") - sum(content.count(c) for c in "}]"))
        entries.append(_Line(n, inner, bool(_SEPARATOR.search(content)) and content.endswith(":")))
    return entries, levels


def _indent_message(n: int, ref: str, ref_en: str, expected: list[int], actual: int) -> Slip:
    zh_expected = " 或 ".join(str(e) for e in expected)
    en_expected = " or ".join(str(e) for e in expected)
    return (
        n,
        actual + 1,
        f"第 {n} 行缩进不对：同一层的名称应对齐（{ref}缩进 {zh_expected} 个空格，这一行 {actual} 个）",
        f"line {n} is indented wrongly: labels at one level must line up "
        f"({ref_en}: {en_expected} spaces, this line: {actual})",
    )


def _indent_slip(lines: list[str], x: int) -> Slip | None:
    """A label on line ``x`` (PyYAML's error line) or just above it indented unlike its
    siblings."""
    content = _content(lines[x - 1])
    found = _structure(lines, x)
    if content is None or found is None:
        return None
    entries, levels = found
    actual = _indent(content)
    if actual is None or not entries:
        return None
    above = entries[-1]
    if actual in levels or (above.opens and actual > above.indent):
        return None  # an indent that fits: the slip is something else
    before = entries[-2] if len(entries) > 1 else None
    if before is not None and not before.opens and not above.opens and above.indent < actual == before.indent:
        # a line sticking out to the left between two lines that line up: that one is off
        return _indent_message(above.number, "上一行", "the line above", [before.indent], above.indent)
    if before is not None and before.opens and before.indent < actual and above.indent > before.indent:
        # the first label under a heading and the second differ: the following lines decide
        after = next((c for c in (_content(line) for line in lines[x:]) if c is not None), None)
        if after is not None and _indent(after) == actual:
            return _indent_message(above.number, "下一行", "the line below", [actual], above.indent)
    if actual > above.indent:
        return _indent_message(x, "上一行", "the line above", [above.indent], actual)
    nearest = min(abs(level - actual) for level in levels) if levels else 0
    expected = sorted((level for level in levels if abs(level - actual) == nearest), reverse=True)
    if above.indent in expected:
        return _indent_message(x, "上一行", "the line above", [above.indent], actual)
    return _indent_message(x, "上面同一层的名称", "the labels above at that level", expected, actual)


def _second_colon(lines: list[str], error: yaml.MarkedYAMLError, x: int) -> Slip | None:
    """A second ": " on one line ("说明: 见下: 1")."""
    mark = error.problem_mark
    if error.problem != "mapping values are not allowed here" or mark is None:
        return None
    content = _content(lines[x - 1]) or ""
    if len(_SEPARATOR.findall(content)) < 2:
        return None
    return (
        x,
        mark.column + 1,
        f"第 {x} 行有两个英文冒号“: ”，一行只能写一个“名称: 数值”；文字中的冒号请改用中文冒号“：”",
        f"line {x} has a second ': '; write one 'label: value' per line and use '：' inside text",
    )
