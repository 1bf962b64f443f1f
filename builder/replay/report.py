"""The replay report: one self-contained HTML page (inline SVG charts, no Qt) and a CSV of decisions.

`write_report(directory, results, ruleset)` replays nothing itself: it takes the results (any
iterable, consumed once: the CSV is written and the metrics accumulated in the same pass) and
writes `report.html` and `decisions.csv`. A caller with its own renderer (the dashboard's
pyqtgraph export) may pass `charts={"by_trigger": "by_trigger.png", …}` to use PNG files instead
of the inline SVG. Output is deterministic (no timestamps), so a report kept in `docs/` diffs
cleanly.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from builder.analysis import Finding, analyse
from builder.format.model import Ruleset
from builder.replay.metrics import HEALTHY_HIGH, HEALTHY_LOW, WARN_HIGH, WARN_LOW, Metrics, MetricsBuilder
from builder.replay.results import ReplayResult
from rules_schema.catalog import catalog

CSV_COLUMNS = ("index", "conversation_id", "escalated", "rule", "trigger", "turn", "at", "handoff", "team",
               "priority", "promise", "tags", "team_open", "expected", "passed", "misses")
CHART_KEYS = ("rate", "by_trigger", "by_rule", "by_turn", "by_hour", "by_handoff")
SVG_STYLE = ("<style>.l{font:11px system-ui,sans-serif;fill:#475569}"
             ".v{font:11px system-ui,sans-serif;fill:#0f172a}</style>")  # also right as a standalone file
ACCENT, MUTED, SHADE = "#2563eb", "#94a3b8", "#dcfce7"


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


# --- CSV ---------------------------------------------------------------------------------------

def decision_row(result: ReplayResult) -> list[Any]:
    d = result.decision
    expect = result.expect
    expected = "" if expect is None else ("escalate" + (f" by {expect['rule']}" if expect.get("rule") else "")
                                          if expect.get("escalate") else "no escalation")
    return [result.index, result.conversation_id, "yes" if d.get("escalated") else "no", d.get("rule") or "",
            d.get("trigger") or "", d.get("turn") or "", d.get("at") or "", d.get("handoff") or "",
            d.get("team") or "", d.get("priority") or "", d.get("promise") or "", " ".join(d.get("tags") or []),
            "" if result.open is None else ("yes" if result.open else "no"), expected,
            "" if result.passed is None else ("yes" if result.passed else "no"),
            "; ".join(f"{k}: expected {w!r}, got {g!r}" for k, w, g in result.misses)]


def write_decisions_csv(results: Iterable[ReplayResult], out: IO[str]) -> int:
    """One row per conversation (CSV_COLUMNS); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for result in results:
        writer.writerow(decision_row(result))
        count += 1
    return count


# --- SVG charts ----------------------------------------------------------------------------------

