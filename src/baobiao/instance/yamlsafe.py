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
    """Parse one YAML document into nodes, or report why not."""
    root, problems = _load(source, source.text)
    if problems and problems[0].args.get("problem_en") == "sequence entries are not allowed here":
        retry, retry_problems = _load(source, _LONE_DASH.sub(r'\1"-"\2', source.text), dashes=True)
        if not retry_problems:
            return retry, []
    return root, problems


def _load(source: Source, text: str, dashes: bool = False) -> tuple[YNode | None, list[Diagnostic]]:
    """Parse ``text`` (the source's, or with lone dashes quoted: ``dashes``, whose scalars are
    then placed on the dash as written)."""
    builder = _Builder(source)
    documents = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader)):
            if count > MAX_EVENTS:
                return None, [
                    diag(
                        "D304",
                        None,
                        problem=f"条目过多（超过 {MAX_EVENTS} 个）",
                        problem_en=f"too many entries (over {MAX_EVENTS})",
                    )
                ]
            span = _span(source, event)
            if isinstance(event, yaml.AliasEvent):
                return None, [diag("D302", span, feature="别名 *", feature_en="alias *")]
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                return None, [diag("D302", span, feature="锚点 &", feature_en="anchor &")]
            tag = getattr(event, "tag", None)
            if tag and tag not in _STANDARD_TAGS:
                return None, [diag("D302", span, feature=f"标签 {tag}", feature_en=f"tag {tag}")]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [
                        diag(
                            "D304",
                            span,
                            problem="只能有一个文档（去掉多余的 ---）",
                            problem_en="one document only (remove the extra ---)",
                        )
                    ]
            elif isinstance(event, yaml.ScalarEvent):
                if dashes and event.value == "-" and source.line_text(span.line)[span.column - 1 : span.column] == "-":
                    span = source.point(span.line, span.column)
                builder.add(YScalar(event.value, event.style not in (None, ""), span))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(builder.stack) >= MAX_DEPTH:
                    return None, [diag("D303", span, limit=str(MAX_DEPTH))]
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                builder.stack.append((kind, [], span))
            elif isinstance(event, yaml.CollectionEndEvent):
                builder.close()
    except yaml.MarkedYAMLError as exc:
        zh, en = _problem(exc)
        mark = exc.problem_mark or exc.context_mark
        where = source.point(mark.line + 1, mark.column + 1) if mark else None
        return None, [diag("D301", where, problem=zh, problem_en=en)]
    except yaml.YAMLError as exc:
        zh, en = _problem(exc)
        return None, [diag("D301", None, problem=zh, problem_en=en)]
    return builder.root, []
