"""A local stand-in for SendGrid's v3 /mail/send endpoint, for the real sendgrid client to talk to."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SendGridStandIn:
    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[int] = []  # statuses to answer with, in order; then 202
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with standin._lock:
                    standin.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                    status = standin.responses.pop(0) if standin.responses else 202
                self.send_response(status)
                if status == 202:
                    self.send_header("X-Message-Id", f"standin-{len(standin.requests)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    payload = json.dumps({"errors": [{"message": f"stand-in error {status}"}]}).encode()
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
