"""The limits of a spec (README, "Spec limits"). Each is checked before the work it protects,
so that no input, however large or deep, reaches a recursion limit or runs for long: a spec over
a limit gets a spec diagnostic that names the limit, never a traceback.

- size and line length: before parsing (``parser._prescan``);
- levels of indentation and of parentheses: before parsing too, so that no syntax tree and no
  walk over one is deeper than these;
- terms in one expression and digits of a number in it: while the syntax tree is built (a chain
  of ``+`` and ``-`` is flat);
- values (indicators and table cells): in the compiler, before a table's cells are made;
- forms in a chain of ``extends``: before the next base is read (pipeline._syntax_tree).
"""

from __future__ import annotations

MAX_SPEC_BYTES = 2 * 1024 * 1024  # S230: the size of a spec file (UTF-8)
MAX_SPEC_WORDS = 120_000  # S230: ids, labels, numbers, keywords and symbols of a spec (comments aside)
MAX_LINE_CHARS = 10_000  # S231: characters of one line
MAX_DEPTH = 20  # S232: levels of indentation
MAX_PARENS = 20  # S233: parentheses nested in one expression, sum(…) and previous(…) included
MAX_TERMS = 1_000  # S234: terms joined by + and - in one expression
MAX_NUMBER_DIGITS = 15  # S237: digits of a number in a rule or term (exact as a float: lint, bounds)
MAX_VALUES = 100_000  # S235: indicators and table cells of a form (a table has rows × columns)
MAX_EXTENDS = 10  # S216: forms in a chain of extends (a provincial variant of a national form is 2)
