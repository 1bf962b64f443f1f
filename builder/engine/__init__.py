"""The engine: one compiled evaluator shared by the simulator window, the CLI and the runtime.

    compiled = compile_ruleset(ruleset)          # once; CompileError lists every problem
    session = compiled.session("c-17", visitor)  # one per conversation
    decision = session.observe(event)            # Decision or None, per event (EventTimeError: a
                                                 # time outside 1970-2200 / ±14 h; nothing changes)
    decision = session.tick(now)                 # live timers
    decision = simulate(compiled, conversation, trace=True)   # a whole conversation
"""

from __future__ import annotations

from builder.engine.compile import CompiledRuleset, CompileError, compile_ruleset
from builder.engine.decision import Decision
from builder.engine.explain.trace import render_trace
from builder.engine.instants import EventTimeError
from builder.engine.session import Evaluation, Firing, Session, simulate

__all__ = [
    "CompileError", "CompiledRuleset", "Decision", "EventTimeError", "Evaluation", "Firing", "Session",
    "compile_ruleset", "render_trace", "simulate",
]
