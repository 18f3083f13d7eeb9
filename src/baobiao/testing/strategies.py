"""Hypothesis strategies derived from any compiled form (no per-form code).

- :func:`valid_instances`: instances that satisfy every rule of the form (sums, 其中 rows,
  flow balances, inequalities, decimals, signs), from zeros to large values;
- :func:`broken_instances`: a valid instance with one cell changed, with the rules that must
  now fail;
- :func:`messy_data_files`: YAML text of a valid instance as people type it (full-width digits,
  thousands commas, stray spaces, half-width brackets, "1、", blanks as "-", "/", "无");
- :func:`slipped_data_files`: a valid instance nested like the printed form, its labels as
  published reports print them (traditional script, a bracketed note dropped or added, one
  character mistyped): it must check clean, with warnings only;
- :func:`instance_yaml`: an instance as a data file that ``check`` and ``render`` accept;
- :func:`stated_texts`: report sentences stating the figures of an instance in the words of the
  form's terms (``term`` in a spec), true to the table; :meth:`Stated.changed` makes one false.

Example::

    from hypothesis import given
    from baobiao.pipeline import load_spec
    from baobiao.testing import valid_instances

    form = load_spec("gov-disclosure-2021").form

    @given(valid_instances(form))
    def test_my_template(instance): ...
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import yaml
from hypothesis import strategies as st

from baobiao.instance.load import CellValue, Instance
from baobiao.instance.values import format_number
from baobiao.model import Form, Rule, semantics
from baobiao.model.linear import Infeasible, LinearSystem, linear_system
from baobiao.model.semantics import applicable

DEFAULT_LEVEL = "县级政府部门"
# Seconds the MILP that makes one instance valid may take (about 7 ms for the 2021 form; a huge
# user-written spec could take much longer): at the budget the best valid values found so far are
# used, and when none were found, OutOfBudget is raised.
GENERATE_BUDGET = 2.0


class OutOfBudget(Infeasible):
    """No values satisfying every rule were found within the budget (the rules may admit some)."""


# Systems whose program ran out of a budget without a solution, and the largest such budget: with
# no more time than that they fail at once, so that hypothesis, shrinking the failure, does not
# wait out the budget again for every try.
_OVER_BUDGET: weakref.WeakKeyDictionary[LinearSystem, float] = weakref.WeakKeyDictionary()


@functools.lru_cache(maxsize=64)
def _system(form: Form, meta_items: frozenset[tuple[str, str]]) -> LinearSystem:
    return linear_system(form, dict(meta_items))


def _levels(form: Form) -> list[str]:
    """Agency levels to draw: the form's declared vocabulary (``meta level ... in``) when it has
    one, else the levels its rules name and a default level that none of them names. The default
    comes first when it is one of them: examples shrink towards it."""
    declared = form.declared("level")
    if declared:
        return sorted(declared, key=lambda v: v != DEFAULT_LEVEL)
    levels = {v for r in form.rules if r.condition and r.condition.field == "level" for v in r.condition.values}
    return [DEFAULT_LEVEL, *sorted(levels)]


def metas(form: Form) -> st.SearchStrategy[dict[str, str]]:
    """meta: agency, a year the form applies to, the form's id and an agency level."""
    start, end = form.years or (2000, None)
    years = st.integers(start, end if end is not None else start + 10)
    return st.builds(
        lambda year, level: {"agency": "某某机关", "year": str(year), "form": form.id, "level": level},
        years,
        st.sampled_from(_levels(form)),
    )


