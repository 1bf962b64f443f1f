"""Semantic checks the JSON Schema cannot express: ids, references, rules, templates, channels, tests.

Each check reads the document defensively (it may have schema errors too) and adds Problems to
the shared Context; `validate` runs them all so the manager sees every problem at once.
"""

from __future__ import annotations

from typing import Any

from rules_schema.canonical import HASH_PREFIX, content_hash
from rules_schema.checks.conditions import check_condition
from rules_schema.checks.schedule_checks import check_schedules
from rules_schema.checks.word_groups import check_word_groups
from rules_schema.context import Context, items, name_of, suggest, text
from rules_schema.locations import Part
from rules_schema.placeholders import PLACEHOLDER_RE
from rules_schema.problems import WARNING

_COLLECTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("rules",), "rule"), (("templates",), "template"), (("schedules",), "schedule"),
    (("routing", "teams"), "team"), (("channels",), "channel"), (("tests",), "test conversation"),
    (("word_groups",), "word group"),
)
CHANNEL_WORDS = {"chat": "a chat", "email": "an e-mail", "slack": "a Slack", "teams": "a Teams", "webhook": "a webhook"}
NOTIFY_CHANNELS = {"slack": "slack", "teams": "teams", "email": "email", "webhook": "webhook"}


def check_semantics(doc: dict[str, Any]) -> Context:
    """Run every semantic check on `doc`; the Context holds the problems."""
    ctx = Context(doc)
    check_ids(ctx)
    check_settings(ctx)
    check_word_groups(ctx)
    check_rules(ctx)
    check_templates(ctx)
    check_schedules(ctx)
    check_routing(ctx)
    check_channels(ctx)
    check_tests(ctx)
    check_metadata(ctx)
    return ctx


def check_ids(ctx: Context) -> None:
    for keys, kind in _COLLECTIONS:
        node: Any = ctx.doc
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        first: dict[str, int] = {}
        for index, entry in items(node, keys[-1]):
            ident = text(entry, "id")
            if ident is None:
                continue
            if ident in first:
                other = node[keys[-1]][first[ident]]
                ctx.add([*keys, index, "id"], f"the id '{ident}' is already used by {kind} '{name_of(other)}'; "
                        "ids must be unique", "id.duplicate")
            else:
                first[ident] = index
    names: dict[str, int] = {}
    for index, rule in items(ctx.doc, "rules"):
        name = text(rule, "name")
        if name and name.strip().casefold() in names:
            ctx.add(["rules", index, "name"], f"another rule is also called '{name}'", "name.duplicate", WARNING)
        elif name:
            names[name.strip().casefold()] = index


def check_settings(ctx: Context) -> None:
    ctx.ref(["settings", "default_schedule"], ctx.default_schedule, ctx.schedules, "schedule", "ref.schedule")


def check_rules(ctx: Context) -> None:
    sla = ctx.routing.get("sla") if isinstance(ctx.routing.get("sla"), dict) else {}
    for index, rule in items(ctx.doc, "rules"):
        parts: list[Part] = ["rules", index]
        check_condition(ctx, rule.get("when"), [*parts, "when"])
        actions = rule.get("actions")
        if isinstance(actions, list) and not actions:
            ctx.add([*parts, "actions"], "has no actions, so it does nothing when it holds", "rule.no_actions",
                    WARNING)
        elif isinstance(actions, list) and not any(isinstance(a, dict) and a.get("type") == "escalate"
                                                   for a in actions):
            ctx.add([*parts, "actions"], "never hands over to a human (no 'Hand over' action)", "rule.no_escalate",
                    WARNING)
        for k, action in items(rule, "actions"):
            _check_action(ctx, action, [*parts, "actions", k], sla if isinstance(sla, dict) else {})
        cooldown = rule.get("cooldown")
        if isinstance(cooldown, dict) and "minutes" in cooldown and cooldown.get("policy") != "after_minutes":
            ctx.add([*parts, "cooldown", "minutes"], "the minutes are ignored unless the re-fire policy is "
                    "'after_minutes'", "rule.cooldown_minutes", WARNING)


def _check_action(ctx: Context, action: dict[str, Any], parts: list[Part], sla: dict[str, Any]) -> None:
    kind = action.get("type")
    if kind == "escalate":
        team = ctx.ref([*parts, "team"], action.get("team"), ctx.teams, "team", "ref.team")
        priority = action.get("priority")
        if team and isinstance(priority, str) and priority in ctx.catalog.priorities and priority not in sla:
            ctx.add([*parts, "priority"], f"hands over to team '{name_of(team)}' with {priority} priority, "
                    f"but routing has no response-time promise for {priority} priority", "routing.sla_missing",
                    WARNING)
    elif kind == "reply":
        template = ctx.ref([*parts, "template"], action.get("template"), ctx.templates, "template", "ref.template")
        if template is not None and template.get("channel") != "chat":
            channel = str(template.get("channel"))
            ctx.add([*parts, "template"], f"the reply template '{name_of(template)}' is "
                    f"{CHANNEL_WORDS.get(channel, 'a ' + channel)} template; a chat reply needs a chat template",
                    "template.not_chat")
    elif kind == "notify":
        target = ctx.ref([*parts, "channel"], action.get("channel"), ctx.channels, "channel", "ref.channel")
        if target is not None:
            _check_channel_template(ctx, action, parts, target)
        elif "template" in action:
            ctx.ref([*parts, "template"], action.get("template"), ctx.templates, "template", "ref.template")


