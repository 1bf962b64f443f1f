"""Who uses a template: the template page's "Used by" list and the unused-template finding share
`builder.analysis.references.template_users`."""

from __future__ import annotations

from dataclasses import replace

from builder.analysis.references import TemplateUser, template_users, unused
from builder.format.model import Channel, Leaf, Notify, Reply, Rule, Ruleset, Template


def test_template_users_name_how_each_rule_and_channel_uses_it() -> None:
    base = Ruleset.from_dict({})
    ruleset = replace(
        base,
        templates=(Template("ack", "Ack", "chat", "Hi"), Template("note", "Note", "slack", "x"),
                   Template("spare", "Spare", "chat", "y")),
        channels=(Channel("slack", "Support Slack", "slack", template="note"),),
        rules=(Rule("a", "Asks", "keyword", Leaf("cart.abandoned", "is_true"),
                    (Reply("ack"), Notify("slack"), Reply("ack"))),
               Rule("b", "Billing", "keyword", Leaf("cart.abandoned", "is_true"), (Notify("slack", template="ack"),))))
    users = template_users(ruleset)
    assert users["ack"] == [TemplateUser("rule", "a", "Asks", ("chat reply",)),
                            TemplateUser("rule", "b", "Billing", ("notification",))]
    assert users["note"] == [TemplateUser("rule", "a", "Asks", ("notification via Support Slack",)),
                             TemplateUser("channel", "slack", "Support Slack", ("message text",))]
    assert "spare" not in users
    assert [f.path for f in unused(ruleset) if f.code == "unused_template"] == ["$.templates[2]"]
