"""The narrative of a report (the ``report:`` part of a data file), loaded with positions.

```yaml
report:
  title: [山东省人民政府外事办公室, 2017年度政府信息公开年度报告]   # one or more lines
  preamble: 根据……                                                 # text or a list of paragraphs
  sections:
    - heading: 概述                   # numbered 一、二、… by the renderer
      paragraphs: [2017年，我办……]
      tables: [t3]                    # tables shown after the paragraphs (ids or printed labels)
      subsections:
        - heading: 组织领导           # numbered （一）（二）…
          paragraphs: [……]
  attachment: 省外办2017年度政府信息公开工作情况统计表   # the line after 附件：
  signature: 山东省人民政府外事办公室
  date: 2018年1月26日
```

Paragraphs may state figures from the table as ``{{ id }}`` or sums like ``{{ weibo + wechat }}``
(see report.narrative), so that text and table cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.yamlsafe import YMap, YNode, YScalar, YSeq
from baobiao.source import Span


@dataclass(frozen=True, slots=True)
class Para:
    """A piece of text as written, with where it stands (``path``: $.report.…)."""

    text: str
    path: str
    span: Span | None


@dataclass(frozen=True, slots=True)
class Section:
    heading: Para
    paragraphs: tuple[Para, ...]
    subsections: tuple[Section, ...]
    tables: tuple[Para, ...]


@dataclass(frozen=True, slots=True)
class Narrative:
    title: tuple[Para, ...] = ()
    preamble: tuple[Para, ...] = ()
    sections: tuple[Section, ...] = ()
    attachment: Para | None = None
    signature: Para | None = None
    date: Para | None = None


SECTION_KEYS = ("heading", "paragraphs", "tables", "subsections")
TOP_KEYS = ("title", "preamble", "sections", "attachment", "signature", "date")


class NarrativeLoader:
    def __init__(self, report: Callable[[Diagnostic], None]) -> None:
        self.report = report

    def _bad(self, span: Span | None, zh: str, en: str) -> None:
        self.report(diag("D318", span, problem=zh, problem_en=en))

    def _texts(self, node: YNode | None, path: str) -> tuple[Para, ...]:
        """A text, or a list of texts."""
        if node is None:
            return ()
        if isinstance(node, YScalar):
            return (Para(node.text, path, node.span),) if not node.is_null else ()
        if isinstance(node, YSeq):
            out: list[Para] = []
            for i, sub in enumerate(node.items):
                if isinstance(sub, YScalar):
                    out.append(Para(sub.text, f"{path}[{i}]", sub.span))
                else:
                    self._bad(sub.span, f"{path}[{i}] 应是一段文字", f"{path}[{i}] must be text")
            return tuple(out)
        self._bad(node.span, f"{path} 应是文字或文字的列表", f"{path} must be text or a list of texts")
        return ()

    def _one(self, node: YNode | None, path: str) -> Para | None:
        texts = self._texts(node, path)
        if len(texts) > 1:
            self._bad(texts[1].span, f"{path} 只能是一段文字", f"{path} must be one text")
        return texts[0] if texts else None

    def _fields(self, node: YMap, path: str, allowed: tuple[str, ...]) -> dict[str, YNode]:
        fields: dict[str, YNode] = {}
        for key, value in node.items:
            name = key.text if isinstance(key, YScalar) else None
            if name not in allowed:
                self._bad(
                    key.span,
                    f"{path} 下不认识“{name}”，可用：{'、'.join(allowed)}",
                    f"unknown key '{name}' in {path}; use: {', '.join(allowed)}",
                )
            else:
                fields[name] = value
        return fields

    def _sections(self, node: YNode | None, path: str) -> tuple[Section, ...]:
        if node is None:
            return ()
        if not isinstance(node, YSeq):
            self._bad(node.span, f"{path} 应是各节的列表（每节以 - 开头）", f"{path} must be a list of sections")
            return ()
        out: list[Section] = []
        for i, sub in enumerate(node.items):
            where = f"{path}[{i}]"
            if not isinstance(sub, YMap):
                self._bad(sub.span, f"{where} 应含 heading 和 paragraphs", f"{where} needs heading and paragraphs")
                continue
            f = self._fields(sub, where, SECTION_KEYS)
            heading = self._one(f.get("heading"), f"{where}.heading")
            if heading is None:
                self._bad(sub.span, f"{where} 缺少 heading（标题）", f"{where} has no heading")
                continue
            out.append(
                Section(
                    heading,
                    self._texts(f.get("paragraphs"), f"{where}.paragraphs"),
                    self._sections(f.get("subsections"), f"{where}.subsections"),
                    self._texts(f.get("tables"), f"{where}.tables"),
                )
            )
        return tuple(out)

    def load(self, node: YNode | None) -> Narrative:
        if node is None:
            return Narrative()
        if not isinstance(node, YMap):
            self._bad(node.span, "report: 应含 title、preamble、sections 等", "report: must hold title, sections, …")
            return Narrative()
        f = self._fields(node, "$.report", TOP_KEYS)
        return Narrative(
            title=self._texts(f.get("title"), "$.report.title"),
            preamble=self._texts(f.get("preamble"), "$.report.preamble"),
            sections=self._sections(f.get("sections"), "$.report.sections"),
            attachment=self._one(f.get("attachment"), "$.report.attachment"),
            signature=self._one(f.get("signature"), "$.report.signature"),
            date=self._one(f.get("date"), "$.report.date"),
        )
