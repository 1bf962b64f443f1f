"""Fuzz target: the template parser and renderers (issue #23, problems 3 and 7). Any text is
parsed in linear time, rendered for every channel without raising, and a webhook body that is
JSON before filling is JSON after, whatever the visitor typed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.format.model import Template
from builder.handoff.templates import render_template, unknown_placeholders
from rules_schema.placeholders import find_placeholders, substitute
from tests.fuzz.harness import CASES, guarded
from tests.fuzz.strategies import ODD_TEXT

PIECES = st.sampled_from(["{{", "}}", "{", "}", "|", " ", "\t", "\n", "\u00a0", '"', "\\", ":", ",", "[", "]",
                          "visitor.name", "last_message", "team", "x", ".", "_", "{{ visitor.name | friend }}"])
REPRODUCTIONS = ["{{visitor.name |" + " " * 3000, "{{a|" * 5000, "{{ " + " " * 5000 + "}", "{" * 10_000]
CHANNELS = st.sampled_from(["chat", "email", "slack", "teams", "webhook"])


@settings(max_examples=CASES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=200),
                      st.sampled_from([f"@reproduction {i}" for i in range(len(REPRODUCTIONS))])),
       channel=CHANNELS, value=st.one_of(ODD_TEXT, st.text(max_size=30)))
@example(body="@reproduction 0", channel="chat", value="")
@example(body="@reproduction 1", channel="webhook", value="{}")
@example(body='{"vip": {{visitor.name}}}', channel="webhook", value="true")
def test_any_template_parses_and_renders(body: str, channel: str, value: str) -> None:
    if body.startswith("@reproduction "):  # by name: hypothesis would print a long argument in full
        body = REPRODUCTIONS[int(body.split()[1])]
    with guarded("template parser"):
        found = find_placeholders(body)
        assert all(body[p.start:p.end].startswith("{{") and body[p.start:p.end].endswith("}}") for p in found)
        unknown_placeholders(body)
        context = {"visitor.name": value, "last_message": value, "team": value}
        rendered = render_template(Template("t", "T", channel, body, subject=body), context)
        if channel == "webhook":
            skeleton = substitute(lambda match: '"x"', body)  # every placeholder outside a JSON string
            try:
                json.loads(skeleton, parse_constant=_refuse)
            except ValueError:
                return
            json.loads(rendered.body, parse_constant=_refuse)  # still JSON, values always strings


def _refuse(name: str) -> None:
    raise ValueError(f"{name} in a rendered webhook body")
