"""Rule analysis: findings a support manager should look at before exporting a playbook.

Qt-free and plain data: `analyse(ruleset)` returns `Finding`s (code, severity, message,
rule_ids, path) that the problems panel shows as warnings and a dashboard can list. Every
finding about conditions is sound: it is reported only when it holds for every conversation.

Codes: never_fires, shadowed, overlapping_handoffs, phrase_in_two_triggers,
escalation_unknown_team, team_without_schedule, offline_callback_disabled, offline_mode_missing,
unused_template, unused_channel, fires_often.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.analysis.finding import Finding, Severity
from builder.analysis.references import fires_often, offline_branches, offline_mode_missing, unused
from builder.analysis.rules import (
    analysed_rules,
    never_fires,
    overlapping_handoffs,
    phrases_in_two_triggers,
    shadowed,
    shadowing_rule,
)
from builder.format.model import Ruleset

__all__ = ["Finding", "Severity", "analyse", "analyse_document", "fires_often", "rule_order", "shadowing_rule"]

DEFAULT_FIRE_THRESHOLD = 0.30


def analyse(ruleset: Ruleset, *, fired: Mapping[str, int] | None = None, total: int = 0,
            threshold: float = DEFAULT_FIRE_THRESHOLD) -> list[Finding]:
    """Every finding for a ruleset; with replay counts (`fired[rule_id]` of `total`
    conversations, e.g. `metrics.escalations_by_rule`) also the rules that fire too often."""
    rules = analysed_rules(ruleset)
    findings = never_fires(rules)
    shadow_findings, pairs = shadowed(ruleset, rules)
    findings += shadow_findings
    findings += overlapping_handoffs(rules, pairs)
    findings += phrases_in_two_triggers(rules)
    findings += offline_branches(ruleset)
    findings += unused(ruleset)
    if fired is not None:
        findings += fires_often(ruleset, fired, total, threshold)
    return findings


def rule_order(ruleset: Ruleset) -> list[Finding]:
    """The findings about rule order a manager needs while editing (live, in the problems panel):
    rules that can never fire, and rules an earlier rule always pre-empts."""
    rules = analysed_rules(ruleset)
    return never_fires(rules) + shadowed(ruleset, rules)[0]


def analyse_document(document: Mapping[str, Any], **kwargs: Any) -> list[Finding]:
    """`analyse` for a document dict (already validated), plus checks only the raw file shows."""
    return offline_mode_missing(document) + analyse(Ruleset.from_dict(dict(document)), **kwargs)
