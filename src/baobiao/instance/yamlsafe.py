"""YAML for data files, read safely: no aliases, anchors or custom tags, bounded depth and
size, every scalar kept as the text that was written (so numbers stay exact), positions kept.

PyYAML's event parser is iterative; the tree is built here from its events with an explicit
stack, so hostile nesting cannot exhaust the Python stack, and nothing is ever constructed
from a tag.

Events come from libyaml (PyYAML's C parser, some 30 times faster than its Python one, and
linear: an 8 MiB file in well under a second). When libyaml finds a file malformed, a file of
up to :data:`PY_REPARSE_CHARS` characters is parsed again by the Python parser, whose
messages the typing slips below are written against; a longer one is reported with libyaml's
position and its problem put in the Python parser's words where they differ.

Every scalar goes through :func:`baobiao.instance.values.checked_text`: lone surrogates (a YAML
escape such as "\\udc80"), control characters ("\\x1b[31m") and over-long texts are findings
at the scalar, and the text passed on is made safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.values import MAX_TEXT_FINDINGS, checked_text, quote
from baobiao.source import MAX_TEXT_CHARS, UNSAFE, Source, Span
from baobiao.syntax.limits import MAX_VALUES

MAX_DEPTH = 16
#: parser events (a data file has a few thousand): enough for the largest form a spec may define
#: (MAX_VALUES cells, each a key and a value, and each table row a mapping of its own)
MAX_EVENTS = 4 * MAX_VALUES + 10_000
#: A malformed file up to this long is parsed again by PyYAML's Python parser (about a second),
#: for its messages and the typing slips; a longer one keeps libyaml's position.
PY_REPARSE_CHARS = 256 * 1024
_C_LOADER: type | None = getattr(yaml, "CSafeLoader", None)  # None where libyaml is not built in
# libyaml's words for a problem -> the Python parser's, where the slips below look for them
_C_PROBLEMS = {
    "mapping values are not allowed in this context": "mapping values are not allowed here",
    "block sequence entries are not allowed in this context": "sequence entries are not allowed here",
    "found a tab character that violates indentation": "found character '\\t' that cannot start any token",
    "found a tab character where an indentation space is expected": "found character '\\t' that cannot start any token",
}
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
    a full-width colon, a missing space after the colon, a wrong indent). The nodes come with
    the findings about texts in them (D330-D332), which do not stop the reading; a file that
    cannot be read gives no nodes."""
    text = source.text
    root, problems, error = _parse(source, text)
    if error is not None and error.problem == "sequence entries are not allowed here":
        dashed = _LONE_DASH.sub(r'\1"-"\2', text)
        retry, retry_problems, retry_error = _parse(source, dashed, dashes=True)
        if retry_error is None and (retry is not None or not retry_problems):
            return retry, retry_problems
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


def _parse(
    source: Source, text: str, dashes: bool = False
) -> tuple[YNode | None, list[Diagnostic], yaml.MarkedYAMLError | None]:
    """:func:`_load` with libyaml, and again with the Python parser when libyaml finds ``text``
    malformed and it is short enough (see the module's docstring)."""
    if _C_LOADER is None:
        return _load(source, text, dashes, yaml.SafeLoader)
    found = _load(source, text, dashes, _C_LOADER)
    root, problems, error = found
    failed = error is not None or (root is None and any(d.code == "D301" for d in problems))
    if failed and len(text) <= PY_REPARSE_CHARS:
        return _load(source, text, dashes, yaml.SafeLoader)
    return found