def _targets(form: Form) -> st.SearchStrategy[list[int]]:
    """Target values per cell (in units of its last decimal place): either a few cells get a
    target and the rest 0 (examples that shrink fast, by dropping targets), or every cell gets a
    small one. Negative targets go to signed cells only."""
    cells = form.indicators
    signed = [bool(c.value_type and c.value_type.signed) for c in cells]
    value = st.one_of(st.integers(0, 20), st.integers(-20, 10**4), st.integers(0, 10**9))
    picks = st.lists(st.tuples(st.integers(0, len(cells) - 1), value), max_size=len(cells))

    def spread(pairs: list[tuple[int, int]]) -> list[int]:
        targets = [0] * len(cells)
        for k, v in pairs:
            targets[k] = v if signed[k] else abs(v)
        return targets

    # Sparse tables (a few figures, the rest 0) shrink fast; dense ones fill every cell.
    dense = st.lists(st.integers(0, 50), min_size=len(cells), max_size=len(cells))
    return st.one_of(picks.map(spread), dense)


def make_instance(form: Form, meta: Mapping[str, str], values: Mapping[str, Decimal | None]) -> Instance:
    cells = {
        i: CellValue(i, v, format_number(v) if v is not None else "", f"$.values.{i}", None) for i, v in values.items()
    }
    year = int(meta["year"]) if str(meta.get("year", "")).isdigit() else None
    return Instance("<generated>", MappingProxyType(dict(meta)), year, MappingProxyType(cells))


def _solve(system: LinearSystem, targets: list[int], budget: float) -> dict[str, Decimal]:
    """``model.linear.solve`` within ``budget`` seconds: the values nearest the targets that
    satisfy every rule, or, when the budget runs out first, the best valid values found by then.
    Raises Infeasible (a contradictory spec), or OutOfBudget when no values were found in time
    (remembered per system, so that later draws with no more time do not try again)."""
    from baobiao.model.linear import _OutOfTime, solve

    if budget <= _OVER_BUDGET.get(system, -1.0):
        raise OutOfBudget(f"no values satisfying every rule found within {budget:g} s")
    try:
        return solve(system, targets, budget)
    except _OutOfTime:
        _OVER_BUDGET[system] = max(budget, _OVER_BUDGET.get(system, budget))
        raise OutOfBudget(f"no values satisfying every rule found within {budget:g} s") from None


@st.composite
def valid_instances(draw: st.DrawFn, form: Form, budget: float = GENERATE_BUDGET) -> Instance:
    """An instance satisfying every rule of ``form`` that applies to its meta; the MILP that
    finds it stops after ``budget`` seconds (``GENERATE_BUDGET``)."""
    meta = draw(metas(form))
    system = _system(form, frozenset(meta.items()))
    values = _solve(system, draw(_targets(form)), budget)
    return make_instance(form, meta, values)


def holds(rule: Rule, values: Mapping[str, Decimal | None]) -> bool | None:
    """Whether an exact rule holds for these values (None: a cell is blank); the operators'
    meaning is model.semantics' (generated values are exact: no rounding tolerance)."""
    total = rule.left.constant - rule.right.constant
    for sign, expr in ((1, rule.left), (-1, rule.right)):
        for t in expr.terms:
            v = values.get(t.id)
            if v is None:
                return None
            total += sign * t.coef * v
    return semantics.holds(rule.op, total)


@dataclass(frozen=True)
class Broken:
    """A valid instance with ``cell`` changed from ``original`` to ``value``; ``failing`` are
    the ids of the rules that now fail."""

    instance: Instance
    cell: str
    original: Decimal
    value: Decimal
    failing: frozenset[str]


@st.composite
def broken_instances(draw: st.DrawFn, form: Form, budget: float = GENERATE_BUDGET) -> Broken:
    valid = draw(valid_instances(form, budget))
    rules = [r for r in form.rules if applicable(r, valid.meta)]
    in_equalities = sorted({i for r in rules if r.op == "=" for i in r.ids})
    cell = draw(st.sampled_from(in_equalities))
    item = form.item(cell)
    assert item.value_type is not None
    unit = Decimal(1).scaleb(-item.value_type.decimals)
    original = valid.values[cell].number
    assert original is not None
    step = draw(st.integers(1, 1000)) * unit
    down = draw(st.booleans()) and (item.value_type.signed or original - step >= 0)
    value = original - step if down else original + step
    values = {i: c.number for i, c in valid.values.items()} | {cell: value}
    failing = frozenset(r.id for r in rules if cell in r.ids and holds(r, values) is False)
    return Broken(make_instance(form, valid.meta, values), cell, original, value, failing)


