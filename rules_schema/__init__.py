"""The exported ruleset format: schemas, the fact catalog, validation with plain messages, migrations.

Qt-free and builder-free: a chatbot's runtime or a CI script can validate a ruleset with this
package alone.
"""

from __future__ import annotations

from rules_schema._startup import skip_slow_format_libraries

skip_slow_format_libraries()

from rules_schema.canonical import canonical_json, content_hash  # noqa: E402
from rules_schema.catalog import Catalog, Fact, Operator, catalog  # noqa: E402
from rules_schema.formats import re2_error  # noqa: E402
from rules_schema.migrate import document_version, migrate  # noqa: E402
from rules_schema.problems import ERROR, WARNING, Problem, Severity, has_errors  # noqa: E402
from rules_schema.schemas import LATEST_VERSION, load_schema, schema_errors, validator  # noqa: E402
from rules_schema.validate import validate  # noqa: E402

__all__ = [
    "ERROR", "LATEST_VERSION", "WARNING", "Catalog", "Fact", "Operator", "Problem", "Severity", "canonical_json",
    "catalog", "content_hash", "document_version", "has_errors", "load_schema", "migrate", "re2_error",
    "schema_errors", "validate", "validator",
]
