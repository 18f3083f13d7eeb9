"""Data-file keys -> form items: by id, by printed label, or by a path of labels (' > ').

A key is first matched exactly (after normalising: see baobiao.labels). When nothing matches,
the slips real reports carry are tried, in this order, each only among the items the key may
name (inside the heading or table it is nested in):

- an earlier form's label (``formerly`` in the spec): 规范性文件 for 行政规范性文件;
- a trailing annotation in brackets missing or extra: （二）部分公开 for
  （二）部分公开（区分处理的，只计这一情形，不计其他情形）;
- traditional script (OpenCC, Taiwan and Hong Kong variants too): 結轉下年度繼續辦理;
- a one- or two-character slip (edit distance): 三类内容事务信息 for 5.属于三类内部事务信息;
- a label printed shorter or longer (one the beginning of the other, or inside it covering at
  least half of it): 上年结转 for 二、上年结转政府信息公开申请数量.

A near match counts only when exactly one label fits best; several are ambiguous. The
resolution says which slip it took, so that the loader can warn (or, strictly, refuse).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.labels import bare, normalize
from baobiao.model import Form
from baobiao.source import Span


class Slip(StrEnum):
    """How a key that matched no label exactly was read."""

    FORMER = "former"  # a label of an earlier form
    ANNOTATION = "annotation"  # a bracketed note missing or extra
    TRADITIONAL = "traditional"  # traditional script
    SHORTENED = "shortened"  # the label printed shorter or longer
    TYPO = "typo"  # one or two characters different


@dataclass(frozen=True, slots=True)
class Resolution:
    """The items a key may name: one means resolved; none unknown; several ambiguous.
    ``slip``: how the key was read when it matched no label exactly."""

    ids: tuple[str, ...]
    slip: Slip | None = None


_ANNOTATION = re.compile(r"(?:\([^()]*\))+$")  # after normalize(): brackets are ASCII
MIN_SHORTENED = 3  # characters of a shortened label (or of a label found inside a longer key)


@functools.lru_cache(maxsize=1 << 16)
def _without_note(text: str) -> str:
    return _ANNOTATION.sub("", text)


def core(text: str) -> str:
    """A label's comparison form without numbering and without a trailing bracketed note."""
    b = bare(text)
    return _without_note(b) or b


def max_typos(length: int) -> int:
    """Characters that may differ in a label of this length (its comparison form)."""
    return 2 if length >= 7 else 1 if length >= 3 else 0


