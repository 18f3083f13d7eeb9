"""Many agencies at once: a long CSV (agency, row, column, value), checked with the form's rules
compiled once into a matrix (numpy), so that checking is limited by reading, not by evaluating
rules.

The file is cut into blocks of whole agencies; worker threads read each block (by the compiled
scan of ``scan`` when it is loaded and the block is the usual export, otherwise by pyarrow's CSV
reader) and check it as one matrix (agencies × cells). The matrix pass is a filter: it is
exact for whole numbers and errs only towards flagging for decimals, so every agency whose
figures break a rule, leave a cell blank or hold a value of the wrong kind is flagged; flagged
agencies alone are checked by the exact Decimal checker, which gives their findings. Rules that
depend on meta fields (the CSV has none) or on last year are left to single-file checks.

The modules, each importing only those before it: ``matrix`` (the rules as a matrix),
``lines`` (a block's lines as bytes), ``blocks`` (the file: limits, header, blocks of whole
agencies, reading them), ``flagged`` (a block's matrix pass and the exact check of the agencies
it flags), ``readers`` (pyarrow's reader and the compiled scan), ``check`` (the whole file,
results in file order); ``aggregation`` (adding up agencies) stands apart."""

from __future__ import annotations

from baobiao.instance.batch.aggregation import aggregate
from baobiao.instance.batch.blocks import BLOCK, HEADER_NAMES, MAX_BYTES, NAMES
from baobiao.instance.batch.check import WORKERS, AgencyResult, BatchSummary, check_csv
from baobiao.instance.batch.lines import GARBAGE_LINES
from baobiao.instance.batch.matrix import RuleMatrix, compile_rules, rule_flags, suspicious

__all__ = [
    "BLOCK",
    "GARBAGE_LINES",
    "HEADER_NAMES",
    "MAX_BYTES",
    "NAMES",
    "WORKERS",
    "AgencyResult",
    "BatchSummary",
    "RuleMatrix",
    "aggregate",
    "check_csv",
    "compile_rules",
    "rule_flags",
    "suspicious",
]
