"""Replay metrics as text: the dashboard's summary panel and the short labels both dialogs use.

Qt-free on purpose: plain strings and HTML, so the wording is tested without a window.
"""

from __future__ import annotations

from typing import Any

from builder.replay.metrics import NONE, UNSPECIFIED, Metrics


def short(text: str, limit: int = 26) -> str:
    """`text` cut to `limit` characters with an ellipsis (chart labels)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pct(value: float | None) -> str:
    """A rate as a percentage, or a dash when there is none."""
    return "–" if value is None else f"{value:.1%}"


def _rule_name(label: str, names: dict[str, str]) -> str:
    """A confusion-table label: the rule's name, or "no handover" / "any rule"."""
    return {NONE: "no handover", UNSPECIFIED: "any rule"}.get(label) or names.get(label, label)


def summary_html(m: Metrics, names: dict[str, str], kinds: dict[str, str], modes: dict[str, str],
                 findings: list[Any]) -> str:
    """The summary panel: rate and its band, never-fired rules, modes, hours, expectations, findings."""
    from html import escape

    colour = {"healthy": "#15803d", "passed": "#15803d", "too_low": "#b91c1c", "too_high": "#b91c1c",
              "failed": "#b91c1c"}.get(m.verdict_status, "#a16207")
    rate_colour = "#475569" if m.is_test_library else colour  # a test library's rate is not judged
    out = [f"<h3 style='margin:0'>{m.total:,} conversations, {m.escalated:,} escalated</h3>",
           f"<p style='font-size:15pt;color:{rate_colour};margin:4px 0'><b>{pct(m.rate)}</b> escalation rate</p>",
           f"<p style='color:{colour}'>{escape(m.verdict)}</p>"]
    if m.never_fired:
        listed = ", ".join(f"“{escape(names.get(r, r))}”" for r in m.never_fired)
        out.append(f"<p><b>Never fired:</b> {listed}</p>")
    elif m.total:
        out.append("<p>Every enabled rule fired at least once.</p>")
    handoffs = ", ".join(f"{escape(modes.get(k, k))}: {v}" for k, v in m.by_handoff.items())
    out.append(f"<p><b>Handoff modes:</b> {handoffs}</p>")
    out.append(f"<p><b>Hours ({escape(m.timezone)}):</b> {m.business} in business hours, {m.offline} offline</p>")
    if m.tested:
        out.append(f"<p><b>Expectations:</b> {m.passed} passed, {m.failed} failed of {m.tested}</p>")
        rows = [(kinds.get(k, k), s) for k, s in m.scores.items()]
        if m.overall is not None:
            rows.append(("Any escalation", m.overall))
        cells = "".join(f"<tr><td>{escape(label)}</td><td align=right>{pct(s.precision)}</td>"
                        f"<td align=right>{pct(s.recall)}</td></tr>" for label, s in rows)
        out.append("<table border=1 cellspacing=0 cellpadding=3><tr><th>Trigger kind</th><th>Precision</th>"
                   f"<th>Recall</th></tr>{cells}</table>")
        labels, _cols = m.confusion_labels()
        order = {label: i for i, label in enumerate(labels)}
        pairs = sorted(m.confusion.items(), key=lambda item: (order.get(item[0][0], 0), item[0][1]))
        body = "".join(f"<tr><td>{escape(_rule_name(want, names))}</td><td>{escape(_rule_name(got, names))}</td>"
                       f"<td align=right>{n}</td></tr>" for (want, got), n in pairs)
        out.append("<p><b>Confusion</b> (expected rule against the rule that escalated):</p>"
                   "<table border=1 cellspacing=0 cellpadding=3><tr><th>Expected</th><th>Actual</th><th>n</th></tr>"
                   f"{body}</table>")
    if findings:
        items = "".join(f"<li>{escape(f.message)}</li>" for f in findings)
        out.append(f"<p><b>Rule analysis</b></p><ul style='margin-left:-20px'>{items}</ul>")
    return "".join(out)
