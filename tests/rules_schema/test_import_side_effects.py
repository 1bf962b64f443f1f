"""Importing and using `rules_schema` leaves the host process's other libraries as they were."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
before = {name for name, module in sys.modules.items() if module is None}
import rules_schema
rules_schema.validate  # loads jsonschema and the format checker
import jsonschema
print(json.dumps({"blocked": sorted({n for n, m in sys.modules.items() if m is None} - before),
                  "formats": sorted(jsonschema.FormatChecker().checkers)}))
"""


def test_import_blocks_no_module_and_keeps_jsonschema_formats() -> None:
    """A `sys.modules[name] = None` entry would make the host's own `import name` fail (and
    jsonschema silently drop the formats that library backs): nothing of the kind is left."""
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True).stdout
    found = json.loads(out)
    assert found["blocked"] == []
    assert "date-time" in found["formats"] and "email" in found["formats"]
