"""The exported ruleset format: schemas, the fact catalog, validation with plain messages, migrations.

Qt-free and builder-free: a chatbot's runtime or a CI script can validate a ruleset with this
package alone. Names are imported lazily, so a process that only needs the catalog (the engine,
a replay worker) does not pay for jsonschema. Importing it changes nothing else in the process:
a host chatbot's own jsonschema keeps every format checker it has.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rules_schema.canonical import canonical_json, content_hash
from rules_schema.catalog import Catalog, Fact, Operator, catalog
from rules_schema.migrate import LATEST_VERSION, document_version, migrate
from rules_schema.problems import ERROR, WARNING, Problem, Severity, has_errors

# These need jsonschema (about 0.1-0.2 s to import): loaded on first use only.
_LAZY: dict[str, str] = {
    "re2_error": "formats",
    "load_schema": "schemas", "schema_errors": "schemas", "validator": "schemas",
    "validate": "validation",
}

if TYPE_CHECKING:
    from rules_schema.formats import re2_error
    from rules_schema.schemas import load_schema, schema_errors, validator
    from rules_schema.validation import validate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rules_schema' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rules_schema.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ERROR", "LATEST_VERSION", "WARNING", "Catalog", "Fact", "Operator", "Problem", "Severity", "canonical_json",
    "catalog", "content_hash", "document_version", "has_errors", "load_schema", "migrate", "re2_error",
    "schema_errors", "validate", "validator",
]
