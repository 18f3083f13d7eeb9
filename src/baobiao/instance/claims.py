"""What a report's text says about its tables: figures as offices write them, tied to the form's
terms, and the claims they make. Reading only; instance.textcheck decides each claim against
the table.

A sentence ends at 。；！？ or a line break, a clause at ，. Within a clause each term (the longest
wording first, never overlapping) takes the first figure after it that has its kind of unit,
before the next term; a term with none takes an untaken figure just before it ("另有8件…顺延到
下年度"). Words a spec gives a term with ``not`` make it step aside in that clause.

The kinds of claim (:class:`Kind`):

- VALUE: "受理政府信息公开申请95件": the term's figure. Approximate words make it a range
  (:func:`read_figures`).
- SUM: "予以公开40件、部分公开12件…，共57件": the parts listed before a bare 共/合计 add up
  to it (when they are parts of one total of the form, or of a term that adds cells).
- SHARE: "占42.1%": the term's figure over its whole (named: "占收到申请总数的…"; else the
  form's total the term is a part of), within one unit of the last decimal written.
- CHANGE: "同比增长18.75%", "较上年增加15件", "与上年持平": against last year's data.
- ZERO: "未发生行政复议", "行政诉讼为零": the term is 0.
- ALL: "均获维持" after "行政复议": all of the term is that part (a spec's ``all``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from baobiao.model import Form, LinExpr, NarrativeTerm, Term
from baobiao.model.semantics import ZERO

# -- units ------------------------------------------------------------------------------------

#: unit as written -> (kind, factor to the kind's base unit). Counts of applications and cases
#: are written 件, 条, 份, 起, 宗 or 例 (R-NARR-UNIT); money converts to 万元.
UNITS: dict[str, tuple[str, Decimal]] = {
    "件": ("count", Decimal(1)),
    "条": ("count", Decimal(1)),
    "份": ("count", Decimal(1)),
    "起": ("count", Decimal(1)),
    "宗": ("count", Decimal(1)),
    "例": ("count", Decimal(1)),
    "项": ("items", Decimal(1)),
    "万元": ("money", Decimal(1)),
    "亿元": ("money", Decimal(10000)),
    "千元": ("money", Decimal("0.1")),
    "元": ("money", Decimal("0.0001")),
    "篇": ("articles", Decimal(1)),
    "人次": ("attendances", Decimal(1)),
    "人": ("people", Decimal(1)),
    "次": ("times", Decimal(1)),
    "个": ("pieces", Decimal(1)),
    "%": ("percent", Decimal(1)),
    "％": ("percent", Decimal(1)),
}

_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000), "百": Decimal(100)}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACES = {"十": 10, "百": 100, "千": 1000}

_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_FIGURE = re.compile(
    r"(?<![\d.,零〇一二两三四五六七八九十百千])"  # a whole number, not the end of a longer one
    r"(?P<num>\d{1,3}(?:,\d{3}){1,5}(?:\.\d{1,8})?|\d{1,16}(?:\.\d{1,8})?|[零〇一二两三四五六七八九十百千]{1,12})"
    r"(?P<mult>[万亿千百](?!元))?(?P<more>余|多)?(?P<unit>" + _UNIT_RE + r")(?P<post>左右|以上|以下|上下)?"
)
#: words before a figure that make it a range: (how, words)
_BEFORE = (
    ("about", ("大约", "约", "大概")),
    ("nearly", ("将近", "接近", "近")),
    ("over", ("超过", "逾", "多于", "高于", "不少于")),
    ("under", ("不足", "不到", "少于", "低于", "不超过")),
)
_AFTER = {"左右": "about", "上下": "about", "以上": "over", "以下": "under"}
_CHANGE = re.compile(r"(?:(增加|增长|上升|提高|提升|减少|下降|降低)|(?:比|较)[^，。；]{0,8}?(多|少))了?$")
_DOWN = ("减少", "下降", "降低", "少")
_SAME = re.compile(r"(同比|较上年|比上年|与上年|和上年)[^，。；]{0,4}?(持平|相同|相当)")
_TOTAL = re.compile(r"(?:共计|合计|总计|总共|共)(?:为|达|是)?$")
_SHARE = re.compile(r"(占比|比例为?|比重为?|占)([^，。；]{0,20}?)$")
_EACH = re.compile(r"各$")

#: characters of the longest sentence read for claims
MAX_SENTENCE = 2000
_SENTENCE = re.compile(r"[^。；！？!?;\n]+")
_CLAUSE_BREAK = "，,"
_GAP = 10  # characters between the words of a wording with "…"
#: how a clause carrying on the one before it may begin before its figure
_CONTINUED = re.compile(r"(?:行政机关)?(?:不再处理(?:其政府信息公开申请)?|共计?|合计|计|为|达到?|数量为|总数为)?")
_COORDINATION = {"、", "和", "及", "以及", "与", "或"}
#: words denying the terms after them, and what may stand between ("未发生因…被申请行政复议"); a
#: term qualified otherwise ("未发生超期答复") is not denied
_NEGATION = re.compile(r"未发生|没有发生|未出现|未收到|未接到|未产生|未收取|未有|没有|并无|均无|无")
_DENIED_GAP = re.compile(r"(?:(?:因|由于|涉及|有关)[^，。；,]*|被申请|被提起|提起|申请|任何|相关|过|收到|接到|发生)?")
_DENIED_JOINT = re.compile(r"(?:、|和|及|以及|与|或)(?:被申请|被提起|提起|申请)?")
_ZERO_AFTER = re.compile(r"^[^，。；\d]{0,6}?(?:均|都|皆|也)?(?:为零|为0|为“0”|是零|未发生|没有发生|为空|均无)")


def _chinese(text: str) -> int | None:
    """一百零五 -> 105, 十二 -> 12, 两 -> 2; None when not a numeral."""
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]
        elif ch in _PLACES:
            total += (1 if digit is None else digit) * _PLACES[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _last_digit_step(number: str) -> Decimal:
    """The unit of the last non-zero digit written: 120 -> 10, 3 -> 1, 1.2 -> 0.1, 100 -> 100."""
    value = Decimal(number)
    exponent = value.normalize().as_tuple().exponent
    return Decimal(1).scaleb(int(exponent)) if isinstance(exponent, int) else Decimal(1)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with its unit, at ``start:end`` of its sentence. ``low``/``high``: what it
    admits, in its kind's base unit (None: no bound that side)."""

    start: int
    end: int
    text: str
    kind: str
    value: Decimal
    low: Decimal | None
    high: Decimal | None
    exact: bool
    change: int = 0  # +1 / -1: a change from last year ("增加15件"), 0: a figure
    total: bool = False  # after a bare 共/合计
    share: bool = False  # after 占/占比
    each: bool = False  # after 各
    share_words: tuple[int, int] | None = None  # where "占…的" names the whole