def _load(
    source: Source, text: str, dashes: bool = False, loader: type = yaml.SafeLoader
) -> tuple[YNode | None, list[Diagnostic], yaml.MarkedYAMLError | None]:
    """Parse ``text`` (the source's, or with lone dashes quoted: ``dashes``, whose scalars are
    then placed on the dash as written); a syntax error is also returned for :func:`_explain`.
    The problems are either why nothing was read (no nodes), or the findings about texts."""
    builder = _Builder(source)
    documents = 0
    findings: list[Diagnostic] = []
    name, scalar_event, add = source.name, yaml.ScalarEvent, builder.add
    try:
        for count, event in enumerate(yaml.parse(text, Loader=loader)):
            if count > MAX_EVENTS:
                return (
                    None,
                    [
                        diag(
                            "D304",
                            _span(source, event),  # where the limit is passed
                            problem=f"条目过多（超过 {MAX_EVENTS} 个）",
                            problem_en=f"too many entries (over {MAX_EVENTS})",
                        )
                    ],
                    None,
                )
            if type(event) is scalar_event:  # most events: on the shortest path
                start, end = event.start_mark, event.end_mark
                if start is not None and end is not None:
                    line, column = start.line + 1, start.column + 1
                    last = end.column + 1 if end.line == start.line and end.column > start.column else column + 1
                    span = Span(name, line, column, line, last)
                else:  # pragma: no cover - both parsers mark every event
                    span = _span(source, event)
                    line, column = span.line, span.column
                if event.anchor is not None or (event.tag and event.tag not in _STANDARD_TAGS):
                    return None, [_unsupported(event, span)], None
                value = event.value
                if dashes and value == "-" and source.line_text(line)[column - 1 : column] == "-":
                    span = source.point(line, column)
                if len(value) > MAX_TEXT_CHARS or UNSAFE.search(value) is not None:
                    value, found = checked_text(value, span)
                    if len(findings) < MAX_TEXT_FINDINGS:
                        findings.extend(found)
                add(YScalar(value, event.style not in (None, ""), span))
            elif isinstance(event, yaml.CollectionEndEvent):
                builder.close()
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                span = _span(source, event)
                if event.anchor is not None or (event.tag and event.tag not in _STANDARD_TAGS):
                    return None, [_unsupported(event, span)], None
                if len(builder.stack) >= MAX_DEPTH:
                    return None, [diag("D303", span, limit=str(MAX_DEPTH))], None
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                builder.stack.append((kind, [], span))
            elif isinstance(event, yaml.AliasEvent):
                return None, [_unsupported(event, _span(source, event))], None
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return (
                        None,
                        [
                            diag(
                                "D304",
                                _span(source, event),
                                problem="只能有一个文档（去掉多余的 ---）",
                                problem_en="one document only (remove the extra ---)",
                            )
                        ],
                        None,
                    )
    except yaml.MarkedYAMLError as exc:
        exc.problem = _C_PROBLEMS.get(str(exc.problem), exc.problem)
        zh, en = _problem(exc)
        mark = exc.problem_mark or exc.context_mark
        where = source.point(mark.line + 1, mark.column + 1) if mark else None
        return None, [diag("D301", where, problem=zh, problem_en=en)], exc
    except yaml.reader.ReaderError:
        return None, [_unacceptable(source, text)], None
    except yaml.YAMLError as exc:
        zh, en = _problem(exc)
        return None, [diag("D301", None, problem=zh, problem_en=en)], None
    return builder.root, findings[:MAX_TEXT_FINDINGS], None


def _unsupported(event: yaml.Event, span: Span) -> Diagnostic:
    """D302 for an alias, an anchor or a tag other than YAML's standard ones."""
    if isinstance(event, yaml.AliasEvent):
        return diag("D302", span, feature="别名 *", feature_en="alias *")
    if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
        return diag("D302", span, feature="锚点 &", feature_en="anchor &")
    tag = quote(str(getattr(event, "tag", "")), 80)
    return diag("D302", span, feature=f"标签 {tag}", feature_en=f"tag {tag}")


def _unacceptable(source: Source, text: str) -> Diagnostic:
    """D301 at the first character YAML does not accept in a file (a control character)."""
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the parsers refuse nothing else
        return diag(
            "D301", None, problem="文件中有不能出现的字符", problem_en="the file holds a character YAML refuses"
        )
    line, column = source.position(found.start())
    char = quote(found.group(), 1)
    return diag(
        "D301",
        source.point(line, column),
        problem=f"第 {line} 行有不能出现的控制字符 {char}（请删去）",
        problem_en=f"line {line} holds the control character {char}, which YAML does not allow (delete it)",
    )


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
    loader = _C_LOADER if _C_LOADER is not None and len(head) > PY_REPARSE_CHARS else yaml.SafeLoader
    try:
        for count, _ in enumerate(yaml.parse(head, Loader=loader)):
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
