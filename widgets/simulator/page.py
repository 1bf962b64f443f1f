"""The simulator page: chat, clock, visitor, explanation and handoff around one simulated conversation.

Everything the page shows comes from one engine Session (through `Simulation`): typing, inserting
an event or advancing the clock feeds the session and redraws; editing a rule, the visitor or the
start replays the same script on a fresh session, so the effect of an edit is visible at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from builder.editing.document import Document
from builder.handoff import templates
from builder.handoff.routing import describe_next_open
from widgets.common.editor_page import subscribe
from widgets.common.page_scroll import PageScroll
from widgets.simulator.chat import ChatLine, ChatPane
from widgets.simulator.controls import ClockBar, EventPanel, VisitorForm
from widgets.simulator.expectation_text import expectation_text
from widgets.simulator.explanation import ExplanationPanel
from widgets.simulator.handoff import HandoffView
from widgets.simulator.library import LibraryBar, append_jsonl, ask_jsonl_path
from widgets.simulator.run import (
    END_EVENT,
    Simulation,
    default_hours,
    default_zone,
    iso,
    parse_iso,
)

RERUN_MS = 100
PLAY_MS = 250


class SimulatorPage(QWidget):
    """Signals: `condition_activated(rule_id, path)` — open that condition in the rule editor."""

    condition_activated = Signal(str, str)

    def __init__(self, document: Document, parent: QWidget | None = None,
                 project_provider: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorPage")
        self.document = document
        self.project_provider = project_provider
        self.zone = default_zone(document.ruleset)
        start = datetime.now(UTC).replace(microsecond=0)
        self.sim = Simulation(document.ruleset, start)
        self.pending: list[dict[str, Any]] = []
        self.pending_total = 0
        self._stale = False
        self._handoff_shown: tuple[Any, ...] | None = None
        self._explained: tuple[Any, ...] | None = None

        self.clock = ClockBar(self)
        self.library = LibraryBar(project_provider, self)
        self.chat = ChatPane(self)
        self.events = EventPanel(self)
        self.visitor = VisitorForm(self)
        self.explanation = ExplanationPanel(self)
        self.handoff = HandoffView(self)
        self.status = QLabel(self)
        self.status.setObjectName("hint")

        side = QTabWidget(self)
        side.setDocumentMode(True)
        side.addTab(PageScroll(self.events), "Events")  # scrolls on a laptop: the transcript keeps its room
        side.addTab(PageScroll(self.visitor), "Visitor")
        side.setMinimumHeight(120)
        self.side = side
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.chat)
        left.addWidget(side)
        left.setSizes([460, 220])
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self._titled("Why each rule fired or not", self.explanation))
        right.addWidget(self._titled("Handoff", PageScroll(self.handoff)))  # scrolls: the explanation keeps its rows
        right.setSizes([400, 350])
        right.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(left)
        body.addWidget(right)
        body.setSizes([400, 880])
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.clock)
        layout.addWidget(self.library)
        layout.addWidget(body, 1)
        layout.addWidget(self.status)

        self.rerun_timer = QTimer(self)
        self.rerun_timer.setSingleShot(True)
        self.rerun_timer.setInterval(RERUN_MS)
        self.rerun_timer.timeout.connect(self.rerun)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(PLAY_MS)
        self.play_timer.timeout.connect(self._play_tick)

        self.chat.message_entered.connect(lambda text: self.add_event({"type": "visitor", "text": text}))
        self.events.event_requested.connect(self.add_event)
        self.clock.advance.connect(self.advance)
        self.clock.next_opening.connect(self.to_next_opening)
        self.clock.start_changed.connect(self._start_edited)
        self.visitor.changed.connect(self._visitor_edited)
        self.explanation.condition_activated.connect(self.condition_activated.emit)
        self.library.save_requested.connect(self.save_as_test)
        self.library.load_requested.connect(self.load_conversation)
        self.library.step_requested.connect(self.step)
        self.library.play_requested.connect(self.play_all)
        self.library.reset_requested.connect(self.new_conversation)
        self._subscriptions = subscribe(self, [(document.changed, self._document_changed)])
        self.clock.set_start(start, self.zone)
        self.refresh()

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        label = QLabel(title, box)
        label.setObjectName("sectionTitle")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    # --- gestures -> engine ------------------------------------------------------------------------

    def add_event(self, event: dict[str, Any]) -> None:
        """An event at the current simulated instant (the engine decides what it means)."""
        self.sim.add(event)
        self.refresh()

    def advance(self, delta: timedelta) -> None:
        self.sim.advance(delta)
        self.refresh()

    def advance_to(self, at: datetime) -> None:
        self.sim.advance_to(at)
        self.refresh()

    def to_next_opening(self) -> None:
        """Jump to the default schedule's next opening (after the current opening period when open)."""
        hours = default_hours(self.document.ruleset)
        if hours is None:
            self.status.setText("The ruleset has no schedule: the team is always open.")
            return
        now = self.sim.now
        at = hours.next_close(now) if hours.is_open(now) else now
        target = hours.next_open(at) if at is not None else None
        if target is None:
            self.status.setText("The schedule does not open again within a year.")
            return
        self.advance_to(target)

    def _start_edited(self) -> None:
        """A new start shifts the whole script (and clock) by the same amount, then replays it."""
        self.zone = self.clock.selected_zone()
        start = self.clock.start()
        shift = start - self.sim.start
        if shift:
            self.sim.start = start
            self.sim.clock = self.sim.now + shift
            for event in self.sim.events:
                event["at"] = iso(parse_iso(event["at"]) + shift)
            self.pending = [{**e, "at": iso(parse_iso(e["at"]) + shift)} for e in self.pending]
        self.sim.restart()
        self.refresh()

    def _visitor_edited(self) -> None:
        self.sim.visitor = self.visitor.profile()
        self.sim.restart()
        self.refresh()

    def _document_changed(self) -> None:
        """Re-run soon while shown; when hidden (the rules page is in front), once shown again."""
        if self.isVisible():
            self.rerun_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.library.refresh()  # the window may have opened another project meanwhile
        if self._stale:
            self.rerun()

    def rerun(self) -> None:
        """Recompile the edited ruleset and replay the conversation (debounced after edits)."""
        self.rerun_timer.stop()
        self._stale = False
        self.sim.set_ruleset(self.document.ruleset)
        self.refresh()

    def new_conversation(self) -> None:
        self.play_timer.stop()
        self.pending, self.pending_total = [], 0
        self.sim.events.clear()
        self.sim.clock = self.sim.start
        self.sim.restart()
        self.refresh()

    # --- library ------------------------------------------------------------------------------------

    def save_as_test(self, library: str) -> dict[str, Any] | None:
        """Store the conversation with its current outcome as `expect`; returns what was stored."""
        if not self.sim.events:
            self.status.setText("Nothing to save yet: type a visitor message first.")
            return None
        stamp = self.sim.start.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        conversation = self.sim.conversation(conversation_id=f"sim-{stamp}-{len(self.sim.events)}")
        project = self.project_provider() if self.project_provider is not None else None
        try:
            if project is not None:
                project.add_conversation(library, conversation)
                where = f"library “{library}”"
            else:
                path = ask_jsonl_path(self)
                if path is None:
                    return None
                append_jsonl(path, conversation)
                where = str(path)
        except Exception as exc:
            self.status.setText(f"Could not save the test: {exc}")
            return None
        outcome = expectation_text(conversation["expect"], self._rule_names())
        self.status.setText(f"Saved “{conversation['id']}” to {where}: it {outcome}.")
        self.library.refresh()
        return conversation

    def _rule_names(self) -> dict[str, str]:
        return {rule.id: rule.name for rule in self.document.ruleset.rules}

    def load_conversation(self, conversation: dict[str, Any]) -> None:
        """Start over with `conversation`'s visitor and clock; its events wait for Next step / Play all."""
        self.play_timer.stop()
        events = [dict(e) for e in conversation.get("events") or [] if isinstance(e, dict) and "at" in e]
        try:
            start = parse_iso(events[0]["at"]) if events else self.sim.start
        except ValueError:
            self.status.setText("This conversation has an unreadable time and cannot be replayed.")
            return
        visitor = dict(conversation.get("visitor") or {})
        self.visitor.set_profile(visitor)
        self.sim.visitor = visitor
        self.sim.start = self.sim.clock = start
        self.sim.conversation_id = str(conversation.get("id") or "simulator")
        self.sim.events.clear()
        self.sim.restart()
        self.pending, self.pending_total = events, len(events)
        self.clock.set_start(start, self.zone)
        expect = expectation_text(conversation.get("expect"), self._rule_names())
        self.status.setText(f"Loaded “{self.sim.conversation_id}”" + (f" (it {expect})" if expect else "")
                            + ": Next step plays one event.")
        self.refresh()

    def step(self) -> bool:
        """Play the next event of the loaded conversation at its own time; False when none is left."""
        if not self.pending:
            self.play_timer.stop()
            return False
        event = self.pending.pop(0)
        try:
            self.sim.advance_to(parse_iso(event["at"]))
        except (TypeError, ValueError):
            pass
        if event.get("type") != END_EVENT:
            self.sim.add(event)
        self.refresh()
        return True

    def play_all(self) -> None:
        """Play the remaining events one by one (a short pause each, so the chat can be followed)."""
        self.play_timer.start()

    def _play_tick(self) -> None:
        if not self.step():
            self.play_timer.stop()

    # --- drawing --------------------------------------------------------------------------------------

    def refresh(self) -> None:
        sim = self.sim
        self.chat.set_lines(self._chat_lines())
        self.chat.set_handed_over(sim.decision is not None)
        self._refresh_explanation()
        decision = sim.decision
        shown = (decision, sim.ruleset, sim.error)
        if not _same(shown, self._handoff_shown):  # payloads are built once per decision, not per redraw
            self._handoff_shown = shown
            if decision is not None:
                self.handoff.show_decision(sim.ruleset, decision, sim.conversation(expect=False))
            else:
                self.handoff.show_nothing(sim.error or "No handoff yet: no rule has escalated this conversation.")
        hours = default_hours(sim.ruleset)
        if hours is None:
            open_text = "no schedule (always open)"
        elif hours.is_open(sim.now):
            open_text = "<span style='color:#15803d'>open</span>"
        else:
            open_text = (f"<span style='color:#b91c1c'>closed</span> · opens "
                         f"{describe_next_open(hours, sim.now) or 'not within a year'}")
        self.clock.show_now(sim.now, self.zone, open_text)
        self.library.set_progress(self.pending_total - len(self.pending), self.pending_total)
        if sim.error:
            self.status.setText(sim.error)

    def _time(self, at: datetime | str) -> str:
        moment = parse_iso(at) if isinstance(at, str) else at
        return f"{moment.astimezone(self.zone):%H:%M:%S}"

    def _chat_lines(self) -> list[ChatLine]:
        """The transcript in the order things happened: a rule's reply or the handoff comes right
        after the visitor message that caused it, even when a later message has the same time."""
        sim = self.sim
        items: list[tuple[datetime, int, int, int, ChatLine]] = []
        visitor_rows: list[int] = []  # event index of visitor message 1, 2, …
        for i, event in enumerate(sim.events):
            if event.get("type") == "visitor":
                visitor_rows.append(i)
            line = _event_line(event, self._time(event["at"]))
            if line is not None:
                items.append((parse_iso(event["at"]), i, 0, 0, line))

        def after(at: datetime, turn: Any) -> int:
            """The event index a line caused at `at` (by visitor message `turn`) follows."""
            if isinstance(turn, int) and 0 < turn <= len(visitor_rows):
                row = visitor_rows[turn - 1]
                if parse_iso(sim.events[row]["at"]) == at:
                    return row
            rows = [i for i, e in enumerate(sim.events) if parse_iso(e["at"]) <= at]
            return rows[-1] if rows else -1

        session = sim.session
        names = {r.id: r.name for r in sim.ruleset.rules}
        groups: dict[datetime, list[Any]] = {}  # rules that fired without handing over, per evaluation
        for firing in session.fired if session is not None else ():
            if not firing.escalate:
                groups.setdefault(firing.at, []).append(firing)
        for i, (at, firings) in enumerate(groups.items()):
            row = after(at, getattr(firings[0], "turn", None))
            items.append((at, row, 1, i, ChatLine("note", _fired_note(firings, names), self._time(at))))
            for firing in firings:
                for reply in self._replies(firing):
                    items.append((at, row, 1, i, ChatLine("bot", reply, self._time(at), "rule reply")))
        decision = sim.decision
        if decision is not None and decision.at is not None:
            when = self._time(decision.at)
            row = after(decision.at, None if decision.timer else decision.turn)
            if decision.timer:
                items.append((decision.at, row, 1, 10**6, ChatLine("note", "⏱ A timer's deadline passed", when)))
            if decision.reply:
                handoff = ChatLine("handoff", decision.reply, when, decision.promise or "")
                items.append((decision.at, row, 2, 0, handoff))
            items.append((decision.at, row, 3, 0, ChatLine(
                "note", f"Handed over to a person by “{decision.rule_name}” ({decision.handoff}). The conversation "
                "is with your team now: start a new conversation to try again.", when)))
        items.sort(key=lambda item: (item[0], item[1], item[2], item[3]))
        return [item[4] for item in items]

    def _replies(self, firing: Any) -> list[str]:
        """The chat replies of a rule that fired without handing over, rendered by `builder.handoff.templates`."""
        if not firing.replies:
            return []
        rule = self.sim.ruleset.rule(firing.rule)
        events = [e for e in self.sim.events if parse_iso(e["at"]) <= firing.at]
        context = templates.build_context(visitor=self.sim.visitor, events=events, turn=firing.turn,
                                          rule=rule.name if rule else firing.rule,
                                          trigger=rule.trigger if rule else "")
        out = []
        for template_id in firing.replies:
            template = self.sim.ruleset.template(template_id)
            if template is not None:
                out.append(templates.render_template(template, context).body)
        return out

    def _rule_name(self, rule_id: str) -> str:
        rule = self.sim.ruleset.rule(rule_id)
        return f"“{rule.name}”" if rule is not None and rule.name else rule_id

    def _refresh_explanation(self) -> None:
        sim = self.sim
        texts = [str(e.get("text", "")) for e in sim.events if e.get("type") == "visitor"]
        entries: list[tuple[str, tuple[dict[str, Any], ...], int, str]] = []
        for evaluation in sim.evaluations:
            text = texts[evaluation.turn - 1] if 0 < evaluation.turn <= len(texts) else ""
            kind = "Timer" if evaluation.timer else f"Turn {evaluation.turn}"
            fired = f" · fired {', '.join(self._rule_name(r) for r in evaluation.fired)}" if evaluation.fired else ""
            entries.append((f"{kind} · {self._time(evaluation.at)}{fired}", evaluation.trace, evaluation.turn, text))
        if not entries and sim.session is not None:
            entries.append(("Now · before any visitor message", sim.explain_now(), 0, ""))
        key = (sim.session, len(entries), entries[-1][1] if entries else None, sim.ruleset)
        if _same(key, self._explained) and sim.evaluations:
            return  # the clock moved but nothing was evaluated: keep the view (and the user's expansion)
        self._explained = key
        index = {rule.id: i for i, rule in enumerate(sim.ruleset.rules)}
        self.explanation.set_evaluations(entries, index, sim.ruleset)

    # --- for the main window and tests ---------------------------------------------------------------

    def disconnect_document(self) -> None:
        """Stop following the document (the page is going away; safe to call twice)."""
        for subscription in self._subscriptions:
            subscription.disconnect()