def read_figures(sentence: str) -> list[Figure]:
    """Every figure of a sentence, in order."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(sentence):
        start = m.start()
        before = sentence[max(0, start - 8) : start]
        if before.endswith(("第", "每", "前", "近日")) or (start and sentence[start - 1].isdigit()):
            continue
        num = m.group("num").replace(",", "")
        if num[0].isdigit():
            number = Decimal(num)
        else:
            parsed = _chinese(num)
            if parsed is None:
                continue
            number = Decimal(parsed)
        kind, factor = UNITS[m.group("unit")]
        mult = _MULTIPLIERS.get(m.group("mult") or "", Decimal(1))
        value = number * mult * factor
        # the last digit written (1.2万: 1000; 100: 1), and the last one not 0 (100余: 100)
        place = (Decimal(1).scaleb(-len(num.split(".")[1])) if "." in num else Decimal(1)) * mult * factor
        nonzero = (_last_digit_step(str(number)) if number else Decimal(1)) * mult * factor
        how = next((h for h, words in _BEFORE if before.endswith(words)), None)
        how = _AFTER.get(m.group("post") or "", how)
        if kind == "percent":
            low, high = value - place, value + place
        elif m.group("more"):
            low, high = value, value + nonzero
        elif how == "about":
            spread = max(place, value / 10)
            low, high = value - spread, value + spread
        elif how == "nearly":
            low, high = value - max(place, value / 10), value
        elif how == "over":
            low, high = value, None
        elif how == "under":
            low, high = Decimal(0), value
        elif mult != 1:
            low, high = value - place / 2, value + place / 2
        else:
            low, high = value, value
        exact = kind != "percent" and low == high
        change = _CHANGE.search(before)
        share = _SHARE.search(sentence[max(0, start - 24) : start]) if kind == "percent" else None
        share_words = None
        if share is not None and share.group(2):
            base = start - len(share.group(0)) + len(share.group(1))
            share_words = (base, base + len(share.group(2)))
        out.append(
            Figure(
                start,
                m.end(),
                m.group(0),
                kind,
                value,
                low,
                high,
                exact,
                change=(-1 if (change.group(1) or change.group(2)) in _DOWN else 1) if change else 0,
                total=bool(_TOTAL.search(before)),
                share=share is not None and not change,
                each=bool(_EACH.search(before)),
                share_words=share_words,
            )
        )
    return out


# -- terms in a sentence ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Said:
    """Words of a term (or a part of one, or an ``all`` phrase) found in a sentence."""

    term: NarrativeTerm
    start: int
    end: int
    expr: LinExpr  # what the words state: the term's figure, or the part's
    subject: NarrativeTerm | None = None  # for a part or an ``all`` phrase: the term it is about
    wholly: bool = False  # an ``all`` phrase
    inner: Figure | None = None  # a figure inside a wording with "…" ("现行有效的9件行政规范性文件")
    written: str = ""  # the words as the sentence has them

    @property
    def words(self) -> str:
        return self.written or self.term.name


@functools.cache
def _pattern(words: str) -> re.Pattern[str]:
    """A wording as a pattern: "…" holds up to _GAP characters of the clause."""
    pieces = [re.escape(p) for p in words.split("…") if p]
    return re.compile(f"[^，。；,]{{0,{_GAP}}}?".join(pieces))


def _clause_of(sentence: str, at: int) -> tuple[int, int]:
    start = max((sentence.rfind(c, 0, at) for c in _CLAUSE_BREAK), default=-1) + 1
    ends = [i for c in _CLAUSE_BREAK if (i := sentence.find(c, at)) >= 0]
    return start, min(ends, default=len(sentence))


def _find_terms(sentence: str, terms: Sequence[NarrativeTerm], figures: Sequence[Figure]) -> list[Said]:
    """Terms said in the sentence, longest wording first, never overlapping."""
    wordings = sorted(((w, t) for t in terms for w in t.words), key=lambda wt: -len(wt[0].replace("…", "")))
    taken: list[tuple[int, int]] = []
    found: list[Said] = []
    for words, term in wordings:
        for m in _pattern(words).finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            inside = [f for f in figures if m.start() <= f.start and f.end <= m.end()]
            # a figure inside the words is theirs only just before the last word ("现行有效的9件
            # 行政规范性文件"), not in a list ("制作规章3件、规范性文件…")
            after = sentence[inside[0].end : m.end()] if inside else ""
            last = words.rsplit("…", 1)[-1]
            if len(inside) > 1 or (inside and (len(after) > len(last) + 2 or any(c in after for c in "、和及与或"))):
                continue
            lo, hi = _clause_of(sentence, m.start())
            if any(x in sentence[lo:hi] for x in term.excluded):
                continue
            taken.append((m.start(), m.end()))
            inner = inside[0] if inside else None
            found.append(Said(term, m.start(), m.end(), term.expr, inner=inner, written=_without(m.group(0), inner)))
    found.sort(key=lambda s: s.start)
    return _with_phrases(sentence, found, taken)


def _without(words: str, figure: Figure | None) -> str:
    """Words as written, less a figure inside them."""
    return words if figure is None else words.replace(figure.text, "")


def _with_phrases(sentence: str, found: list[Said], taken: list[tuple[int, int]]) -> list[Said]:
    """Parts and ``all`` phrases of the terms said: each belongs to the nearest term before it
    (in the sentence) that has it."""
    extra: list[Said] = []
    subjects = [s for s in found if s.term.parts or s.term.wholly]
    phrases = sorted(
        (
            (w, p, wholly, t)
            for t in {s.term.words: s.term for s in subjects}.values()
            for wholly, group in ((True, t.wholly), (False, t.parts))
            for p in group
            for w in p.words
        ),
        key=lambda x: -len(x[0]),
    )
    for words, phrase, wholly, term in phrases:
        for m in re.finditer(re.escape(words), sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            before = [s for s in subjects if s.end <= m.start()]
            owner = next((s for s in reversed(before) if _has(s.term, words)), None)
            if owner is None or owner.term is not term:
                continue
            taken.append((m.start(), m.end()))
            named = NarrativeTerm((words,), term.unit, phrase.expr)
            extra.append(Said(named, m.start(), m.end(), phrase.expr, term, wholly, written=m.group(0)))
    return sorted([*found, *extra], key=lambda s: s.start)


def _has(term: NarrativeTerm, words: str) -> bool:
    return any(words in p.words for p in (*term.parts, *term.wholly))


# -- claims -----------------------------------------------------------------------------------


class Kind(StrEnum):
    VALUE = "value"
    SUM = "sum"
    SHARE = "share"
    CHANGE = "change"
    ZERO = "zero"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Claim:
    """One thing the text says about the table. ``low``/``high``: what the text admits for
    ``expr`` (in the term's unit; a percentage for SHARE and a relative CHANGE)."""

    kind: Kind
    sentence: str
    start: int  # the figure or the words underlined, in the sentence
    end: int
    said: Said | None  # the term (or part) the claim is about
    expr: LinExpr
    low: Decimal | None
    high: Decimal | None
    stated: str  # as written
    relative: bool = False  # a CHANGE in per cent
    #: SHARE: the whole named ("占收到申请总数的…"), or totals stated before it in the sentence,
    #: any of which may be meant besides the form's total of the part
    bases: tuple[LinExpr, ...] = ()
    named: bool = False
    parts: tuple[Claim, ...] = field(default=())  # SUM: the parts listed

    @property
    def words(self) -> str:
        return self.said.words if self.said is not None else ""


def _unit_factor(term: NarrativeTerm) -> tuple[str, Decimal] | None:
    return UNITS.get(term.unit) if term.unit else None


def _fits(said: Said, figure: Figure) -> bool:
    unit = _unit_factor(said.term)
    return unit is None or unit[0] == figure.kind


def _scaled(said: Said, value: Decimal | None) -> Decimal | None:
    """A figure's value in the term's unit."""
    unit = _unit_factor(said.term)
    return value if value is None or unit is None else value / unit[1]


def _bind(sentence: str, said: list[Said], figures: list[Figure]) -> dict[int, Figure]:
    """Which figure each term (by index in ``said``) states."""
    bound: dict[int, Figure] = {}
    used: set[int] = set()
    plain = [f for f in figures if not f.change and f.kind != "percent"]
    for i, s in enumerate(said):
        if s.wholly:
            continue
        if s.inner is not None:
            bound[i] = s.inner
            used.add(s.inner.start)
            continue
        lo, hi = _clause_of(sentence, s.start)
        stop = min([x.start for x in said[i + 1 :] if x.start < hi] + [hi])
        for f in plain:
            if s.end <= f.start < stop and f.start not in used and _fits(s, f):
                bound[i] = f
                used.add(f.start)
                break
    for i, s in enumerate(said):  # a figure before its words
        if i in bound or s.wholly:
            continue
        lo, _ = _clause_of(sentence, s.start)
        begin = max([x.end for x in said[:i] if x.end > lo] + [lo])
        candidates = [f for f in plain if begin <= f.start and f.end <= s.start and f.start not in used and _fits(s, f)]
        if candidates:
            bound[i] = candidates[-1]
            used.add(candidates[-1].start)
    # a term ending its clause, its figure opening the next ("因申请人逾期不补正，行政机关不再处理5件")
    for i, s in enumerate(said):
        _, hi = _clause_of(sentence, s.start)
        if i in bound or s.wholly or hi - s.end > 2 or hi >= len(sentence):
            continue
        lo, end = _clause_of(sentence, hi + 1)
        first = next((f for f in plain if lo <= f.start < end), None)
        if (
            first is not None
            and first.start not in used
            and _fits(s, first)
            and _CONTINUED.fullmatch(sentence[lo : first.start])
            and not any(lo <= x.start < end for x in said)
        ):
            bound[i] = first
            used.add(first.start)
    # terms said together ("行政复议和行政诉讼各1件"): a figure with 各 is each one's, with 共 their
    # sum's ("行政复议和行政诉讼共16件", the last term standing for them all), else nobody's
    for i in sorted(bound):
        run = _coordinated(sentence, said, i)
        if len(run) > 1:
            figure = bound[i]
            for j in run:
                if figure.each:
                    bound[j] = figure
                else:
                    bound.pop(j, None)
            if figure.total and not figure.each:
                lead, last = said[run[0]], said[i]
                together = _plus([said[j].expr for j in run])
                if together is not None:
                    said[i] = dataclasses.replace(last, expr=together, written=sentence[lead.start : last.end])
                    bound[i] = figure
    return bound


def _plus(exprs: Sequence[LinExpr]) -> LinExpr | None:
    """The sum of expressions over different cells (None when a cell is in two)."""
    terms = [t for e in exprs for t in e.terms]
    if len({t.id for t in terms}) != len(terms):
        return None
    return LinExpr(tuple(terms), sum((e.constant for e in exprs), ZERO))


def _coordinated(sentence: str, said: list[Said], i: int) -> list[int]:
    """``i`` and the terms just before it joined to it by 、和及与 only."""
    run = [i]
    while run[0] > 0:
        j = run[0] - 1
        gap = sentence[said[j].end : said[run[0]].start]
        if gap not in _COORDINATION or said[j].wholly:
            break
        run.insert(0, j)
    return run


def read_claims(text: str, terms: Sequence[NarrativeTerm]) -> Iterator[Claim]:
    """The claims of a text about the figures of the given terms. A "sentence" longer than
    MAX_SENTENCE characters (a table pasted as text, not prose) is not read."""
    if not terms:
        return
    for m in _SENTENCE.finditer(text):
        if len(m.group(0)) <= MAX_SENTENCE:
            yield from _sentence_claims(m.group(0), terms)


def _sentence_claims(sentence: str, terms: Sequence[NarrativeTerm]) -> Iterator[Claim]:
    figures = read_figures(sentence)
    said = _find_terms(sentence, terms, figures)
    if not said:
        return
    bound = _bind(sentence, said, figures)
    values: list[Claim] = []
    for i, s in enumerate(said):
        figure = bound.get(i)
        if figure is not None:
            claim = Claim(
                Kind.VALUE,
                sentence,
                figure.start,
                figure.end,
                s,
                s.expr,
                _scaled(s, figure.low),
                _scaled(s, figure.high),
                figure.text,
            )
            values.append(claim)
            yield claim
        elif s.wholly:
            yield from _all_claims(sentence, said, s)
    yield from _zero_claims(sentence, said, bound)
    yield from _figure_claims(sentence, said, bound, figures, values)


def _all_claims(sentence: str, said: list[Said], phrase: Said) -> Iterator[Claim]:
    """ "均获维持": all of the term it is said of (and of the terms said with it, "行政复议、行政
    诉讼均获维持") is that part."""
    owners = [i for i, x in enumerate(said) if x.term is phrase.subject and x.end <= phrase.start]
    if not owners:
        return
    for j in _coordinated(sentence, said, owners[-1]):
        term = said[j].term
        part = next((p for p in term.wholly if phrase.written in p.words), None)
        if part is not None:
            expr = _minus(term.expr, part.expr)
            yield Claim(Kind.ALL, sentence, phrase.start, phrase.end, said[j], expr, ZERO, ZERO, phrase.written)


def _minus(a: LinExpr, b: LinExpr) -> LinExpr:
    coefs: dict[tuple[str, bool], Decimal] = {}
    for t in a.terms:
        coefs[(t.id, t.previous)] = coefs.get((t.id, t.previous), Decimal(0)) + t.coef
    for t in b.terms:
        coefs[(t.id, t.previous)] = coefs.get((t.id, t.previous), Decimal(0)) - t.coef
    return LinExpr(tuple(Term(c, i, p) for (i, p), c in coefs.items() if c), a.constant - b.constant)


def _zero_claims(sentence: str, said: list[Said], bound: dict[int, Figure]) -> Iterator[Claim]:
    """ "未发生行政复议、行政诉讼", "行政复议为零": terms with no figure, denied."""
    denied: set[int] = set()
    for m in _NEGATION.finditer(sentence):
        if any(s.start <= m.start() < s.end for s in said):
            continue  # 无法提供, 没有现成信息: the words of a term
        end = min([s.start for s in said if m.start() < s.start < m.end()] + [m.end()])  # 未收到…申请
        _, hi = _clause_of(sentence, m.start())
        following = [i for i, s in enumerate(said) if end <= s.start < hi and not s.wholly]
        if not following or not _DENIED_GAP.fullmatch(sentence[end : said[following[0]].start]):
            continue
        if m.group(0) == "无" and said[following[0]].start != end:
            continue
        for n, i in enumerate(following):
            if i in bound:
                break
            joint = sentence[said[following[n - 1]].end : said[i].start] if n else ""
            if n and said[i].subject is None and not _DENIED_JOINT.fullmatch(joint):
                break
            denied.add(i)
    for i, s in enumerate(said):
        tail = _ZERO_AFTER.match(sentence[s.end :])
        if tail and i not in bound and not s.wholly:
            lo, _ = _clause_of(sentence, s.start)
            denied.update(j for j in range(i + 1) if said[j].start >= lo and j not in bound and not said[j].wholly)
    for i in sorted(denied):
        s = said[i]
        if any(j > i and said[j].subject is s.term and j in denied for j in range(len(said))):
            continue  # "未发生行政复议被纠错": the part is denied, not the whole
        yield Claim(Kind.ZERO, sentence, s.start, s.end, s, s.expr, Decimal(0), Decimal(0), sentence[s.start : s.end])


def _figure_claims(
    sentence: str, said: list[Said], bound: dict[int, Figure], figures: list[Figure], values: list[Claim]
) -> Iterator[Claim]:
    taken = {f.start for f in bound.values()}
    for f in figures:
        if f.start in taken:
            continue
        owner = _nearest(said, f.start)
        if f.change and owner is not None and (f.kind == "percent" or _fits(owner, f)):
            relative = f.kind == "percent"
            low = f.low if relative else _scaled(owner, f.low)
            high = f.high if relative else _scaled(owner, f.high)
            if f.change < 0:
                low, high = (-high if high is not None else None), (-low if low is not None else None)
            yield Claim(Kind.CHANGE, sentence, f.start, f.end, owner, owner.expr, low, high, f.text, relative)
        elif f.share and owner is not None and not f.change:
            bases: tuple[LinExpr, ...] = ()
            if f.share_words is not None:
                named = [s for s in said if f.share_words[0] <= s.start and s.end <= f.share_words[1]]
                bases = (named[-1].expr,) if named else ()
                owner = _nearest(said, f.share_words[0]) or owner
            if not bases:  # the form's whole, or a total stated before it in the sentence
                bases = tuple(v.expr for v in values if v.end <= f.start and v.said is not owner)
            yield Claim(
                Kind.SHARE,
                sentence,
                f.start,
                f.end,
                owner,
                owner.expr,
                f.low,
                f.high,
                f.text,
                bases=bases,
                named=f.share_words is not None and len(bases) == 1,
            )
        elif f.total and f.exact:
            parts = [v for v in values if v.end <= f.start and v.said is not None]
            if len(parts) >= 2:
                yield Claim(
                    Kind.SUM,
                    sentence,
                    f.start,
                    f.end,
                    None,
                    LinExpr((), Decimal(0)),
                    f.low,
                    f.high,
                    f.text,
                    parts=tuple(parts),
                )
    for m in _SAME.finditer(sentence):
        owner = _nearest(said, m.start())
        if owner is not None:
            yield Claim(
                Kind.CHANGE, sentence, m.start(), m.end(), owner, owner.expr, Decimal(0), Decimal(0), m.group(0)
            )


def _nearest(said: list[Said], at: int) -> Said | None:
    """The term said last before ``at`` in the sentence (not an ``all`` phrase)."""
    before = [s for s in said if s.end <= at and not s.wholly]
    return before[-1] if before else None


def describe_terms(form: Form) -> list[str]:
    """A form's terms as lines of text: wordings (unit) = the cells, with parts, ``all`` and
    ``not`` words below."""

    def cells(expr: LinExpr) -> str:
        return " + ".join(form.name(t.id) for t in expr.terms)

    lines = [f"{form.id}: {len(form.terms)} terms"]
    for term in form.terms:
        lines.append(f"  {'、'.join(term.words)}（{term.unit or '-'}）= {cells(term.expr)}")
        for kind, phrases in (("part", term.parts), ("all", term.wholly)):
            lines.extend(f"      {kind} {'、'.join(p.words)} = {cells(p.expr)}" for p in phrases)
        if term.excluded:
            lines.append(f"      not {'、'.join(term.excluded)}")
    return lines
