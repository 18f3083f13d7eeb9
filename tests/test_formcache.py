"""The compiled-form cache: a hit gives the form and report a compile gives; an edit of the spec
or of a form it extends is never answered from the cache; a folder another user could write is
never read; a damaged, unwritable or absent cache only means compiling again."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from baobiao import formcache, pipeline
from baobiao.pipeline import compile_source, load_spec
from baobiao.resources import builtin_specs
from baobiao.source import Source, read_source

BASE = """form base-1 "底表"
  version "1"
section s "一、甲"
  a "（一）乙" 件 = sum
    b "1.丙" 件
    c "2.丁" 件
"""
DERIVED = 'form derived-1 "派生表"\n  extends "base.spec"\nrelabel c "2.戊"\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(formcache.ENV, str(folder))
    return folder


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the specs actually compiled (not taken from the cache)."""
    seen: list[str] = []
    real = pipeline.compile_source

    def counting(source: Source, path: Path | None = None) -> pipeline.SpecResult:
        seen.append(source.name)
        return real(source, path)

    monkeypatch.setattr(pipeline, "compile_source", counting)
    return seen


def _labels(ref: str) -> list[str]:
    form = load_spec(ref).form
    assert form is not None
    return [item.label for item in form.items]


def test_every_builtin_form_comes_back_from_the_cache_as_compiled(cache: Path, compiles: list[str]) -> None:
    for name, path in builtin_specs().items():
        fresh = compile_source(read_source(path, f"<{name}>"), path)
        first, second = load_spec(name), load_spec(name)
        assert compiles.count(f"<{name}>") == 1, name  # the second load was a hit
        assert second.form == fresh.form and first.form == fresh.form, name
        assert second.report.diagnostics == fresh.report.diagnostics, name
        assert dict(second.report.sources) == dict(fresh.report.sources), name
    assert len(list(cache.glob("*.form"))) == len(builtin_specs())


def test_an_edited_spec_is_compiled_again(tmp_path: Path, cache: Path, compiles: list[str]) -> None:
    spec = tmp_path / "base.spec"
    spec.write_text(BASE, encoding="utf-8")
    assert "2.丁" in _labels(str(spec))
    spec.write_text(BASE.replace("2.丁", "2.己"), encoding="utf-8")
    labels = _labels(str(spec))
    assert "2.己" in labels and "2.丁" not in labels
    assert len(compiles) == 2


def test_an_edited_base_is_not_answered_from_the_cache(tmp_path: Path, cache: Path, compiles: list[str]) -> None:
    (tmp_path / "base.spec").write_text(BASE, encoding="utf-8")
    derived = tmp_path / "derived.spec"
    derived.write_text(DERIVED, encoding="utf-8")
    assert "1.丙" in _labels(str(derived))
    assert "1.丙" in _labels(str(derived)) and len(compiles) == 1  # unchanged: a hit
    (tmp_path / "base.spec").write_text(BASE.replace("1.丙", "1.庚"), encoding="utf-8")
    labels = _labels(str(derived))
    assert "1.庚" in labels and "1.丙" not in labels and "2.戊" in labels
    assert len(compiles) == 2


def test_fmt_gets_the_syntax_tree_even_when_the_form_is_cached(cache: Path) -> None:
    assert load_spec("gov-disclosure-2021").form is not None
    assert load_spec("gov-disclosure-2021").ast is None  # a hit carries no tree
    assert load_spec("gov-disclosure-2021", tree=True).ast is not None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_others_can_write_is_never_read(tmp_path: Path, cache: Path, compiles: list[str]) -> None:
    spec = tmp_path / "base.spec"
    spec.write_text(BASE, encoding="utf-8")
    _labels(str(spec))
    entry = next(cache.glob("*.form"))
    entry.chmod(entry.stat().st_mode | stat.S_IWOTH)
    _labels(str(spec))
    assert len(compiles) == 2
    cache.chmod(0o777)
    _labels(str(spec))
    _labels(str(spec))
    assert len(compiles) == 4  # nothing read, and nothing written there either


def test_a_damaged_entry_is_compiled_again_and_replaced(tmp_path: Path, cache: Path, compiles: list[str]) -> None:
    spec = tmp_path / "base.spec"
    spec.write_text(BASE, encoding="utf-8")
    _labels(str(spec))
    entry = next(cache.glob("*.form"))
    entry.write_bytes(entry.read_bytes()[:100])
    assert "1.丙" in _labels(str(spec))
    assert "1.丙" in _labels(str(spec))
    assert len(compiles) == 2  # compiled once more, then a hit on the replaced entry


def test_no_cache_when_it_is_off_or_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "base.spec"
    spec.write_text(BASE, encoding="utf-8")
    monkeypatch.setenv(formcache.ENV, "")
    assert "1.丙" in _labels(str(spec))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(formcache.ENV, str(blocker / "cache"))
    assert "1.丙" in _labels(str(spec))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "base.spec"]


def test_only_the_most_recently_used_entries_are_kept(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formcache, "MAX_ENTRIES", 2)
    specs = []
    for k in range(3):
        spec = tmp_path / f"s{k}.spec"
        spec.write_text(BASE.replace("base-1", f"base-{k}"), encoding="utf-8")
        specs.append(spec)
    entries = [cache / f"{formcache._key(read_source(s), s)}.form" for s in specs]
    for k in (0, 1):
        _labels(str(specs[k]))
        os.utime(entries[k], ns=(k * 10**9, k * 10**9))  # long ago, s1 after s0
    _labels(str(specs[0]))  # used again: now the most recent
    _labels(str(specs[2]))
    assert sorted(cache.glob("*.form")) == sorted([entries[0], entries[2]])
