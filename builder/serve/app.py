"""The ASGI application of one worker: routes, the guard around them, and the lifespan.

Routes (documented in `builder.serve.openapi`, served at `/v1/openapi.json`):
`POST /v1/conversations/{id}/events`, `POST /v1/conversations/{id}/tick`,
`GET|DELETE /v1/conversations/{id}`, `GET /v1/ruleset`, `GET /healthz`, `GET /metrics`.

The guard (an ASGI wrapper, cheaper than Starlette's `BaseHTTPMiddleware`) checks the bearer
token, times and counts every request, names the worker in `X-Handoff-Worker`, and makes sure a
client never sees a traceback: an unexpected error is logged with its traceback and answered
`500 {"error": "internal error"}`. The lifespan connects the store, fires timers, watches the
ruleset file, reloads on SIGHUP, and at shutdown (after uvicorn finished the requests in flight)
flushes the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from builder import runtime
from builder.serve import openapi
from builder.serve.delivery import Delivery, check_channel
from builder.serve.desk import Desk
from builder.serve.logs import log
from builder.serve.metrics import CONTENT_TYPE, Metrics
from builder.serve.requests import Problem, conversation_id, event_request, parse_json, tick_request
from builder.serve.rulesets import Rulesets, identity
from builder.serve.settings import Settings
from builder.serve.stores import MemoryStore, Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HOUSEKEEPING_S = 30.0


class Service:
    """Everything one worker holds: settings, rulesets, store, desk, metrics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rulesets = Rulesets(settings.ruleset)
        check_channel(self.rulesets.current, settings.channel)
        self.metrics = Metrics()
        self.store: Store
        if settings.uses_redis:
            from builder.serve.redis_store import RedisStore  # the redis client loads only when used

            self.store = RedisStore(settings.store, ttl_s=settings.ttl_s, lock_timeout_s=settings.lock_timeout_s,
                                    runtime_for=self.rulesets.runtime_for)
        else:
            self.store = MemoryStore(settings.ttl_s, settings.state_file)
        self.rulesets.fetch = self.store.fetch_ruleset
        self.delivery = Delivery(settings.callback_url, settings.channel, self.metrics)
        self.desk = Desk(self.rulesets, self.store, self.metrics, self.delivery.deliver)
        self._tasks: list[asyncio.Task[None]] = []

    # --- routes ------------------------------------------------------------------------------------

    async def post_event(self, request: Request) -> Response:
        cid = conversation_id(request.path_params["id"])
        body = event_request(parse_json(await self._body(request)))
        return JSONResponse(await self.desk.event(cid, body))

    async def post_tick(self, request: Request) -> Response:
        cid = conversation_id(request.path_params["id"])
        raw = await self._body(request)
        at = tick_request(parse_json(raw) if raw.strip() else {})
        return JSONResponse(await self.desk.tick(cid, at))

    async def get_conversation(self, request: Request) -> Response:
        cid = conversation_id(request.path_params["id"])
        summary = await self.desk.summary(cid)
        if summary is None:
            raise Problem(404, f"no conversation {cid!r} (never started, closed, or expired)")
        return JSONResponse(summary)

    async def delete_conversation(self, request: Request) -> Response:
        cid = conversation_id(request.path_params["id"])
        if not await self.desk.close(cid):
            raise Problem(404, f"no conversation {cid!r} (never started, closed, or expired)")
        return Response(status_code=204)

    async def get_ruleset(self, request: Request) -> Response:
        current = self.rulesets.current
        in_use = await self.store.rulesets_in_use()
        older = []
        for content_hash, usage in sorted(in_use.items()):
            if content_hash == current.content_hash:
                continue
            rules = await self.rulesets.runtime_for(content_hash)
            described = identity(rules) if rules is not None else {"content_hash": content_hash}
            older.append({**described, **usage})
        return JSONResponse({"current": {**identity(current), **in_use.get(current.content_hash, {})},
                             "in_use": older, "last_reload": self.rulesets.last_reload})

    async def healthz(self, request: Request) -> Response:
        status, code = ("ok" if self.rulesets.last_reload["ok"] else "degraded"), 200
        try:
            await asyncio.wait_for(self.store.live(), 2.0)
        except Exception as exc:  # the store is down: say so, to the load balancer too
            status, code = "unavailable", 503
            log(logging.ERROR, "store unavailable", error=str(exc))
        return JSONResponse({"status": status, "worker": os.getpid(), "store": self._store_kind(),
                             "ruleset": identity(self.rulesets.current), "last_reload": self.rulesets.last_reload},
                            status_code=code)

    async def get_metrics(self, request: Request) -> Response:
        current = self.rulesets.current
        body = self.metrics.text(await self.store.live(), current.content_hash, current.version)
        return Response(body, media_type=CONTENT_TYPE)

    async def get_openapi(self, request: Request) -> Response:
        return JSONResponse(openapi.document())

    async def _body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise Problem(413, f"the body is larger than {limit} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():  # read in pieces: a body without a length is capped too
            size += len(chunk)
            if size > limit:
                raise Problem(413, f"the body is larger than {limit} bytes")
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _store_kind(self) -> str:
        return "redis" if self.settings.uses_redis else "memory"

    def routes(self) -> list[Route]:
        return [
            Route("/v1/conversations/{id}/events", self.post_event, methods=["POST"]),
            Route("/v1/conversations/{id}/tick", self.post_tick, methods=["POST"]),
            Route("/v1/conversations/{id}", self.get_conversation, methods=["GET"]),
            Route("/v1/conversations/{id}", self.delete_conversation, methods=["DELETE"]),
            Route("/v1/ruleset", self.get_ruleset, methods=["GET"]),
            Route("/v1/openapi.json", self.get_openapi, methods=["GET"]),
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/metrics", self.get_metrics, methods=["GET"]),
        ]

    # --- lifespan ---------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        try:
            await asyncio.wait_for(self.store.live(), 5.0)
        except Exception as exc:
            log(logging.CRITICAL, "cannot reach the store", store=self._store_kind(), error=str(exc))
            raise SystemExit(1) from None
        await self.store.publish_ruleset(self.rulesets.current)
        if isinstance(self.store, MemoryStore):
            restored = await self.store.restore_from_file(self.rulesets.runtime_for)
            if restored:
                log(logging.INFO, "conversations restored", conversations=restored)
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: self._spawn(self.reload(only_if_modified=False)))
            hup = True
        except (ValueError, RuntimeError, NotImplementedError, AttributeError):  # not the main thread (tests), Windows
            hup = False
        self._tasks = [asyncio.create_task(self._every(self.settings.timer_poll_s, self.desk.fire_due)),
                       asyncio.create_task(self._every(HOUSEKEEPING_S, self.housekeeping))]
        if self.settings.settle_s > 0:
            self._tasks.append(asyncio.create_task(self._every(self.settings.settle_s, _settle)))
        if self.settings.reload_interval_s > 0:
            self._tasks.append(asyncio.create_task(
                self._every(self.settings.reload_interval_s, lambda: self.reload(only_if_modified=True))))
        log(logging.INFO, "worker ready", store=self._store_kind(), **identity(self.rulesets.current))
        try:
            yield
        finally:
            if hup:
                loop.remove_signal_handler(signal.SIGHUP)
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.store.close()
            log(logging.INFO, "worker stopped")

    async def reload(self, *, only_if_modified: bool) -> None:
        result = await asyncio.to_thread(self.rulesets.reload, only_if_modified=only_if_modified)
        if result is None:
            return  # the file did not change
        self.metrics.reloads.labels("ok" if result.ok else "refused").inc()
        if result.ok:
            await self.store.publish_ruleset(result.runtime)

    async def housekeeping(self) -> None:
        await self.store.housekeeping()
        self.rulesets.keep_only(set(await self.store.rulesets_in_use()))

    def _spawn(self, work: Awaitable[None]) -> None:
        self._tasks = [task for task in self._tasks if not task.done()]  # finished reloads
        self._tasks.append(asyncio.ensure_future(work))

    @staticmethod
    async def _every(seconds: float, work: Callable[[], Awaitable[Any]]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception:
                logging.getLogger("handoff.serve").exception("background work failed",
                                                             extra={"fields": {"work": work.__qualname__}})


# --- the guard and the errors ------------------------------------------------------------------

def _route_label(path: str) -> str:
    """The route a path belongs to, for metric labels (never the raw path: ids would explode them)."""
    if path.startswith("/v1/conversations/"):
        if path.endswith("/events"):
            return "/v1/conversations/{id}/events"
        if path.endswith("/tick"):
            return "/v1/conversations/{id}/tick"
        return "/v1/conversations/{id}"
    if path in ("/v1/ruleset", "/healthz", "/metrics", "/v1/openapi.json"):
        return path
    return "other"


class Guard:
    def __init__(self, app: ASGIApp, token: str | None, metrics: Metrics) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.metrics = metrics
        self.worker = str(os.getpid()).encode()
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        started = False

        async def sending(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message["headers"] = [*message.get("headers", ()), (b"x-handoff-worker", self.worker)]
            await send(message)

        path = scope["path"]
        if self.expected is not None and path != "/healthz" and not self._authorized(scope):
            await _send_json(sending, 401, {"error": "missing or wrong bearer token",
                                            "problems": ["Authorization: send 'Bearer <token>'"]},
                             [(b"www-authenticate", b'Bearer realm="handoff"')])
        else:
            try:
                await self.app(scope, receive, sending)
            except Exception:
                if not started:  # the exception handler normally answered already
                    await _send_json(sending, 500, {"error": "internal error", "problems": ["internal error"]})
        key = (_route_label(path), scope["method"], status)
        counted = self._children.get(key)
        if counted is None:  # `labels()` costs more than the count itself: look each series up once
            counted = self._children[key] = (self.metrics.requests.labels(key[0], key[1], str(status)),
                                              self.metrics.latency.labels(key[0]))
        counted[0].inc()
        counted[1].observe(time.perf_counter() - start)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return hmac.compare_digest(value, self.expected or b"")
        return False


async def _settle() -> None:
    runtime.settle()  # between requests (the loop runs nothing else meanwhile); ~1-2 ms, see DEPLOYING.md


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    response = JSONResponse(body, status_code=status)
    response.raw_headers.extend(headers or [])
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


async def _problem(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Problem):
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)
    return JSONResponse({"error": "internal error", "problems": ["internal error"]}, status_code=500)


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    text = {404: f"no such path: {request.url.path} (see /v1/openapi.json)",
            405: f"{request.method} is not allowed on {request.url.path}"}.get(code, "the request was refused")
    return JSONResponse({"error": text, "problems": [text]}, status_code=code)


async def _store_down(request: Request, exc: Exception) -> Response:
    log(logging.ERROR, "store error", path=request.url.path, error=f"{type(exc).__name__}: {exc}")
    text = "the conversation store (Redis) did not answer; nothing was applied, retry"
    return JSONResponse({"error": text, "problems": [text]}, status_code=503, headers={"Retry-After": "1"})


async def _internal(request: Request, exc: Exception) -> Response:
    logging.getLogger("handoff.serve").error("request failed", exc_info=exc,
                                             extra={"fields": {"path": request.url.path}})
    return JSONResponse({"error": "internal error", "problems": ["internal error"]}, status_code=500)


def create_app(settings: Settings) -> Guard:
    """The worker's ASGI app. RulesetLoadError or SettingsError when it cannot start."""
    service = Service(settings)
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        Problem: _problem, HTTPException: _http_error, Exception: _internal}
    if settings.uses_redis:
        from redis.exceptions import ConnectionError as RedisDown
        from redis.exceptions import TimeoutError as RedisSlow

        handlers[RedisDown] = handlers[RedisSlow] = _store_down
    app = Starlette(routes=service.routes(), lifespan=service.lifespan, exception_handlers=handlers)
    guard = Guard(app, settings.token, service.metrics)
    guard.service = service  # type: ignore[attr-defined]  # for tests and the worker runner
    return guard