def instance_yaml(form: Form, instance: Instance) -> str:
    """A data file holding the instance, keyed by ids (``check`` and ``render`` accept it)."""
    doc = {
        "meta": dict(instance.meta),
        "values": {i: (c.text if c.number is None else format_number(c.number)) for i, c in instance.values.items()},
    }
    header = f"# generated by baobiao.testing for form {form.id}\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)


_FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")
_HALF_BRACKETS = str.maketrans("（）：", "():")
BLANKS = ("-", "/", "无", "—", "")


def _messy_label(draw: st.DrawFn, label: str) -> str:
    if draw(st.booleans()):
        label = label.translate(_HALF_BRACKETS)
    if draw(st.booleans()) and len(label) > 2:
        at = draw(st.integers(1, len(label) - 1))
        label = label[:at] + " " + label[at:]
    if draw(st.booleans()):
        label = label.replace(".", "、", 1)
    return label


def _messy_number(draw: st.DrawFn, value: Decimal) -> str:
    text = format_number(value)
    if abs(value) >= 1000 and "." not in text and draw(st.booleans()):
        text = f"{int(value):,}"
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return text


@dataclass(frozen=True)
class Messy:
    """YAML text of ``instance`` typed messily; ``blanks`` are the cells left blank in it."""

    text: str
    instance: Instance
    blanks: frozenset[str]


@st.composite
def messy_data_files(draw: st.DrawFn, form: Form, blanks: bool = True) -> Messy:
    instance = draw(valid_instances(form))
    values: dict[str, str] = {}
    blank: set[str] = set()
    for cell_id, cell in instance.values.items():
        path = [a.label for a in form.ancestors(cell_id)] + [form.item(cell_id).label]
        key = cell_id if draw(st.booleans()) else " > ".join(_messy_label(draw, p) for p in path)
        if blanks and draw(st.integers(0, 30)) == 0:
            values[key] = draw(st.sampled_from(BLANKS))
            blank.add(cell_id)
        else:
            assert cell.number is not None
            values[key] = _messy_number(draw, cell.number)
    text = yaml.safe_dump({"meta": dict(instance.meta), "values": values}, allow_unicode=True, sort_keys=False)
    return Messy(text, instance, frozenset(blank))


# -- labels as published reports print them ---------------------------------------------------

_ANNOTATED = re.compile(r"^(.*\S)（[^（）]*）$")


def _typo_is_safe(label: str, others: list[str]) -> bool:
    """A one-character slip in ``label`` cannot come closer to another label than to its own."""
    from rapidfuzz.distance import Levenshtein

    from baobiao.instance.keys import core, max_typos

    own = core(label)
    return max_typos(len(own)) >= 1 and all(Levenshtein.distance(own, core(o)) >= 4 for o in others if o != label)


@functools.lru_cache(maxsize=4096)
def _traditional(label: str) -> str:
    """A label in traditional script (OpenCC, created once)."""
    return str(_s2t().convert(label))


@functools.lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


@st.composite
def slipped_label(draw: st.DrawFn, label: str, others: list[str]) -> tuple[str, str | None]:
    """A printed label as a published report may print it, and the kind of slip (None: as
    printed): traditional script, its bracketed note dropped or one added, one character
    mistyped (only where no other label of ``others``, its neighbours, comes near)."""
    kinds = ["none", "traditional", "note-added"]
    if _ANNOTATED.match(label):
        kinds.append("note-dropped")
    if _typo_is_safe(label, others):
        kinds.append("typo")
    kind = draw(st.sampled_from(kinds))
    if kind == "traditional":
        written = _traditional(label)
        return written, ("traditional" if written != label else None)
    if kind == "note-added":
        return label + "（件）", "annotation"
    if kind == "note-dropped":
        match = _ANNOTATED.match(label)
        assert match is not None
        return match.group(1), "annotation"
    if kind == "typo":
        at = draw(st.integers(len(label) - len(label.lstrip("0123456789.、（）一二三四五六七八九十")), len(label) - 1))
        if label[at] in "0123456789.、（）":
            return label, None
        return label[:at] + "某" + label[at + 1 :], "typo"
    return label, None


