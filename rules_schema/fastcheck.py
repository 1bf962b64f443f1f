"""A compiled checker for the keywords our schemas use, 20-50x faster than jsonschema's interpreter.

jsonschema builds a new validator object for every keyword it applies (about 20 µs each): a
500-rule ruleset took seconds. Our schemas use a small, fixed set of Draft 2020-12 keywords, so
each schema node is compiled once into a closure and checked with plain Python. The errors carry
the same attributes as jsonschema's `ValidationError` (validator, validator_value, instance,
schema, absolute_path, message), so the plain-language translation is shared.

jsonschema stays the reference: a schema using any keyword not listed here raises `Unsupported`
at compile time and `schemas.py` falls back to jsonschema for it, and a property test checks that
both report the same errors on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from jsonschema import FormatChecker

Path = tuple[str | int, ...]
Errors = list["SchemaError"] | None
Check = Callable[[Any, Path, Errors], bool]

_FORMAT_MEMORY = 4096  # texts whose format verdict a checker remembers

ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "default", "examples", "$comment"})


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement (use jsonschema instead)."""


class SchemaError:
    """One failed keyword, shaped like jsonschema's ValidationError for the translator."""

    __slots__ = ("validator", "validator_value", "instance", "schema", "absolute_path", "message")

    def __init__(self, keyword: str, value: Any, instance: Any, schema: dict[str, Any], path: Path) -> None:
        self.validator = keyword
        self.validator_value = value
        self.instance = instance
        self.schema = schema
        self.absolute_path = list(path)
        self.message = f"{instance!r} does not satisfy {keyword} {value!r}"

    def __repr__(self) -> str:
        return f"SchemaError({self.validator!r} at {self.absolute_path!r})"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


PY_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "number": (int, float), "integer": (int, float),
                                         "boolean": (bool,), "array": (list,), "object": (dict,),
                                         "null": (type(None),)}


def equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, [1] equals [1.0] (as jsonschema's `equal`)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, dict, str)) or isinstance(b, (list, dict, str)):
        return type(a) is type(b) and a == b
    return bool(a == b)


class Compiler:
    """Compiles schema nodes to checks; `$ref`s are resolved among the given root schemas by `$id`."""

    def __init__(self, roots: list[dict[str, Any]], format_checker: FormatChecker) -> None:
        self.roots = {root["$id"]: root for root in roots}
        self.formats = format_checker
        self._compiled: dict[int, Check] = {}
        self._keep: list[Any] = []  # schema nodes whose id() keys the cache must stay alive

    def compile(self, schema: Any, base: str) -> Check:
        key = id(schema)
        if key in self._compiled:
            return self._compiled[key]
        cell: list[Check] = []
        self._compiled[key] = lambda inst, path, out: cell[0](inst, path, out)  # recursion placeholder
        self._keep.append(schema)
        check = self._build(schema, base)
        cell.append(check)
        self._compiled[key] = check
        return check

    def _resolve(self, ref: str, base: str) -> tuple[Any, str]:
        url = urljoin(base, ref)
        doc_url, _, pointer = url.partition("#")
        if doc_url not in self.roots:
            raise Unsupported(f"unknown $ref {ref!r}")
        node: Any = self.roots[doc_url]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, doc_url

    def _build(self, schema: Any, base: str) -> Check:
        if schema is True or schema == {}:
            return lambda inst, path, out: True
        if schema is False:
            return lambda inst, path, out: _fail(out, "false", False, inst, {}, path)
        if not isinstance(schema, dict):
            raise Unsupported(f"schema node {schema!r}")
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS:
                continue
            builder = getattr(self, "_kw_" + keyword.replace("$", "dollar_"), None)
            if builder is None:
                raise Unsupported(keyword)
            check = builder(value, schema, base)
            if check is not None:
                checks.append(check)
        if len(checks) == 1:
            return checks[0]

        def run_all(inst: Any, path: Path, out: Errors) -> bool:
            valid = True
            for check in checks:
                if not check(inst, path, out):
                    valid = False
                    if out is None:
                        return False
            return valid

        return run_all

    # -- keywords (each returns a Check, or None when it never fails) --------------------------

    def _kw_dollar_ref(self, ref: str, schema: dict[str, Any], base: str) -> Check:
        target, target_base = self._resolve(ref, base)
        return self.compile(target, target_base)  # a node being compiled returns its placeholder

    def _kw_type(self, wanted: str | list[str], schema: dict[str, Any], base: str) -> Check:
        tests = [TYPES[t] for t in ([wanted] if isinstance(wanted, str) else wanted)]
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if len(tests) == 1:
            test = tests[0]
            return lambda inst, path, out: test(inst) or _fail(out, "type", wanted, inst, schema, path)
        if "integer" not in names or "number" in names:  # one isinstance call covers the union
            classes = tuple(c for n in names for c in PY_TYPES[n])
            no_bool = "boolean" not in names
            return lambda inst, path, out: (isinstance(inst, classes) and not (no_bool and isinstance(inst, bool))) \
                or _fail(out, "type", wanted, inst, schema, path)
        return lambda inst, path, out: any(t(inst) for t in tests) or _fail(out, "type", wanted, inst, schema, path)

    def _kw_enum(self, options: list[Any], schema: dict[str, Any], base: str) -> Check:
        if all(isinstance(o, str) or o is None for o in options):  # the usual case: a set lookup
            allowed = frozenset(options)
            return lambda inst, path, out: ((inst is None or isinstance(inst, str)) and inst in allowed) or _fail(
                out, "enum", options, inst, schema, path)
        return lambda inst, path, out: any(equal(inst, o) for o in options) or _fail(
            out, "enum", options, inst, schema, path)

    def _kw_const(self, value: Any, schema: dict[str, Any], base: str) -> Check:
        if isinstance(value, str):
            return lambda inst, path, out: (isinstance(inst, str) and inst == value) or _fail(
                out, "const", value, inst, schema, path)
        return lambda inst, path, out: equal(inst, value) or _fail(out, "const", value, inst, schema, path)

    def _kw_pattern(self, pattern: str, schema: dict[str, Any], base: str) -> Check:
        search = re.compile(pattern).search
        return lambda inst, path, out: not isinstance(inst, str) or search(inst) is not None or _fail(
            out, "pattern", pattern, inst, schema, path)

    def _kw_format(self, name: str, schema: dict[str, Any], base: str) -> Check:
        conforms = self.formats.conforms
        seen: dict[str, bool] = {}  # formats are pure: a text asked again (the service's placeholder
        # instant, a repeated pattern) is answered from memory; bounded, as texts come from clients

        def format_(inst: Any, path: Path, out: Errors) -> bool:
            if isinstance(inst, str):
                ok = seen.get(inst)
                if ok is None:
                    if len(seen) >= _FORMAT_MEMORY:
                        seen.clear()
                    ok = seen[inst] = conforms(inst, name)
            else:
                ok = conforms(inst, name)
            return ok or _fail(out, "format", name, inst, schema, path)

        return format_

    # limits are written as jsonschema's (`not instance < minimum`), so NaN passes them as it does
    # there: the schema is the truth, and NaN is the reader's business (it is not JSON)
    def _limit(self, keyword: str, value: Any, schema: dict[str, Any], holds: Callable[[Any], bool],
               applies: Callable[[Any], bool]) -> Check:
        return lambda inst, path, out: (not applies(inst) or holds(inst)
                                        or _fail(out, keyword, value, inst, schema, path))

    def _kw_minimum(self, v: Any, schema: dict[str, Any], base: str) -> Check:
        return self._limit("minimum", v, schema, lambda i: not i < v, _is_number)

    def _kw_maximum(self, v: Any, schema: dict[str, Any], base: str) -> Check:
        return self._limit("maximum", v, schema, lambda i: not i > v, _is_number)

    def _kw_exclusiveMinimum(self, v: Any, schema: dict[str, Any], base: str) -> Check:
        return self._limit("exclusiveMinimum", v, schema, lambda i: not i <= v, _is_number)

    def _kw_exclusiveMaximum(self, v: Any, schema: dict[str, Any], base: str) -> Check:
        return self._limit("exclusiveMaximum", v, schema, lambda i: not i >= v, _is_number)

    def _kw_minLength(self, v: int, schema: dict[str, Any], base: str) -> Check:
        return self._limit("minLength", v, schema, lambda i: len(i) >= v, lambda i: isinstance(i, str))

    def _kw_maxLength(self, v: int, schema: dict[str, Any], base: str) -> Check:
        return self._limit("maxLength", v, schema, lambda i: len(i) <= v, lambda i: isinstance(i, str))

    def _kw_minItems(self, v: int, schema: dict[str, Any], base: str) -> Check:
        return self._limit("minItems", v, schema, lambda i: len(i) >= v, lambda i: isinstance(i, list))

    def _kw_maxItems(self, v: int, schema: dict[str, Any], base: str) -> Check:
        return self._limit("maxItems", v, schema, lambda i: len(i) <= v, lambda i: isinstance(i, list))

    def _kw_required(self, keys: list[str], schema: dict[str, Any], base: str) -> Check:
        def required(inst: Any, path: Path, out: Errors) -> bool:
            if not isinstance(inst, dict):
                return True
            valid = True
            for key in keys:
                if key not in inst:
                    valid = _fail(out, "required", keys, inst, schema, path)
                    if out is None:
                        return False
            return valid

        return required

    def _kw_properties(self, props: dict[str, Any], schema: dict[str, Any], base: str) -> Check:
        compiled = {key: self.compile(sub, base) for key, sub in props.items()}

        def properties(inst: Any, path: Path, out: Errors) -> bool:
            if not isinstance(inst, dict):
                return True
            valid = True
            for key, check in compiled.items():
                if key in inst and not check(inst[key], (*path, key), out):
                    valid = False
                    if out is None:
                        return False
            return valid

        return properties

    def _kw_additionalProperties(self, extra: Any, schema: dict[str, Any], base: str) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        if extra is False:
            return lambda inst, path, out: not isinstance(inst, dict) or all(k in known for k in inst) or _fail(
                out, "additionalProperties", False, inst, schema, path)
        check = self.compile(extra, base)

        def additional(inst: Any, path: Path, out: Errors) -> bool:
            if not isinstance(inst, dict):
                return True
            valid = True
            for key, value in inst.items():
                if key not in known and not check(value, (*path, key), out):
                    valid = False
                    if out is None:
                        return False
            return valid

        return additional

    def _kw_items(self, sub: Any, schema: dict[str, Any], base: str) -> Check:
        check = self.compile(sub, base)

        def items(inst: Any, path: Path, out: Errors) -> bool:
            if not isinstance(inst, list):
                return True
            valid = True
            for index, value in enumerate(inst):
                if not check(value, (*path, index), out):
                    valid = False
                    if out is None:
                        return False
            return valid

        return items

    def _kw_allOf(self, subs: list[Any], schema: dict[str, Any], base: str) -> Check:
        checks = [self.compile(sub, base) for sub in subs]
        dispatch = self._discriminated(subs, base)
        if dispatch is not None:
            key, branches = dispatch
            generic = self._all_of(checks)

            def by_kind(inst: Any, path: Path, out: Errors) -> bool:
                """`allOf: [{if: {properties: {type: {const: X}}, required: [type]}, then: …}, …]` on an
                object: only the branch of its `type` can apply, so only that one runs (same result,
                one dict lookup instead of an `if` per branch)."""
                if not isinstance(inst, dict):
                    return generic(inst, path, out)
                kind = inst.get(key)
                branch = branches.get(kind) if isinstance(kind, str) else None
                return branch is None or branch(inst, path, out)

            return by_kind
        return self._all_of(checks)

    def _discriminated(self, subs: list[Any], base: str) -> tuple[str, dict[str, Check]] | None:
        """(key, {value: compiled `then`}) when every branch is `if <key> is the text V, then …`."""
        key: str | None = None
        branches: dict[str, Check] = {}
        for sub in subs:
            if not isinstance(sub, dict) or set(sub) != {"if", "then"}:
                return None
            cond = sub["if"]
            if not isinstance(cond, dict) or set(cond) != {"properties", "required"}:
                return None
            props, required = cond["properties"], cond["required"]
            if not (isinstance(props, dict) and len(props) == 1 and isinstance(required, list)):
                return None
            (name, test), = props.items()
            if required != [name] or not isinstance(test, dict) or set(test) != {"const"}:
                return None
            value = test["const"]
            if not isinstance(value, str) or value in branches or (key is not None and name != key):
                return None
            key = name
            branches[value] = self.compile(sub["then"], base)
        return (key, branches) if key is not None else None

    def _all_of(self, checks: list[Check]) -> Check:

        def all_of(inst: Any, path: Path, out: Errors) -> bool:
            valid = True
            for check in checks:
                if not check(inst, path, out):
                    valid = False
                    if out is None:
                        return False
            return valid

        return all_of

    def _kw_if(self, sub: Any, schema: dict[str, Any], base: str) -> Check:
        condition = self.compile(sub, base)
        then = self.compile(schema["then"], base) if "then" in schema else None
        otherwise = self.compile(schema["else"], base) if "else" in schema else None

        def if_then_else(inst: Any, path: Path, out: Errors) -> bool:
            branch = then if condition(inst, path, None) else otherwise
            return branch is None or branch(inst, path, out)

        return if_then_else

    def _kw_then(self, sub: Any, schema: dict[str, Any], base: str) -> None:
        return None  # applied by `if`

    def _kw_else(self, sub: Any, schema: dict[str, Any], base: str) -> None:
        return None  # applied by `if`


def _fail(out: Errors, keyword: str, value: Any, inst: Any, schema: dict[str, Any], path: Path) -> bool:
    if out is not None:
        out.append(SchemaError(keyword, value, inst, schema, path))
    return False


class _Full(Exception):
    """A capped error list is full: stop checking."""


class _Capped(list[SchemaError]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def append(self, error: SchemaError) -> None:
        if len(self) >= self.limit:
            raise _Full
        super().append(error)


class FastValidator:
    """`iter_errors(instance)` like jsonschema's, over a compiled schema."""

    def __init__(self, check: Check) -> None:
        self._check = check

    def iter_errors(self, instance: Any, limit: int | None = None) -> list[SchemaError]:
        """The errors, in document order; at most `limit` (checking stops there: a document of
        100,000 broken rules must not take minutes and gigabytes to describe)."""
        out: list[SchemaError] = [] if limit is None else _Capped(limit)
        try:
            self._check(instance, (), out)
        except _Full:
            pass
        return list(out)

    def is_valid(self, instance: Any) -> bool:
        return self._check(instance, (), None)
