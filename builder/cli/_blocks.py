"""Deciding a block of input lines: what `simulate` runs in its own process or in each worker.

Why blocks: one function turns a block of raw lines into its decisions (JSON Lines text) and
its problems (malformed lines, conversations the engine failed on, in line order), so deciding
in one process and in N worker processes (`--jobs`) are the same code and write the same bytes.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from builder.cli import _common
from builder.format.conversation import Conversation, LineBlock, LineError, read_conversations


def _line_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False)` with its C encoder made once instead of per call
    (the same encoder with the same settings: the same text; without the circular-reference
    check, which a decision, a tree without cycles, never needs)."""
    make = getattr(json.encoder, "c_make_encoder", None)  # what json.dumps uses (not in the type stubs)
    if make is None:  # pragma: no cover - an interpreter without the C accelerator
        return lambda value: json.dumps(value, ensure_ascii=False)
    # the arguments json.dumps(value, ensure_ascii=False) gives it (JSONEncoder.iterencode), markers aside
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ": ", ", ", False, False,
                  True)
    join = "".join
    return lambda value: join(encode(value, 0))


to_json = _line_encoder()


@dataclass(frozen=True)
class Decided:
    """One block's outcome: its decisions as JSON Lines text (`count` of them) and the problems
    to report, in line order."""

    text: str
    count: int
    problems: tuple[LineError, ...]


@dataclass(frozen=True)
class BlockDecider:
    """Decides blocks with one compiled ruleset (called in the worker processes after a fork)."""

    compiled: Any
    trace: bool = False
    schema: bool = False

    def __call__(self, block: LineBlock) -> Decided:
        out: list[str] = []
        problems: list[LineError] = []
        for item in read_conversations(block.lines(), schema=self.schema, first_line=block.first):
            line = item if isinstance(item, LineError) else self.decision_line(item)
            if isinstance(line, LineError):
                problems.append(line)
            else:
                out.append(line)
        return Decided("".join(out), len(out), tuple(problems))

    def decision_line(self, conversation: Conversation) -> str | LineError:
        """The conversation's decision as one line of JSON, or the internal error that stopped it
        (a bug, named; the other conversations go on)."""
        try:
            decision = _common.simulate(self.compiled, conversation, trace=self.trace)
            return to_json(decision.to_dict()) + "\n"
        except Exception as exc:  # isolation: named on stderr, exit 4 at the end
            return _common.internal_error(conversation, exc)
