"""Load test of `handoff-builder serve`: 1,000 concurrent conversations over loopback.

Starts the service (and, for the Redis store, a fresh `redis-server` on a free local port) as real
processes, then runs N conversations at once, each on its own keep-alive connection, each posting
its events one after another (visitor messages and bot replies that mostly do not escalate, so
every event runs the rules; on the service's clock, as a live chatbot would). Two runs:
- paced: the conversations together offer `--rate` events/s (default 2,000), each posting one event
  every N/rate seconds from a staggered start, as visitors who type; latency here is what a chatbot
  sees at that load;
- flat out: every conversation posts its next event as soon as the previous one is answered, so
  1,000 requests are always in flight: the most the service can answer (latency is then queueing:
  1,000 / throughput by Little's law).
For each: throughput (events answered per second of wall time), latency (p50 / p99 / max of each
POST, measured by the client from sending to the last byte) and the service's own CPU time per
event (from /proc, one worker): on a machine shared with other work, throughput and the latency
tail follow the CPU the service gets, while CPU per event says what a core of its own would answer.
And memory per conversation: the service's resident memory (and, with Redis, Redis's
`used_memory`) after the paced run's conversations are open, minus before, divided by N.
Everything stays on 127.0.0.1 and stops by itself (bounded by --timeout); no pass/fail.

The client is a minimal HTTP/1.1 writer/reader on asyncio streams rather than an HTTP library:
it shares the machine's cores with the server, so it must cost as little per request as possible
(only the service's own answers are parsed: status line, Content-Length, JSON body).

    .venv/bin/python benchmarks/service/serve_bench.py                       # memory and Redis, 1,000 x 10
    .venv/bin/python benchmarks/service/serve_bench.py --store memory --conversations 1000 --events 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.order_questions import event  # noqa: E402

PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Redis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        self.folder = tempfile.mkdtemp(prefix="bench-redis-")
        self.port = free_port()
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", self.folder],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while self.used_memory() is None:
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def used_memory(self) -> int | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"INFO memory\r\n")
                data = b""
                while b"used_memory:" not in data or not data.endswith(b"\r\n"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except OSError:
            return None
        for line in data.decode().splitlines():
            if line.startswith("used_memory:"):
                return int(line.split(":")[1])
        return None

    def cpu(self) -> float:
        return cpu_of(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


class Service:
    def __init__(self, store: str, workers: int) -> None:
        self.folder = tempfile.mkdtemp(prefix="bench-serve-")
        self.log = Path(self.folder) / "serve.log"
        with self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "builder", "serve", str(PLAYBOOK), "--port", "0", "--store", store,
                 "--workers", str(workers), "--reload-interval", "0"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        self.port = 0
        deadline = time.monotonic() + 60
        while not self.port:
            for line in self.log.read_text().splitlines():
                record = json.loads(line)
                if record.get("event") == "listening":
                    self.port = int(record["port"])
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()  # never leave it running
                self.process.wait()
                raise SystemExit(f"serve did not start: {self.log.read_text()}")
            time.sleep(0.05)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    if sock.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.process.kill()
        self.process.wait()
        raise SystemExit("serve is not answering /healthz")

    def cpu(self) -> float:
        return cpu_of(self.process.pid)

    def stop(self) -> None:
        errors = [line for line in self.log.read_text().splitlines() if '"level": "error"' in line]
        for line in errors[:2]:
            print(f"    service logged: {line[:200]} … {line[-700:]}")
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: bytes,
               body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode()
    writer.write(b"POST " + path + b" HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, json.loads(await reader.readexactly(length))


async def conversation(port: int, number: int, events: int, latencies: list[float], start: asyncio.Event,
                       counts: dict[str, int], period: float | None, prefix: str, ready: list[int]) -> None:
    """One conversation: back to back (`period` None), or one event every `period` seconds from a
    staggered start (open loop: a late answer does not delay the next event's scheduled time)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    path = f"/v1/conversations/{prefix}-{number}/events".encode()
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")  # the service has accepted it: a warm pool
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(line[15:]) for line in head.split(b"\r\n") if line[:15].lower() == b"content-length:")
    await reader.readexactly(length)
    ready.append(number)
    await start.wait()
    began = time.perf_counter()
    try:
        for k in range(events):
            if period is not None:
                due = began + period * (k + (number * 0.618034) % 1.0)
                pause = due - time.perf_counter()
                if pause > 0:
                    await asyncio.sleep(pause)
            sent = time.perf_counter()
            status, answer = await post(reader, writer, path, {"event": event(number, k)})
            latencies.append(time.perf_counter() - sent)
            if status != 200:
                counts["errors"] += 1
                if counts["errors"] <= 3:
                    print(f"    error {status}: {json.dumps(answer)[:300]}")
            elif answer["decision"] is not None:
                counts["handed_over"] += 1
    finally:
        writer.close()


