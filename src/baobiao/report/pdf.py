"""PDF output: the Word report converted by LibreOffice, as an office would print it.

LibreOffice is found on PATH (``soffice``, or ``libreoffice`` as some distributions name it);
without it ``render --to pdf`` is refused before any work with R508, which names the package
to install. Each conversion runs headless with a private profile in a temporary folder
(parallel runs sharing the user's profile fail silently), and its exit status is not trusted:
the PDF must exist and be one. The bytes are then written like every other output
(``baobiao.outputs``: a temporary file beside the target, renamed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from baobiao.diagnostics.core import Diagnostic, diag

#: names LibreOffice's command goes by, first found on PATH wins
COMMANDS = ("soffice", "libreoffice")
#: what to install (Debian and Ubuntu; the package without a desktop is enough)
PACKAGE = "libreoffice-writer"
#: seconds one conversion may take (a first start builds the profile: a few seconds)
TIMEOUT = 180


class ConversionFailed(Exception):
    """The PDF could not be made; ``diagnostic`` (R508) says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.code)
        self.diagnostic = diagnostic


def find_soffice() -> str | None:
    """LibreOffice's command on PATH, or None."""
    return next((found for name in COMMANDS if (found := shutil.which(name))), None)


def unavailable() -> Diagnostic | None:
    """R508 when LibreOffice is not installed, naming the package; None when it is."""
    if find_soffice() is not None:
        return None
    return diag(
        "R508",
        None,
        reason=f"没有找到 LibreOffice（{' 或 '.join(COMMANDS)}）",
        reason_en=f"LibreOffice ({' or '.join(COMMANDS)}) was not found on PATH",
        package=PACKAGE,
    )


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT) -> bytes:
    """The PDF LibreOffice prints of a Word file; ConversionFailed (R508) when it is missing,
    fails, or writes no PDF."""
    soffice = find_soffice()
    if soffice is None:
        missing = unavailable()
        assert missing is not None
        raise ConversionFailed(missing)
    with tempfile.TemporaryDirectory(prefix="baobiao-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "HOME": os.environ.get("HOME", tmp)},
            )
            said = (done.stderr or done.stdout).strip().splitlines()
        except (OSError, subprocess.TimeoutExpired) as exc:
            said = [f"{type(exc).__name__}: {exc}"]
        pdf = folder / "out" / "report.pdf"
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF-"):
            reason = said[-1] if said else "没有输出 PDF"
            raise ConversionFailed(
                diag(
                    "R508",
                    None,
                    reason=f"LibreOffice 没有生成 PDF：{reason}",
                    reason_en=f"LibreOffice wrote no PDF: {reason}",
                    package=PACKAGE,
                )
            )
        return data