@functools.lru_cache(maxsize=1)
def _converters() -> tuple[Callable[[str], str], ...]:
    """Traditional -> simplified: character by character, and with Taiwan's and Hong Kong's
    vocabulary (資訊 -> 信息). None when OpenCC is not installed."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - a dependency; without it traditional script is not read
        return ()
    return tuple(opencc.OpenCC(config).convert for config in ("t2s", "tw2sp", "hk2s"))


def simplified(text: str) -> list[str]:
    """The simplified readings of a text that differ from it (none for simplified text)."""
    out: list[str] = []
    for convert in _converters():
        converted = convert(text)
        if converted != text and converted not in out:
            out.append(converted)
    return out


class KeyIndex:
    def __init__(self, form: Form, near: bool = True) -> None:
        self.form = form
        self.near = near
        self._full: dict[str, list[str]] = defaultdict(list)
        self._bare: dict[str, list[str]] = defaultdict(list)
        self._alias: dict[str, list[str]] = defaultdict(list)
        self._former: dict[str, list[str]] = defaultdict(list)
        self._scopes: dict[str | None, dict[str, list[str]]] = {}  # _candidates, by scope
        for item in form.items:
            self._full[normalize(item.label)].append(item.id)
            self._bare[bare(item.label)].append(item.id)
            for alias in item.aliases:
                self._alias[alias].append(item.id)
            for old in item.formerly:
                self._former[bare(old)].append(item.id)

    def _in(self, found: Iterable[str], within: str | None) -> list[str]:
        if within is None:
            return list(found)
        inside = self.form.below(within)
        return [i for i in found if i in inside]

    def _exact(self, text: str, within: str | None) -> list[str]:
        """Items matching one label (or id) exactly, restricted to the descendants of ``within``."""
        text = text.strip()
        if self.form.get(text) is not None:
            found = [text]
        elif text in self._alias:
            found = self._alias[text]
        elif normalize(text) == bare(text):  # written without numbering: compare without it
            found = self._bare.get(bare(text), [])
        else:
            found = self._full.get(normalize(text)) or self._bare.get(bare(text)) or []
        return self._in(found, within)

    def _candidates(self, within: str | None) -> dict[str, list[str]]:
        """Comparison forms (bare) of the labels a key inside ``within`` may name -> items
        (worked out once per scope: every unknown key of a file asks again)."""
        found = self._scopes.get(within)
        if found is None:
            ids = self._in((i.id for i in self.form.items), within)
            found = defaultdict(list)
            for i in ids:
                found[bare(self.form.item(i).label)].append(i)
            self._scopes[within] = found
        return found

    def _best(self, scored: dict[str, int], labels: dict[str, list[str]], prefer_high: bool) -> list[str] | None:
        """Items of the best-scoring label; None when no label scored."""
        if not scored:
            return None
        best = max(scored.values()) if prefer_high else min(scored.values())
        winners = [label for label, score in scored.items() if score == best]
        return [i for label in winners for i in labels[label]]

    def _near(self, text: str, within: str | None) -> tuple[list[str], Slip | None]:
        """Items for a label that matches none exactly, and the slip that matched it."""
        key = bare(text)
        if not key:
            return [], None
        former = self._in(self._former.get(key, []), within)
        if former:
            return former, Slip.FORMER
        labels = self._candidates(within)
        annotated = self._annotated(text, within) or [
            i for label, ids in labels.items() if _without_note(label) == core(text) for i in ids
        ]
        if annotated:
            return annotated, Slip.ANNOTATION
        for reading in simplified(text):
            found = self._exact(reading, within)
            if not found:
                found, _ = self._near_text(reading, within, labels)
            if found:
                return found, Slip.TRADITIONAL
        return self._near_text(text, within, labels)

    def _annotated(self, text: str, within: str | None) -> list[str]:
        """Items whose label, numbering included, is the key's but for a bracketed note (the
        numbering tells （七）总计 from the 总计 of every row)."""
        numbered = _ANNOTATION.sub("", normalize(text))
        if numbered == core(text):  # no numbering written
            return []
        ids = self._in((i.id for i in self.form.items), within)
        return [i for i in ids if _without_note(normalize(self.form.item(i).label)) == numbered]

    def _near_text(self, text: str, within: str | None, labels: dict[str, list[str]]) -> tuple[list[str], Slip | None]:
        """The mistyped and the shortened/lengthened label stages (a typo first: a long key
        with one wrong character often contains a shorter label of another item)."""
        from rapidfuzz.distance import Levenshtein

        key, key_core = bare(text), core(text)
        typos: dict[str, int] = {}
        for label in labels:
            label_core = _without_note(label) or label
            if label_core.startswith(key_core) or key_core.startswith(label_core):
                continue  # one the beginning of the other: printed shorter or longer (below)
            for a, b in ((key, label), (key_core, label_core)):
                limit = max_typos(min(len(a), len(b)))
                distance = Levenshtein.distance(a, b, score_cutoff=limit)
                if limit and distance <= limit:
                    typos[label] = min(typos.get(label, limit + 1), distance)
        found = self._best(typos, labels, prefer_high=False)
        if found:
            return found, Slip.TYPO
        shortened: dict[str, int] = {}
        for label in labels:
            label_core = _without_note(label) or label
            for a, b in ((key_core, label_core), (label_core, key_core)):
                # one the beginning of the other, or printed inside it covering at least half
                if len(a) >= MIN_SHORTENED and (b.startswith(a) or (a in b and 2 * len(a) >= len(b))):
                    shortened[label] = max(shortened.get(label, 0), len(a))
        found = self._best(shortened, labels, prefer_high=True)
        return (found, Slip.SHORTENED) if found else ([], None)

    def _segment(self, text: str, within: str | None, near: bool) -> tuple[list[str], Slip | None]:
        found = self._exact(text, within)
        if found or not near:
            return found, None
        return self._near(text, within)

    def resolve(self, key: str, within: str | None = None, exact: bool = False) -> Resolution:
        """Resolve a key, optionally inside the heading ``within`` (nested mappings); ``exact``:
        no slips (as for an index made with ``near=False``)."""
        near = self.near and not exact
        segments = unicodedata.normalize("NFKC", key).split(">")
        if len(segments) == 1 or self.form.get(key.strip()) is not None:
            found, slip = self._segment(key, within, near)
            return Resolution(tuple(dict.fromkeys(found)), slip)
        scopes: list[str | None] = [within]
        first_slip: Slip | None = None
        for seg in segments:
            reached: list[str] = []
            for scope in scopes:
                found, slip = self._segment(seg, scope, near)
                reached.extend(found)
                first_slip = first_slip or slip
            scopes = list(dict.fromkeys(reached))
            if not scopes:
                return Resolution(())
        return Resolution(tuple(i for i in scopes if i is not None), first_slip)

    def unknown(
        self, key: str, span: Span | None = None, data_path: str | None = None, within: str | None = None
    ) -> Diagnostic:
        """D305 for a key that names no item, with the closest labels as suggestions."""
        names = self.suggestions(key, within)
        return diag(
            "D305",
            span,
            data_path=data_path,
            key=key,
            suggestion=f"是不是：{'、'.join(names)}" if names else "检查名称是否与印刷表格一致。",
            suggestion_en=f"did you mean: {', '.join(names)}" if names else "check the label against the printed form.",
        )

    def suggestions(self, key: str, within: str | None = None, limit: int = 3) -> list[str]:
        """Printed labels (or ids) close to an unknown key, among those it may name there."""
        from rapidfuzz import fuzz, process

        last = unicodedata.normalize("NFKC", key).split(">")[-1]
        labels = self._candidates(within)
        for reading in [*simplified(last), last]:
            close = process.extract(core(reading), list(labels), scorer=fuzz.ratio, limit=limit, score_cutoff=50)
            if close:
                return list(dict.fromkeys(self.form.item(labels[c][0]).label for c, _, _ in close))
        ids = self._in((i.id for i in self.form.items), within)
        close = process.extract(key.strip(), ids, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
        return [c for c, _, _ in close]