def _same(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> bool:
    """Element-wise identity (a Decision or a trace compares by value, which costs a deep walk)."""
    return a is not None and b is not None and len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _fired_note(firings: list[Any], names: dict[str, str]) -> str:
    """"Rule “Shipping question” fired (tag shipping)"; many rules are summarised in one line."""
    tags = list(dict.fromkeys(t for f in firings for t in f.tags))
    what = ", ".join(f"tag {t}" for t in tags[:5]) + (f" +{len(tags) - 5} more" if len(tags) > 5 else "")
    what = what or "no visible action"
    if len(firings) == 1:
        return f"Rule “{names.get(firings[0].rule, firings[0].rule)}” fired ({what})"
    shown = ", ".join(f"“{names.get(f.rule, f.rule)}”" for f in firings[:3])
    more = f" and {len(firings) - 3} more" if len(firings) > 3 else ""
    return f"{len(firings)} rules fired: {shown}{more} ({what})"


def _event_line(event: dict[str, Any], time: str) -> ChatLine | None:
    kind = event.get("type")
    if kind == "visitor":
        return ChatLine("visitor", str(event.get("text", "")), time)
    if kind == "bot":
        bits = []
        if event.get("fallback"):
            bits.append("fallback")
        if isinstance(event.get("confidence"), (int, float)):
            bits.append(f"confidence {event['confidence']:.2f}")
        if event.get("intent"):
            bits.append(f"intent {event['intent']}")
        return ChatLine("bot", str(event.get("text", "")), time, ", ".join(bits))
    if kind == "page_view":
        return ChatLine("note", f"Visitor opened {event.get('url', '')}", time)
    if kind == "cart":
        return ChatLine("note", f"Cart: {event.get('action', '')}", time)
    if kind == "resolved":
        return ChatLine("note", "Marked as resolved", time)
    if kind == END_EVENT:
        return None
    return ChatLine("note", f"Event: {kind}", time)
