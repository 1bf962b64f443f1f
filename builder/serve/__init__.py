"""The decision service: `handoff-builder serve RULESET`, the exported ruleset over HTTP.

Any chatbot (Node, Botpress, Rasa custom actions, a hosted platform's webhook) posts a
conversation's events one by one and gets the Decision back, on one worker or several sharing
Redis. Built on `builder.runtime` (the one engine): nothing here evaluates a rule.

Why Starlette on uvicorn: Starlette is a small, well-kept ASGI toolkit (routing, requests,
responses, lifespan) with no opinions to fight; uvicorn with uvloop and httptools is among the
fastest Python HTTP servers, which matters because a chatbot waits on every answer. Both are the
`server` extra, with the `redis` client (the Redis store) and `prometheus-client` (`/metrics`).

Modules, from the top down: `workers` (one process or a supervisor of several) → `app` (routes,
the guard, lifespan: timers, reload, shutdown) → `desk` (what an event, a tick or a due timer does
to a conversation) and `delivery` (timer decisions to the callback or a channel) → `stores` (the
interface and the memory store), `redis_store`, `rulesets` (reload, rulesets by content hash) →
`conversation`, `requests`, `metrics`, `openapi`, `logs`, `settings`.
This package sits below `builder.cli` and may import anything under it; nothing imports it but
the `serve` command.
"""
