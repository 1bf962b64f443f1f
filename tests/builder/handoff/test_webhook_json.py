"""Issue #23, problem 7: in a webhook (JSON) template every placeholder is a JSON-encoded value, so
visitor text can never choose a field's JSON type."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from builder.format.model import Template
from builder.handoff.templates import render_template

BODY = ('{"name": {{visitor.name}}, "said": "last: {{last_message}} \\" still inside", '
        '"list": [{{visitor.email | none}}], "who": "{{visitor.name}}"}')


@given(name=st.text(), said=st.text())
@example(name="{}", said="true")
@example(name="NaN", said='", "admin": true, "x": "')
@example(name='1, "admin": true', said="\\")
@example(name="\ud800", said="}}")
def test_visitor_text_is_always_a_json_string(name: str, said: str) -> None:
    body = render_template(Template("w", "W", "webhook", BODY),
                           {"visitor.name": name, "last_message": said}).body
    data = json.loads(body, parse_constant=pytest.fail)
    assert data == {"name": name, "said": f'last: {said} " still inside', "list": ["none"], "who": name}


def test_an_unquoted_placeholder_used_to_let_the_visitor_pick_the_type() -> None:
    body = render_template(Template("w", "W", "webhook", '{"vip": {{visitor.name}}}'), {"visitor.name": "true"}).body
    assert json.loads(body) == {"vip": "true"}  # was {"vip": true}
