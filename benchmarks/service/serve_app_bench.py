"""Service CPU per event inside one worker, without sockets: the ASGI app called directly.

Why apart from `serve_bench.py`: there the load client shares the machine's cores and uvicorn's
HTTP and socket work is counted too; here only what the app does per event (guard, routing,
checking the body, the desk, the engine, the memory store, metrics, the JSON answer) is timed, in
the process's own CPU time, so a change to any of those shows in a few seconds. `--profile` prints
where the time goes (cProfile). The same conversations as serve_bench: 1,000 x 10 events by default,
the first event of each (which opens the conversation) left out of the figure; no pass/fail.

    .venv/bin/python benchmarks/service/serve_app_bench.py [--conversations 1000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.order_questions import event  # noqa: E402  (the load test's conversations)
from builder.paths import example_playbook  # noqa: E402
from builder.serve.app import create_app  # noqa: E402
from builder.serve.settings import Settings  # noqa: E402


def requests_for(conversations: int, events: int) -> list[tuple[str, bytes]]:
    out = []
    for k in range(events):
        for n in range(conversations):
            out.append((f"/v1/conversations/bench-{n}/events", json.dumps({"event": event(n, k)}).encode()))
    return out


async def post(app: Any, path: str, body: bytes, statuses: dict[int, int]) -> None:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8700)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses[message["status"]] = statuses.get(message["status"], 0) + 1

    await app(scope, receive, send)


async def main(conversations: int, events: int, profile: bool) -> None:
    app = create_app(Settings(ruleset=str(example_playbook()), reload_interval_s=0))
    todo = requests_for(conversations, events)
    statuses: dict[int, int] = {}
    for path, body in todo[:conversations]:  # the first events open the conversations
        await post(app, path, body, statuses)
    rest = todo[conversations:]
    profiler = cProfile.Profile() if profile else None
    began = time.process_time()
    if profiler:
        profiler.enable()
    for path, body in rest:
        await post(app, path, body, statuses)
    if profiler:
        profiler.disable()
    spent = time.process_time() - began
    print(f"{len(rest):,} events after the first of each conversation: {spent / len(rest) * 1e6:.0f} us of CPU "
          f"per event{' (under cProfile)' if profile else ''}; answers by status: {statuses}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    asyncio.run(main(args.conversations, args.events, args.profile))
