"""Render the template editor and the channels editor offscreen on the example playbook and save
docs/screenshots/template_editor.png and docs/screenshots/channels_editor.png.

The template preview is taken at a fixed moment (Wednesday 25 Nov 2026, 22:00 in Berlin, when
support is closed) so the promise in the picture is the real one for that evening. The channels
picture shows a real test notification sent to a throwaway HTTP server on 127.0.0.1.

Usage: python scripts/screenshot_editors.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts._render import application, out_dir, playbook_document, settle

MOMENT = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        return


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtGui import QUndoStack

    from widgets.channels.channels_editor import ChannelsEditor
    from widgets.templates.template_editor import TemplateEditor

    app = application()
    folder = out_dir(argv)
    document = playbook_document()
    stack = QUndoStack()

    templates = TemplateEditor(document, stack)
    templates.resize(1280, 720)
    templates.select_template("handoff-ack")
    templates.set_moment(MOMENT)
    templates.show()
    templates.validate_now()
    settle(app)
    templates.grab().save(str(folder / "template_editor.png"))

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    channels = ChannelsEditor(document, stack)
    channels.resize(1280, 720)
    channel = document.ruleset.channels[0] if document.ruleset.channels else None
    if channel is not None and channel.url_env:
        os.environ[channel.url_env] = f"http://127.0.0.1:{server.server_address[1]}/services/hook"
        channels.select_channel(channel.id)
    channels.show()
    channels.validate_now()
    settle(app)
    if channel is not None:
        channels.send_test()
        clock = QElapsedTimer()
        clock.start()
        while channels.sending and clock.elapsed() < 10_000:
            app.processEvents()
    settle(app)
    channels.grab().save(str(folder / "channels_editor.png"))
    server.shutdown()
    server.server_close()
    print(folder / "template_editor.png")
    print(folder / "channels_editor.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
