"""The engine: one compiled evaluator shared by the simulator window, the CLI and the runtime.

    compiled = compile_ruleset(ruleset)          # once; CompileError lists every problem
    session = compiled.session("c-17", visitor)  # one per conversation
    decision = session.observe(event)            # Decision or None, per event
    decision = session.tick(now)                 # live timers
    decision = simulate(compiled, conversation, trace=True)   # a whole conversation
"""

from __future__ import annotations

from builder.engine.compile import CompiledRuleset, CompileError, compile_ruleset
from builder.engine.decision import Decision
from builder.engine.session import Evaluation, Firing, Session, simulate
from builder.engine.trace import render_trace

__all__ = [
    "CompileError", "CompiledRuleset", "Decision", "Evaluation", "Firing", "Session", "compile_ruleset",
    "render_trace", "simulate",
]
