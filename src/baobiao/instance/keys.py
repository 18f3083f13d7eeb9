"""Data-file keys -> form items: by id, by printed label, or by a path of labels (' > ')."""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.labels import bare, normalize
from baobiao.model import Form
from baobiao.source import Span


@dataclass(frozen=True, slots=True)
class Resolution:
    """The items a key may name: one means resolved; none unknown; several ambiguous."""

    ids: tuple[str, ...]


class KeyIndex:
    def __init__(self, form: Form) -> None:
        self.form = form
        self._full: dict[str, list[str]] = defaultdict(list)
        self._bare: dict[str, list[str]] = defaultdict(list)
        self._alias: dict[str, list[str]] = defaultdict(list)
        self._former: dict[str, list[str]] = defaultdict(list)
        for item in form.items:
            self._full[normalize(item.label)].append(item.id)
            self._bare[bare(item.label)].append(item.id)
            for alias in item.aliases:
                self._alias[alias].append(item.id)
            for old in item.formerly:
                self._former[bare(old)].append(item.id)

    def _segment(self, text: str, within: str | None) -> list[str]:
        """Items matching one label (or id), restricted to the descendants of ``within``."""
        text = text.strip()
        if self.form.get(text) is not None:
            found = [text]
        elif text in self._alias:
            found = self._alias[text]
        elif normalize(text) == bare(text):  # written without numbering: compare without it
            found = self._bare.get(bare(text), [])
        else:
            found = self._full.get(normalize(text)) or self._bare.get(bare(text)) or []
        if within is None:
            return list(found)
        return [i for i in found if any(a.id == within for a in self.form.ancestors(i))]

    def resolve(self, key: str, within: str | None = None) -> Resolution:
        """Resolve a key, optionally inside the heading ``within`` (nested mappings)."""
        segments = unicodedata.normalize("NFKC", key).split(">")
        if len(segments) == 1 or self.form.get(key.strip()) is not None:
            return Resolution(tuple(self._segment(key, within)))
        scopes: list[str | None] = [within]
        for seg in segments:
            scopes = list(dict.fromkeys(i for s in scopes for i in self._segment(seg, s)))
            if not scopes:
                return Resolution(())
        return Resolution(tuple(i for i in scopes if i is not None))

    def former(self, key: str, within: str | None = None) -> list[str]:
        """Items that had this label in an earlier form."""
        last = unicodedata.normalize("NFKC", key).split(">")[-1]
        found = self._former.get(bare(last), [])
        if within is None:
            return list(found)
        return [i for i in found if any(a.id == within for a in self.form.ancestors(i))]

    def unknown(self, key: str, span: Span | None = None, data_path: str | None = None) -> Diagnostic:
        """D305 for a key that names no item, with the closest labels as suggestions."""
        names = self.suggestions(key)
        return diag(
            "D305",
            span,
            data_path=data_path,
            key=key,
            suggestion=f"是不是：{'、'.join(names)}" if names else "检查名称是否与印刷表格一致。",
            suggestion_en=f"did you mean: {', '.join(names)}" if names else "check the label against the printed form.",
        )

    def suggestions(self, key: str, limit: int = 3) -> list[str]:
        """Printed labels (or ids) close to an unknown key."""
        last = unicodedata.normalize("NFKC", key).split(">")[-1]
        by_bare = {bare(i.label): i.label for i in self.form.items}
        close = difflib.get_close_matches(bare(last), list(by_bare), n=limit, cutoff=0.5)
        if close:
            return [by_bare[c] for c in close]
        ids = [i.id for i in self.form.items]
        return difflib.get_close_matches(key.strip(), ids, n=limit, cutoff=0.6)
