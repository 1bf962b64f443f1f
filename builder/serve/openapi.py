"""The API described as an OpenAPI 3.1 document, served at `/v1/openapi.json`.

Why built from the format's own schemas: the event, visitor and decision shapes are the versioned
contracts in `rules_schema` (conversation.v1, decision.v1); copying them here would let the two
drift. OpenAPI 3.1 speaks JSON Schema 2020-12, so they go in as they are, their `$ref`s moved under
`components/schemas`. `tests/builder/serve/test_openapi.py` checks that every route the app serves
is documented and nothing else is.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from rules_schema.schemas import load_schema

API_VERSION = "1"


def _moved(node: Any, prefix: str) -> Any:
    """`node` with every `#/$defs/x` reference pointing at `#/components/schemas/{prefix}x`."""
    if isinstance(node, dict):
        out = {k: _moved(v, prefix) for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + prefix + ref.removeprefix("#/$defs/")
        return out
    if isinstance(node, list):
        return [_moved(v, prefix) for v in node]
    return node


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


@cache
def _document() -> dict[str, Any]:
    conversation = load_schema("conversation")
    decision = load_schema("decision")
    schemas: dict[str, Any] = {name: _moved(s, "") for name, s in conversation["$defs"].items()}
    posted = copy.deepcopy(schemas["event"])
    posted["required"] = [r for r in posted["required"] if r != "at"]
    posted["description"] = ("An event of the conversation format (conversation.v1). `at` may be left out on the "
                             "service's clock: the service stamps the event when it arrives.")
    schemas["posted_event"] = posted
    schemas.update({"decision_" + name: _moved(s, "decision_") for name, s in decision.get("$defs", {}).items()})
    schemas["Decision"] = _moved(decision, "decision_")
    schemas["EventRequest"] = {
        "type": "object", "additionalProperties": False, "required": ["event"],
        "properties": {
            "event": _ref("posted_event"),
            "visitor": {**_ref("visitor"), "description": "The visitor's profile; read when the conversation starts."},
            "clock": {"enum": ["service", "host"], "description": "Chosen by the first event (default service): "
                      "`service` stamps events and fires timers itself, `host` needs `at` on every event and ticks."},
        }}
    schemas["TickRequest"] = {"type": "object", "additionalProperties": False,
                              "properties": {"at": _ref("instant")}}
    schemas["Answer"] = {
        "type": "object", "required": ["conversation", "decision", "handed_over", "turn", "ruleset"],
        "properties": {
            "conversation": {"type": "string"},
            "decision": {"oneOf": [_ref("Decision"), {"type": "null"}],
                         "description": "The Decision made by this request (reply, handoff, team, priority, "
                                        "promise), or null."},
            "handed_over": {"type": "boolean"}, "turn": {"type": "integer"},
            "next_deadline": {"type": ["string", "null"], "description": "When a timer would fire next."},
            "clock": {"enum": ["service", "host"]},
            "ruleset": {"type": "string", "description": "Content hash of the rules this conversation runs on."},
        }}
    schemas["Summary"] = {
        "type": "object",
        "properties": {**schemas["Answer"]["properties"], "events": {"type": "integer"},
                       "tags": {"type": "array", "items": {"type": "string"}},
                       "last_event_at": {"type": ["string", "null"]},
                       "payload": {"type": ["object", "null"],
                                   "description": "The handoff payload (transcript, pages, profile, rule, "
                                                  "summary, promise) once handed over."}}}
    schemas["Problem"] = {"type": "object", "required": ["error", "problems"],
                          "properties": {"error": {"type": "string"},
                                         "problems": {"type": "array", "items": {"type": "string"},
                                                      "description": "One `location: message` a problem."}}}
    problem = _json(_ref("Problem"), "The request was refused; `problems` says why")
    conversation_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 200},
                       "description": "Your conversation id"}
    errors = {"400": problem, "401": problem, "413": problem, "422": problem, "503": problem}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Handoff Builder decision service", "version": API_VERSION,
                 "description": "Post a conversation's events; get the handoff decision the exported ruleset "
                                "makes. Authorization: `Bearer <token>` when the service was started with "
                                "--token-env (every path but /healthz)."},
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/v1/conversations/{id}/events": {"post": {
                "summary": "One event of a conversation; the decision it leads to, if any",
                "parameters": [conversation_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("EventRequest")}}},
                "responses": {"200": _json(_ref("Answer"), "Applied"), "409": problem, **errors}}},
            "/v1/conversations/{id}/tick": {"post": {
                "summary": "Bring the conversation's clock to `at` (or now): timers due by then decide",
                "parameters": [conversation_id],
                "requestBody": {"content": {"application/json": {"schema": _ref("TickRequest")}}},
                "responses": {"200": _json(_ref("Answer"), "Ticked"), "404": problem, **errors}}},
            "/v1/conversations/{id}": {
                "get": {"summary": "The conversation's state, and the handoff payload once handed over",
                        "parameters": [conversation_id],
                        "responses": {"200": _json(_ref("Summary"), "The conversation"), "404": problem}},
                "delete": {"summary": "The chat ended: forget the conversation; its timers never fire",
                           "parameters": [conversation_id],
                           "responses": {"204": {"description": "Closed"}, "404": problem}}},
            "/v1/ruleset": {"get": {"summary": "The rules in use: the current ruleset and older ones that "
                                               "conversations started on",
                                    "responses": {"200": {"description": "Identity: name, version, content hash, "
                                                                         "exported_at"}}}},
            "/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
            "/healthz": {"get": {"summary": "Liveness, the ruleset, the last reload (no token needed)",
                                 "security": [], "responses": {"200": {"description": "Serving"}}}},
            "/metrics": {"get": {"summary": "Prometheus text: requests, decisions by rule and trigger, latency, "
                                            "live sessions", "responses": {"200": {"description": "Metrics"}}}},
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy)."""
    return copy.deepcopy(_document())
