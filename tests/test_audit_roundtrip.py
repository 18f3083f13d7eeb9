"""Round trip: a report written by `baobiao render` (HTML, Word, and PDF through LibreOffice)
audits back to exactly its values and its text. As a property over generated valid
instances of every built-in form, and for the bundled examples with their narratives."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from test_outputs_real import LIBREOFFICE, SOFFICE, needs

from baobiao.audit.run import audit
from baobiao.instance.load import Instance
from baobiao.instance.narrative import Section
from baobiao.instance.paragraph import namespace, render_para
from baobiao.model import Form
from baobiao.pipeline import load_data, load_spec, render_report
from baobiao.testing import instance_yaml, valid_instances


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def numbers(instance: Instance) -> dict[str, Decimal | None]:
    return {i: c.number for i, c in instance.values.items()}


def paragraphs(form: Form, instance: Instance) -> list[str]:
    """The body text as printed: the preamble and every section's paragraphs, figures filled in."""
    names = namespace(form, numbers(instance))

    def of(section: Section) -> list[str]:
        own = [render_para(p, names)[0] for p in section.paragraphs]
        return own + [text for sub in section.subsections for text in of(sub)]

    narrative = instance.narrative
    return [render_para(p, names)[0] for p in narrative.preamble] + [t for s in narrative.sections for t in of(s)]


def rendered(form: Form, data: Path, out: Path, target: str) -> Path:
    result = render_report(form, data, {}, targets=(target,), out_dir=out)
    assert result.written, [d.code for d in result.report.diagnostics]
    return out / f"{data.stem}.{target}"


def audited(path: Path) -> tuple[Form, Instance]:
    (result,) = audit([path], None, {})
    read = result.read
    assert read.extraction is not None and read.instance is not None, [d.code for d in result.report.diagnostics]
    return read.extraction.form, read.instance


def to_pdf(docx: Path) -> Path:
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
        capture_output=True,
        check=True,
        timeout=180,
    )
    return docx.with_suffix(".pdf")


@pytest.mark.parametrize("target", ["html", "docx"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_an_example_report_audits_back_to_its_values_and_text(name: str, target: str, tmp_path: Path) -> None:
    form = form_of(name)
    source, _, _ = load_data(form, EXAMPLES[name])
    assert source is not None
    form_back, back = audited(rendered(form, EXAMPLES[name], tmp_path, target))
    assert form_back.id == name
    assert numbers(back) == numbers(source)
    assert back.meta.get("agency") == source.meta.get("agency") and back.year == source.year
    assert paragraphs(form_back, back) == paragraphs(form, source)


@needs(*LIBREOFFICE)
def test_an_example_report_as_pdf_audits_back_to_its_values_and_text(tmp_path: Path) -> None:
    name = "gov-disclosure-2021"
    form = form_of(name)
    source, _, _ = load_data(form, EXAMPLES[name])
    assert source is not None
    form_back, back = audited(to_pdf(rendered(form, EXAMPLES[name], tmp_path, "docx")))
    assert form_back.id == name
    assert numbers(back) == numbers(source)
    assert paragraphs(form_back, back) == paragraphs(form, source)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_any_valid_instance_rendered_audits_back_to_its_values(name: str) -> None:
    form = form_of(name)

    @settings(
        max_examples=min(settings().max_examples, 12),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(valid_instances(form))
    def run(instance: Instance) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            data = folder / "generated.yaml"
            data.write_text(instance_yaml(form, instance), encoding="utf-8")
            for target in ("html", "docx"):
                form_back, back = audited(rendered(form, data, folder / "out", target))
                assert form_back.id == form.id, target
                assert numbers(back) == numbers(instance), target
            shutil.rmtree(folder / "out")

    run()


@needs(*LIBREOFFICE)
def test_a_valid_instance_as_pdf_audits_back_to_its_values() -> None:
    """The same through LibreOffice's PDF of the Word report (a few examples: each conversion
    takes seconds)."""
    form = form_of("gov-disclosure-2021")

    @settings(max_examples=min(settings().max_examples, 3), deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid_instances(form))
    def run(instance: Instance) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "generated.yaml"
            data.write_text(instance_yaml(form, instance), encoding="utf-8")
            form_back, back = audited(to_pdf(rendered(form, data, Path(tmp) / "out", "docx")))
            assert form_back.id == form.id
            assert numbers(back) == numbers(instance)

    run()