async def load(port: int, conversations: int, events: int, rate: float | None,
               prefix: str) -> tuple[list[float], float, dict[str, int]]:
    latencies: list[float] = []
    counts = {"errors": 0, "handed_over": 0}
    start = asyncio.Event()
    period = None if rate is None else conversations / rate
    ready: list[int] = []
    tasks = [asyncio.create_task(conversation(port, n, events, latencies, start, counts, period, prefix, ready))
             for n in range(conversations)]
    while len(ready) < conversations:  # every connection open and answered once before the clock starts
        await asyncio.sleep(0.05)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return latencies, time.perf_counter() - began, counts


def report(title: str, latencies: list[float], wall: float, counts: dict[str, int], client_cpu: float,
           service_cpu: float | None, redis_cpu: float | None) -> None:
    latencies.sort()
    total = len(latencies)
    print(f"  {title}: {total:,} events ({counts['handed_over']} handed over, {counts['errors']} errors)")
    print(f"    throughput {total / wall:,.0f} events/s  ({wall:.2f} s wall; the load client used "
          f"{client_cpu:.2f} s of CPU on the same machine)")
    print(f"    latency    p50 {statistics.median(latencies) * 1000:.2f} ms   "
          f"p99 {latencies[max(0, int(total * 0.99) - 1)] * 1000:.2f} ms   max {latencies[-1] * 1000:.2f} ms")
    if service_cpu is not None:
        per_event = service_cpu / total
        text = (f"    CPU        {per_event * 1e6:.0f} us of service CPU per event "
                f"(about {1 / per_event:,.0f} events/s per core it had to itself)")
        if redis_cpu is not None:
            text += f"; redis-server {redis_cpu / total * 1e6:.0f} us"
        print(text)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(store: str, conversations: int, events: int, workers: int, rate: float, timeout: float) -> None:
    redis = Redis() if store == "redis" else None
    try:
        service = Service(redis.url if redis else "memory", workers)
    except BaseException:
        if redis:
            redis.stop()
        raise
    print(f"store {store}: {conversations:,} concurrent conversations x {events} events, {workers} worker(s)")
    try:
        rss_before = rss_kib(service.process.pid)
        redis_before = redis.used_memory() if redis else None
        for title, pace, prefix in ((f"paced, {rate:,.0f} events/s offered", rate, "paced"),
                                    ("flat out, every conversation posting back to back", None, "flat")):
            cpu, served, stored = cpu_seconds(), service.cpu(), redis.cpu() if redis else None
            result = asyncio.run(asyncio.wait_for(load(service.port, conversations, events, pace, prefix), timeout))
            report(title, *result, cpu_seconds() - cpu, None if workers > 1 else service.cpu() - served,
                   None if stored is None or redis is None else redis.cpu() - stored)
            if pace is not None:
                rss_after = rss_kib(service.process.pid)
                redis_after = redis.used_memory() if redis else None
    finally:
        service.stop()
        if redis:
            redis.stop()
    if workers == 1:
        print(f"  memory     {(rss_after - rss_before) / conversations:.1f} KiB per conversation "
              f"(service RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MiB)")
    if redis_before is not None and redis_after is not None:
        print(f"             {(redis_after - redis_before) / 1024 / conversations:.1f} KiB per conversation in "
              "Redis (used_memory)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("memory", "redis", "both"), default="both")
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10, help="events per conversation")
    parser.add_argument("--workers", type=int, default=1, help="service workers (Redis only for more than 1)")
    parser.add_argument("--rate", type=float, default=2000.0, help="events/s offered in the paced run")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run")
    for store in (("memory", "redis") if args.store == "both" else (args.store,)):
        run(store, args.conversations, args.events, args.workers if store == "redis" else 1, args.rate,
            args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
