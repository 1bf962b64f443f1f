"""Keep `import jsonschema` fast: skip the optional `rfc3987_syntax` format library.

jsonschema imports `rfc3987_syntax` (pulled in by the `format-nongpl` extra) when it is installed,
and that library compiles 38 lark grammars at import: 2 s on an idle machine, 8 s on a busy one,
paid by every CLI command and every app start (python-jsonschema/jsonschema#1392, #1521). It only
backs the `iri` / `iri-reference` formats, which none of our schemas use. Marking it absent before
jsonschema is first imported makes jsonschema skip those two checkers and nothing else.
"""

from __future__ import annotations

import sys


def skip_slow_format_libraries() -> None:
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
