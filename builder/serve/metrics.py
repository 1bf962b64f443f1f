"""`/metrics` in the Prometheus text format, with `prometheus-client`.

What a support operations dashboard needs: requests by route and status, decisions by rule and
trigger, a latency histogram, timers fired, callbacks delivered or failed, reloads, and the live
sessions (asked of the store at scrape time, so with Redis it counts every worker's conversations).
With several workers the supervisor sets `PROMETHEUS_MULTIPROC_DIR` and each worker writes its
counts there; any worker's `/metrics` answers for all of them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        disable_created_metrics()  # `_created` series double the exposition and no dashboard reads them
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("handoff_requests", "HTTP requests answered", ["route", "method", "status"],
                                registry=r)
        self.latency = Histogram("handoff_request_seconds", "Time to answer a request", ["route"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.decisions = Counter("handoff_decisions", "Conversations handed over, by rule and trigger",
                                 ["rule", "trigger"], registry=r)
        self.events = Counter("handoff_events", "Events applied to conversations", ["type"], registry=r)
        self.timers = Counter("handoff_timers_fired", "Timers the service fired", ["outcome"], registry=r)
        self.callbacks = Counter("handoff_callbacks", "Timer decisions delivered to the callback or channel",
                                 ["outcome"], registry=r)
        self.reloads = Counter("handoff_reloads", "Ruleset reloads", ["outcome"], registry=r)

    def text(self, live_sessions: int, ruleset_hash: str, ruleset_version: str) -> bytes:
        """The exposition: this worker's (or, with several, all workers') metrics, then the gauges
        that are read at scrape time."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            body = generate_latest(registry)
        else:
            body = generate_latest(self.registry)
        version = ruleset_version.replace("\\", "\\\\").replace('"', '\\"')
        extra = ("# HELP handoff_live_sessions Conversations open (not expired)\n"
                 "# TYPE handoff_live_sessions gauge\n"
                 f"handoff_live_sessions {live_sessions}\n"
                 "# HELP handoff_ruleset_info The ruleset new conversations start on\n"
                 "# TYPE handoff_ruleset_info gauge\n"
                 f'handoff_ruleset_info{{content_hash="{ruleset_hash}",version="{version}"}} 1\n')
        return body + extra.encode()
