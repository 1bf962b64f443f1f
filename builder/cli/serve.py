"""`handoff-builder serve RULESET [--host] [--port] [--workers N] [--store URL]`: the decision service.

The ruleset is checked before a port is opened (exit 1 with its problems, like `validate`); a
setting that cannot work exits 2 with the reason. The service itself lives in `builder.serve`; its
dependencies are the `server` extra, and without them this command says how to get them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError

NEEDED = ("starlette", "uvicorn", "uvloop", "httptools", "prometheus_client", "redis")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="exported ruleset file (JSON)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8700, help="port (default 8700; 0 picks a free one)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (more than 1 needs --store redis://…)")
    parser.add_argument("--store", default="memory", metavar="URL",
                        help="where conversations live: memory (default) or redis://host:6379/0")
    parser.add_argument("--ttl", type=float, default=24 * 60, metavar="MINUTES",
                        help="idle conversations expire after this many minutes (default 1440)")
    parser.add_argument("--token-env", metavar="NAME", help="require 'Authorization: Bearer <token>', the token "
                        "read from this environment variable")
    parser.add_argument("--max-body", type=int, default=64 * 1024, metavar="BYTES",
                        help="largest request body accepted (default 65536)")
    parser.add_argument("--callback-url", metavar="URL", help="post decisions made by timers here")
    parser.add_argument("--channel", metavar="ID", help="post decisions made by timers to this channel of the "
                        "ruleset (Slack, Teams or webhook; its URL comes from its environment variable)")
    parser.add_argument("--reload-interval", type=float, default=2.0, metavar="SECONDS",
                        help="check the ruleset file for changes this often (0: only on SIGHUP; default 2)")
    parser.add_argument("--state-file", metavar="PATH", help="memory store: save open conversations here at "
                        "shutdown and read them back at start")
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None (blocked)
        return False


def _reach_redis(url: str) -> None:
    """UsageError when Redis does not answer: say so now rather than start workers that cannot serve."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        shown = url.rsplit("@", 1)[-1]
        raise UsageError(f"cannot reach Redis at {shown}: {exc}") from None
    finally:
        client.close()


def run(args: argparse.Namespace) -> int:
    missing = [name for name in NEEDED if not _importable(name)]
    if missing:
        raise UsageError(f"the service needs {', '.join(missing)}: pip install \"handoff-builder[server]\"")
    from builder.runtime import RulesetLoadError, RulesetUnreadable, load
    from builder.serve.delivery import check_channel
    from builder.serve.settings import SettingsError, make_settings
    from builder.serve.workers import run as serve

    try:
        settings = make_settings(ruleset=args.ruleset, host=args.host, port=args.port, workers=args.workers,
                                 store=args.store, ttl_s=args.ttl * 60, token_env=args.token_env,
                                 max_body_bytes=args.max_body, callback_url=args.callback_url,
                                 channel=args.channel, reload_interval_s=args.reload_interval,
                                 log_level=args.log_level, state_file=args.state_file)
        if settings.workers > 1:  # one worker loads the file itself; several must not each fail alike
            check_channel(load(args.ruleset), args.channel)
        if settings.uses_redis:
            _reach_redis(settings.store)
        return serve(settings) or EXIT_OK
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    except RulesetUnreadable as exc:
        raise UsageError(str(exc)) from None
    except RulesetLoadError as exc:
        print(f"handoff-builder serve: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    except SystemExit as exc:
        return EXIT_PROBLEMS if exc.code else EXIT_OK
