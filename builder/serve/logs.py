"""Structured logs: one JSON object a line on stderr, so a log shipper reads fields, not prose.

Why by hand: a `logging.Formatter` of a dozen lines; a library would add a dependency for less.
Every record has `time`, `level`, `event` (the message) and `worker` (the process id); fields
passed as `extra={"fields": {...}}` are merged in. A traceback goes to the log as `error`, never to
a client.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

LOGGER = "handoff.serve"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "worker": os.getpid(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup(level: str = "info") -> logging.Logger:
    """The service's logger, and uvicorn's, writing JSON lines to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (LOGGER, "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True  # one line per request costs more than the decision
    return logging.getLogger(LOGGER)


def log(level: int, event: str, **fields: Any) -> None:
    """Log `event` with `fields` as JSON keys."""
    logging.getLogger(LOGGER).log(level, event, extra={"fields": fields})
