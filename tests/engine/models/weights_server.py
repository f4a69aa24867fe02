"""A small HTTP server on 127.0.0.1 for the weights download tests: it serves one file, can
close the connection after some bytes of the first answer, can ignore ``Range``, and records
each request's path and ``Range`` header (a proxied request's path is the whole address)."""

from __future__ import annotations

import http.server
import threading
import time


class WeightsServer:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.drop_after: int | None = None  # first answer only: close after this many bytes
        self.ignore_range = False
        self.pause_s = 0.0  # between 32 kB pieces: a slow line, so progress can be seen
        self.seen: list[tuple[str, str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet tests
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                asked = self.headers.get("Range", "")
                server.seen.append((self.path, asked))
                start = 0
                if asked.startswith("bytes=") and not server.ignore_range:
                    start = int(asked[6:].split("-")[0])
                data = server.body[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range",
                                     f"bytes {start}-{len(server.body) - 1}/{len(server.body)}")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                if server.drop_after is not None and len(server.seen) == 1:
                    data = data[:server.drop_after]
                if not server.pause_s:
                    self.wfile.write(data)
                for start in range(0, len(data), 32_768) if server.pause_s else ():
                    self.wfile.write(data[start:start + 32_768])
                    self.wfile.flush()
                    time.sleep(server.pause_s)
                self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "WeightsServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