@dataclass(frozen=True)
class Slipped:
    """YAML text of ``instance`` with labels as published reports print them; ``slips``: the
    labels written otherwise than printed."""

    text: str
    instance: Instance
    slips: frozenset[str]


@st.composite
def slipped_data_files(draw: st.DrawFn, form: Form) -> Slipped:
    """A valid instance as a data file nested like the printed form (tables, headings, rows,
    columns), each label possibly slipped (see :func:`slipped_label`): every value must still be
    read where it belongs, with warnings only."""
    instance = draw(valid_instances(form))
    doc: dict[str, object] = {}
    slips: set[str] = set()
    written: dict[str, str] = {}  # item id -> its label as written (one spelling per item)

    def spell(item_id: str) -> str:
        if item_id not in written:
            item = form.item(item_id)
            parent = item.parent
            siblings = [form.item(c).label for c in form.item(parent).children] if parent else []
            text, slip = draw(slipped_label(item.label, siblings))
            written[item_id] = text
            if slip:
                slips.add(text)
        return written[item_id]

    for cell_id, cell in instance.values.items():
        node = doc
        chain = [a.id for a in form.ancestors(cell_id)]
        # headings nest; below an item that has a value itself, the labels form a path (A > B)
        cut = next((k for k, i in enumerate(chain) if form.item(i).has_value), len(chain))
        for item_id in chain[:cut]:
            child = node.setdefault(spell(item_id), {})
            assert isinstance(child, dict)
            node = child
        assert cell.number is not None
        node[" > ".join(spell(i) for i in [*chain[cut:], cell_id])] = format_number(cell.number)
    text = yaml.safe_dump({"meta": dict(instance.meta), "values": doc}, allow_unicode=True, sort_keys=False)
    return Slipped(text, instance, frozenset(slips))


# -- report text from the form's terms ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stated:
    """Sentences stating figures of the table, one per term: ``figures[i]`` is the figure
    written in ``sentences[i]`` (a number and the term's unit)."""

    sentences: tuple[str, ...]
    figures: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.sentences)

    def changed(self, index: int, by: int) -> tuple[str, str]:
        """The text with figure ``index`` made wrong by ``by`` (not 0; added instead where
        taking it away would go below 0): (text, the new figure)."""
        figure = self.figures[index]
        number = re.match(r"[\d.]+", figure)
        assert number is not None and by != 0
        value = Decimal(number.group(0))
        new = format_number(value + by if value + by >= 0 else value - by) + figure[number.end() :]
        sentences = list(self.sentences)
        sentences[index] = sentences[index].replace(figure, new)
        return "".join(sentences), new


@st.composite
def stated_texts(draw: st.DrawFn, form: Form, instance: Instance) -> Stated:
    """Sentences "<a wording of a term><its figure><unit>。" for some of the form's terms whose
    cells the instance gives, each figure the table's (a wording's "…" left out)."""
    known = {i: v.number for i, v in instance.values.items() if v.number is not None}
    usable = [t for t in form.terms if all(x.id in known for x in t.expr.terms)]
    if not usable:
        return Stated((), ())
    chosen = draw(st.lists(st.sampled_from(usable), min_size=1, max_size=min(6, len(usable)), unique_by=id))
    sentences, figures = [], []
    for term in chosen:
        words = draw(st.sampled_from(term.words)).replace("…", "")
        value = term.expr.constant + sum((x.coef * known[x.id] for x in term.expr.terms), Decimal(0))
        figure = f"{format_number(value)}{term.unit or ''}"
        sentences.append(f"{words}{figure}。")
        figures.append(figure)
    return Stated(tuple(sentences), tuple(figures))
