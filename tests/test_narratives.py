"""The report's text against its tables (tests/data/narratives/): sentences in the styles real
reports use, each with the findings a reviewer expects, written by hand from the form and the
data file beside them. Every expected finding must be given (recall) and every finding given
must be expected (precision); both are printed and must be 100 %."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from baobiao.diagnostics.core import Diagnostic
from baobiao.diagnostics.render import hint, message, render_human
from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.instance.narrative import Narrative, Para
from baobiao.model import Form
from baobiao.pipeline import check_data, load_data, load_spec

CORPUS = Path(__file__).parent / "data" / "narratives"
FILES = sorted(p for p in CORPUS.glob("*.yaml") if "sentences" in (yaml.safe_load(p.read_text("utf-8")) or {}))
UNFILLED = re.compile(r"\{[a-z_]+\}")
TEXT_CODES = {"C411", "C415", "C416", "C417", "C418", "C419"}


@cache
def _form(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def _data(form: Form, name: str) -> Instance:
    instance, problems, _ = load_data(form, CORPUS / name)
    assert instance is not None, [d.code for d in problems]
    return instance


def said(form: Form, data: Instance, previous: Instance | None, text: str) -> list[Diagnostic]:
    """The text findings of one sentence, the only paragraph of the report."""
    para = Para(text, "$.report.preamble", None)
    instance = dataclasses.replace(data, narrative=Narrative(preamble=(para,)))
    return [d for d in check(form, instance, previous).findings if d.code in TEXT_CODES]


def _matches(d: Diagnostic, want: dict[str, Any]) -> bool:
    return (
        d.code == want["code"]
        and d.args.get("figure") == str(want["figure"])
        and ("table" not in want or d.args.get("table") == str(want["table"]))
    )


def test_narrative_corpus_precision_and_recall() -> None:
    assert FILES, "no corpus"
    sentences = negatives = expected_total = found_total = right = 0
    wrong: list[str] = []
    for path in FILES:
        corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
        form = _form(corpus["form"])
        data = _data(form, corpus["data"])
        previous = (
            _data(_form(corpus.get("previous_form", "gov-disclosure-2019")), corpus["previous"])
            if corpus.get("previous")
            else None
        )
        for entry in corpus["sentences"]:
            sentences += 1
            wanted = list(entry.get("findings") or [])
            negatives += not wanted
            found = said(form, data, previous, entry["text"])
            expected_total += len(wanted)
            found_total += len(found)
            unexpected = list(found)
            for want in wanted:
                hit = next((d for d in unexpected if _matches(d, want)), None)
                if hit is None:
                    wrong.append(f"{path.name}: missing {want} in {entry['text']}")
                else:
                    right += 1
                    unexpected.remove(hit)
            for d in unexpected:
                args = {k: d.args.get(k) for k in ("figure", "table")}
                wrong.append(f"{path.name}: unexpected {d.code} {args} {message(d, 'zh')}")
            for d in found:  # every finding quotes its sentence, every parameter filled in
                assert f"“{d.args['sentence']}”" in message(d, "zh") and d.args["sentence"] in entry["text"]
                assert not UNFILLED.search(message(d, "zh") + hint(d, "zh") + message(d, "en") + hint(d, "en"))
    precision = right / found_total if found_total else 1.0
    recall = right / expected_total if expected_total else 1.0
    print(
        f"\nnarrative corpus: {sentences} sentences ({negatives} with no finding), "
        f"{expected_total} findings expected; precision {precision:.1%}, recall {recall:.1%}"
    )
    assert sentences >= 150 and negatives >= 40
    assert not wrong, "\n".join(wrong)


def test_a_finding_underlines_the_figure_in_the_data_file(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "examples" / "county-dept-2021.yaml").read_text(encoding="utf-8")
    start = source.index("\nreport:") + 1
    wrong = source[:start] + "report:\n  preamble: 2021年，本局受理政府信息公开申请82件，均按时答复。\n"
    path = tmp_path / "r.yaml"
    path.write_text(wrong, encoding="utf-8")
    form = _form("gov-disclosure-2021")
    result = check_data(form, path, {})
    (finding,) = [d for d in result.report.diagnostics if d.code in TEXT_CODES]
    assert finding.code == "C411" and finding.args["figure"] == "82件" and finding.args["table"] == "28"
    line = wrong.splitlines()[finding.span.line - 1] if finding.span else ""
    assert finding.span is not None and line[finding.span.column - 1 : finding.span.end_column - 1] == "82件"
    shown = render_human([result.report])
    assert (
        "82件" in shown
        and "\n   |" in shown
        and " ^^^^\n" in shown
        and "一、本年新收政府信息公开申请数量 / 总计" in shown
    )
    assert path.read_text(encoding="utf-8") == wrong  # the input is never touched


def test_the_provincial_variant_in_the_docs_adds_its_terms(tmp_path: Path) -> None:
    docs = (Path(__file__).parents[1] / "docs" / "narrative.md").read_text(encoding="utf-8")
    spec = docs[docs.index("form my-province-2021") : docs.index("```", docs.index("form my-province-2021"))]
    path = tmp_path / "my-province-2021.spec"
    path.write_text(spec, encoding="utf-8")
    form = load_spec(str(path)).form
    assert form is not None and len(form.terms) == len(_form("gov-disclosure-2021").terms) + 2
    data = _data(form, "county-2021.yaml") if (CORPUS / "county-2021.yaml").exists() else None
    if data is None:
        return
    natural = data.values["new.natural"].number
    assert said(form, data, None, f"其中自然人提出申请{natural}件。") == []
    (wrong,) = said(form, data, None, f"其中自然人提出申请{natural + 1}件。")
    assert wrong.code == "C411" and wrong.args["figure"] == f"{natural + 1}件"


def test_explain_terms_lists_a_forms_terms_and_the_claim_kinds(run_cli: Callable[..., Any]) -> None:
    result = run_cli("explain", "terms", "--form", "gov-disclosure-2021")
    assert result.exit_code == 0
    assert all(code in result.stdout for code in ("C411", "C415", "C416", "C417", "C418", "C419"))
    # every term of the form, by its first wording, with the cells it states
    assert all(term.words[0] in result.stdout for term in _form("gov-disclosure-2021").terms)
    assert "予以公开（件）= 三、本年度办理结果 > （一）予以公开 / 总计" in result.stdout.replace(
        "、全部公开、同意公开", ""
    )
    english = run_cli("explain", "terms", "--lang", "en")
    assert english.exit_code == 0 and "provincial variant" in english.stdout
    assert run_cli("explain", "terms", "--form", "no-such-form").exit_code == 2