def _check_channel_template(ctx: Context, holder: dict[str, Any], parts: list[Part],
                            channel: dict[str, Any]) -> None:
    if holder.get("template") is None:
        return
    template = ctx.ref([*parts, "template"], holder.get("template"), ctx.templates, "template", "ref.template")
    wanted = NOTIFY_CHANNELS.get(str(channel.get("type")))
    have = template.get("channel") if template is not None else None
    if template is not None and wanted and have != wanted:
        ctx.add([*parts, "template"], f"the template '{name_of(template)}' is written for {have}, "
                f"but channel '{name_of(channel)}' is {wanted}", "template.channel_mismatch", WARNING)


def check_templates(ctx: Context) -> None:
    known = list(ctx.catalog.placeholders)
    for index, template in items(ctx.doc, "templates"):
        parts: list[Part] = ["templates", index]
        for key in ("subject", "body"):
            value = text(template, key)
            if value is None:
                continue
            found = 0
            for match in PLACEHOLDER_RE.finditer(value):
                found += 1
                name = match.group(1)
                if name not in ctx.catalog.placeholders:
                    ctx.add([*parts, key], f"{{{{{name}}}}} is not a known placeholder{suggest(name, known)}",
                            "template.placeholder")
            if value.count("{{") != found:
                ctx.add([*parts, key], "has a '{{' that does not form a placeholder such as {{visitor.name}}; "
                        "it will be shown as typed", "template.syntax", WARNING)
        channel = text(template, "channel")
        body = text(template, "body")
        if body is not None and not body.strip():
            ctx.add([*parts, "body"], "the text is empty", "template.empty", WARNING)
        limit = ctx.catalog.channels.get(channel or "", {}).get("max_length")
        if body is not None and isinstance(limit, int) and len(body) > limit:
            ctx.add([*parts, "body"], f"the text is {len(body)} characters; {channel} shows at most {limit}",
                    "template.too_long", WARNING)
        if channel != "email" and text(template, "subject") is not None:
            ctx.add([*parts, "subject"], "only e-mail templates use a subject; it is ignored", "template.subject",
                    WARNING)


def check_routing(ctx: Context) -> None:
    for index, team in items(ctx.routing, "teams"):
        ctx.ref(["routing", "teams", index, "schedule"], team.get("schedule"), ctx.schedules, "schedule",
                "ref.schedule")


def check_channels(ctx: Context) -> None:
    for index, channel in items(ctx.doc, "channels"):
        parts: list[Part] = ["channels", index]
        kind = channel.get("type")
        if kind in ("slack", "teams", "webhook") and not channel.get("url_env"):
            ctx.add([*parts, "url_env"], f"a {kind} channel needs the name of the environment variable that holds "
                    "its webhook URL", "channel.incomplete")
        elif kind == "email" and not channel.get("address"):
            ctx.add([*parts, "address"], "an e-mail channel needs the address to send to", "channel.incomplete")
        _check_channel_template(ctx, channel, parts, channel)


def check_tests(ctx: Context) -> None:
    for index, test in items(ctx.doc, "tests"):
        expect = test.get("expect")
        if not isinstance(expect, dict):
            continue
        parts: list[Part] = ["tests", index, "expect"]
        rule = expect.get("rule")
        if isinstance(rule, str):
            ctx.ref([*parts, "rule"], rule, ctx.rules, "rule", "ref.rule")
        if isinstance(expect.get("team"), str):
            ctx.ref([*parts, "team"], expect["team"], ctx.teams, "team", "ref.team")


def check_metadata(ctx: Context) -> None:
    meta = ctx.doc.get("metadata")
    stored = text(meta, "content_hash")
    if stored is None or not stored.startswith(HASH_PREFIX):
        return
    try:
        actual = content_hash(ctx.doc)
    except (TypeError, ValueError):
        return  # content the canonical form cannot write (e.g. NaN) is the schema's to report
    if actual != stored:
        ctx.add(["metadata", "content_hash"], "the content changed since this file was exported (the content hash "
                "does not match); export it again to update the hash", "metadata.hash_mismatch", WARNING)