def svg_columns(values: Sequence[int], labels: Sequence[str], *, shaded: Sequence[bool] = (),
                colours: Sequence[str] = (), title: str = "", width: int = 640, height: int = 200) -> str:
    """Vertical bars with labels under them; `shaded` marks background columns (business hours)."""
    n = max(1, len(values))
    top = max(values, default=0) or 1
    left, bottom, plot_h = 8, 34, height - 54
    step = (width - 2 * left) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{esc(title)}" class="chart">{SVG_STYLE}']
    for i, value in enumerate(values):
        x = left + i * step
        if i < len(shaded) and shaded[i]:
            parts.append(f'<rect x="{x:.1f}" y="14" width="{step:.1f}" height="{plot_h + 6}" fill="{SHADE}"/>')
        bar_h = plot_h * value / top
        y = 20 + plot_h - bar_h
        colour = colours[i] if i < len(colours) else ACCENT
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar_h:.1f}" '
                     f'fill="{colour}"><title>{esc(labels[i])}: {value}</title></rect>')
        if value:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" class="v">{value}</text>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 30:.1f}" text-anchor="middle" '
                     f'class="l">{esc(labels[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_rows(items: Sequence[tuple[str, int, str]], *, title: str = "", width: int = 640) -> str:
    """Horizontal bars, one row per (label, value, colour): long labels such as rule names fit."""
    row_h, label_w = 24, 230
    height = max(1, len(items)) * row_h + 8
    top = max((v for _, v, _ in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{esc(title)}" class="chart">{SVG_STYLE}']
    for i, (label, value, colour) in enumerate(items):
        y = 4 + i * row_h
        bar_w = (width - label_w - 50) * value / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" class="l">{esc(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row_h - 8}" fill="{colour}">'
                     f'<title>{esc(label)}: {value}</title></rect>')
        parts.append(f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 16}" class="v">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_rate(rate: float | None, *, width: int = 640) -> str:
    """The escalation rate as a marker on a 0-50% scale (wider when needed), healthy band shaded."""
    scale = max(0.5, math.ceil((rate or 0) * 10) / 10)
    left, span = 24, width - 48

    def x(v: float) -> float:
        return left + span * min(v, scale) / scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 70" role="img" '
        f'aria-label="escalation rate against the healthy band" class="chart">{SVG_STYLE}',
        f'<rect x="{left}" y="18" width="{span}" height="18" fill="#f1f5f9"/>',
        f'<rect x="{x(WARN_LOW):.1f}" y="18" width="{x(WARN_HIGH) - x(WARN_LOW):.1f}" height="18" fill="#fef9c3"/>',
        f'<rect x="{x(HEALTHY_LOW):.1f}" y="18" width="{x(HEALTHY_HIGH) - x(HEALTHY_LOW):.1f}" height="18" '
        f'fill="#bbf7d0"><title>healthy 10-20%</title></rect>',
    ]
    for tick in (0, 0.05, *(t / 10 for t in range(1, round(scale * 10) + 1))):
        parts.append(f'<text x="{x(tick):.1f}" y="52" text-anchor="middle" class="l">{tick:.0%}</text>')
    if rate is not None:
        colour = (
            "#16a34a"
            if HEALTHY_LOW <= rate <= HEALTHY_HIGH
            else ("#dc2626" if rate < WARN_LOW or rate > WARN_HIGH else "#ca8a04")
        )
        parts.append(
            f'<rect x="{x(rate) - 2:.1f}" y="10" width="4" height="34" fill="{colour}">'
            f"<title>{pct(rate)}</title></rect>"
        )
        parts.append(f'<text x="{x(rate):.1f}" y="8" text-anchor="middle" class="v">{pct(rate)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts_svg(m: Metrics, ruleset: Ruleset) -> dict[str, str]:
    kinds = catalog().trigger_kinds
    names = {r.id: r.name for r in ruleset.rules}
    turns = list(range(1, max([*m.by_turn, 1]) + 1))
    if 0 in m.by_turn:
        turns.insert(0, 0)
    modes = catalog().handoff_modes
    return {
        "rate": svg_rate(m.rate),
        "by_trigger": svg_rows(
            [
                (kinds.get(k, {}).get("label", k), v, kinds.get(k, {}).get("colour", ACCENT))
                for k, v in m.by_trigger.items()
            ],
            title="escalations by trigger kind",
        ),
        "by_rule": svg_rows(
            [(names.get(r, r), v, ACCENT if v else MUTED) for r, v in m.by_rule.items()], title="escalations by rule"
        ),
        "by_turn": svg_columns(
            [m.by_turn.get(t, 0) for t in turns], [str(t) for t in turns], title="turn of the escalation"
        ),
        "by_hour": svg_columns(
            list(m.by_hour),
            [f"{h:02d}" if h % 3 == 0 else "" for h in range(24)],
            shaded=m.open_hours,
            title="escalations by hour of day",
        ),
        "by_handoff": svg_rows(
            [(modes.get(k, {}).get("label", k), v, ACCENT) for k, v in m.by_handoff.items()], title="handoff modes"
        ),
    }


# --- the page ------------------------------------------------------------------------------------

STYLE = """body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a;max-width:900px;
margin:24px auto;padding:0 16px}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e2e8f0;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}.chart{width:100%;height:auto}.chart .l{font-size:11px;fill:#475569}
.chart .v{font-size:11px;fill:#0f172a}.kpi{display:flex;gap:16px;flex-wrap:wrap}.kpi div{background:#f8fafc;
border:1px solid #e2e8f0;border-radius:6px;padding:8px 14px}.kpi b{display:block;font-size:20px}
.warn{color:#b91c1c}.ok{color:#15803d}.note{color:#475569}"""


def _chart(key: str, svg: Mapping[str, str], pngs: Mapping[str, str] | None, alt: str) -> str:
    if pngs and key in pngs:
        return f'<img src="{esc(pngs[key])}" alt="{esc(alt)}" style="max-width:100%">'
    return svg[key]


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tests_section(m: Metrics) -> str:
    if not m.tested:
        return ""
    kinds = catalog().trigger_kinds
    out = [
        f"<h2>Expectations</h2><p><b>{m.passed} passed, {m.failed} failed</b> of {m.tested} conversations "
        f"with an expectation.</p>"
    ]
    rows = [
        (kinds.get(k, {}).get("label", k), s.expected, s.actual, s.correct, pct(s.precision), pct(s.recall))
        for k, s in m.scores.items()
    ]
    if m.overall is not None:
        o = m.overall
        rows.append(("Any escalation", o.expected, o.actual, o.correct, pct(o.precision), pct(o.recall)))
    out.append(_table(("Trigger kind", "expected", "escalated", "correct", "precision", "recall"), rows))
    labels, cols = m.confusion_labels()
    grid = [(row, *[m.confusion.get((row, col), "") for col in cols]) for row in labels]
    out.append("<p class=note>Confusion table: expected rule (rows) against the rule that escalated (columns).</p>")
    out.append(_table(("expected \\ actual", *cols), grid))
    return "".join(out)


def render_html(
    m: Metrics,
    ruleset: Ruleset,
    *,
    title: str = "",
    library: str = "",
    findings: Sequence[Finding] = (),
    charts: Mapping[str, str] | None = None,
    csv_name: str | None = "decisions.csv",
) -> str:
    """The report page; `charts` maps CHART_KEYS to PNG files to use instead of inline SVG."""
    svg = charts_svg(m, ruleset)
    names = {r.id: r.name for r in ruleset.rules}
    title = title or f"Replay report: {ruleset.metadata.name}"
    status_class = ("warn" if m.verdict_status in ("too_low", "too_high", "failed")
                    else ("ok" if m.verdict_status in ("healthy", "passed") else ""))
    source = f" on <b>{esc(library)}</b>" if library else ""
    parts = [
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{esc(title)}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1><p class=note>Ruleset <b>{esc(ruleset.metadata.name)}</b> "
        f"(version {esc(ruleset.metadata.version)}){source}. Hours are local time in {esc(m.timezone)}.</p>",
        "<div class=kpi>",
        f"<div>Conversations<b>{m.total}</b></div><div>Escalated<b>{m.escalated}</b></div>",
        f"<div>Escalation rate<b class='{status_class}'>{pct(m.rate)}</b></div>",
        f"<div>In business hours<b>{m.business}</b></div><div>Offline hours<b>{m.offline}</b></div>",
    ]
    if m.tested:
        parts.append(f"<div>Expectations<b>{m.passed} passed, {m.failed} failed</b></div>")
    parts.append("</div>")
    parts.append(
        f"<h2>Escalation rate</h2><p class='{status_class}'>{esc(m.verdict)}</p>"
        f"{_chart('rate', svg, charts, 'escalation rate')}<p class=note>Green: the healthy 10-20% "
        f"band; yellow: 5-30%; outside it the rate needs attention.</p>"
    )
    parts.append(f"<h2>By trigger kind</h2>{_chart('by_trigger', svg, charts, 'escalations by trigger kind')}")
    parts.append(f"<h2>By rule</h2>{_chart('by_rule', svg, charts, 'escalations by rule')}")
    if m.never_fired:
        listed = ", ".join(f"“{esc(names.get(r, r))}”" for r in m.never_fired)
        parts.append(f"<p class=warn>Rules that never fired: {listed}.</p>")
    else:
        parts.append("<p class=note>Every enabled rule fired at least once.</p>")
    parts.append(
        f"<h2>Turn of the escalation</h2>{_chart('by_turn', svg, charts, 'turn of the escalation')}"
        "<p class=note>Visitor messages before the handoff (0: a timer fired before the first).</p>"
    )
    parts.append(
        f"<h2>Hour of day</h2>{_chart('by_hour', svg, charts, 'escalations by hour of day')}"
        f"<p class=note>Shaded: hours the default schedule is open. {m.business} escalations in "
        f"business hours, {m.offline} outside.</p>"
    )
    parts.append(f"<h2>Handoff modes</h2>{_chart('by_handoff', svg, charts, 'handoff modes')}")
    parts.append(
        _table(
            ("Rule", "escalations", "share of conversations"),
            [(names.get(r, r), n, pct(n / m.total if m.total else None)) for r, n in m.by_rule.items()],
        )
    )
    parts.append(_tests_section(m))
    if findings:
        parts.append("<h2>Rule analysis</h2><ul>" + "".join(f"<li>{esc(f.message)}</li>" for f in findings) + "</ul>")
    if csv_name:
        parts.append(f"<p class=note>Every decision: <a href='{esc(csv_name)}'>{esc(csv_name)}</a>.</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    csv: Path
    metrics: Metrics


def write_report(
    directory: str | Path,
    results: Iterable[ReplayResult],
    ruleset: Ruleset,
    *,
    title: str = "",
    library: str = "",
    charts: Mapping[str, str] | None = None,
    with_findings: bool = True,
    svg_files: bool = False,
) -> ReportFiles:
    """Write `report.html` and `decisions.csv` into `directory` in one pass over `results`;
    with `svg_files` also each chart as `charts/<key>.svg` (for a README to show)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    builder = MetricsBuilder(ruleset)

    def counted() -> Iterable[ReplayResult]:
        for result in results:
            builder.add(result)
            yield result

    csv_path = folder / "decisions.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        write_decisions_csv(counted(), out)
    m = builder.metrics()
    html_path = write_html_report(folder, m, ruleset, title=title, library=library, charts=charts,
                                  with_findings=with_findings, svg_files=svg_files, csv_name=csv_path.name)
    return ReportFiles(html_path, csv_path, m)


def write_html_report(directory: str | Path, m: Metrics, ruleset: Ruleset, *, title: str = "", library: str = "",
                      charts: Mapping[str, str] | None = None, with_findings: bool = True, svg_files: bool = False,
                      csv_name: str | None = "decisions.csv") -> Path:
    """`report.html` from metrics already computed (a cluster's merged metrics: the decisions are
    written as they arrive, the page at the end); returns its path."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    findings = analyse(ruleset, fired=m.by_rule, total=m.total) if with_findings else []
    if svg_files:
        (folder / "charts").mkdir(exist_ok=True)
        for key, svg in charts_svg(m, ruleset).items():
            (folder / "charts" / f"{key}.svg").write_text(svg + "\n", encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(
        render_html(m, ruleset, title=title, library=library, findings=findings, charts=charts, csv_name=csv_name),
        encoding="utf-8",
    )
    return html_path
