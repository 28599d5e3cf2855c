#!/usr/bin/env python3
"""A small HTTP(S) server for ODAGClient's transport tests.

Usage: test_server.py [--cert FILE --key FILE [--client-ca FILE]]

Listens on 127.0.0.1 on a free port and prints `listening PORT` as its first stdout line.
With --client-ca, TLS clients must present a certificate signed by that CA.
It exits when its standard input closes, so a test that dies leaves nothing behind.

Paths:
  /echo...          200, JSON describing the request (method, path, query, headers, body)
  /status/NNN       status NNN with {"message": "status NNN"}
  /basic401         401 with `WWW-Authenticate: Basic` and a JSON message
  /redirect         302 to /echo/after-redirect
  /html             200 with a text/html login page
  /hang             never answers (until the client goes away); counted as /hits/hang
  /drop             closes the connection without answering
  /retry-after/ID   first call per ID: 503 with `Retry-After: 1`; later calls: 200 {"ok": true}
  /chunked          200 with a chunked JSON body (chunk extensions and a trailer included)
  /until-close      200 with no length: the body ends when the server closes the connection
  /continue         a 100 Continue, then 200 {"ok": true}
  /answer-then-close  200 {"ok": true} announced as keep-alive, then the connection is closed (counted
                    as /hits/closed once closed)
  /drop-count/ID    counts a hit for ID, then closes the connection without answering
  /hits/ID          200 {"hits": N}: how many times /drop-count/ID was called
  /await-hits/ID/N  like /hits/ID, but answers only once N is reached (or after 100 s, a hang guard)
  /garbage          a head that is not HTTP, then close
  /huge-head        200 with 100 KiB of header fields
  /endless          200 with a chunked body that never ends (until the client goes away)

Over TLS the server offers ALPN h2 before http/1.1, and /echo reports the protocol the client chose
("alpn"), so a test can see that the client offers HTTP/1.1 only.
"""
import argparse
import http.server
import json
import ssl
import sys
import threading
import time

seen = set()
seen_lock = threading.Lock()
hits = {}
hits_changed = threading.Condition()


def count_hit(name):
    with hits_changed:
        hits[name] = hits.get(name, 0) + 1
        hits_changed.notify_all()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        if path.startswith("/echo"):
            described = {
                "method": self.command,
                "path": path,
                "query": query,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "peer_port": self.client_address[1],
                "alpn": getattr(self.connection, "selected_alpn_protocol", lambda: None)(),
            }
            self.answer(200, json.dumps(described))
        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            self.answer(code, json.dumps({"message": "status %d" % code}))
        elif path == "/basic401":
            self.answer(401, '{"message":"who are you"}', extra=[("WWW-Authenticate", 'Basic realm="qlik"')])
        elif path == "/redirect":
            self.answer(302, "", extra=[("Location", "/echo/after-redirect")])
        elif path == "/html":
            self.answer(200, "<!DOCTYPE html><html><body>Log in</body></html>", "text/html; charset=utf-8")
        elif path == "/hang":
            count_hit("hang")
            while True:
                time.sleep(1)
        elif path == "/drop":
            self.close_connection = True
            self.connection.close()
        elif path == "/chunked":
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5\r\n{\"ok\"\r\n3;note=x\r\n: t\r\nA\r\nrue, \"n\": \r\n2\r\n1}\r\n0\r\nX-Trailer: yes\r\n\r\n"
            )
        elif path == "/until-close":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ok\": \"until close\"}")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
        elif path == "/continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.answer(200, '{"ok":true}')
        elif path == "/answer-then-close":
            self.answer(200, '{"ok":true}')
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            count_hit("closed")
        elif path.startswith("/drop-count/"):
            count_hit(path[len("/drop-count/"):])
            self.close_connection = True
            self.connection.shutdown(2)
        elif path.startswith("/hits/"):
            with hits_changed:
                count = hits.get(path[len("/hits/"):], 0)
            self.answer(200, json.dumps({"hits": count}))
        elif path.startswith("/await-hits/"):
            _, _, name, wanted = path.split("/")
            with hits_changed:
                hits_changed.wait_for(lambda: hits.get(name, 0) >= int(wanted), timeout=100)
                count = hits.get(name, 0)
            self.answer(200, json.dumps({"hits": count}))
        elif path == "/garbage":
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            self.close_connection = True
        elif path == "/endless":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                self.close_connection = True
        elif path == "/huge-head":
            self.answer(200, "{}", extra=[("X-Filler-%d" % i, "x" * 1000) for i in range(100)])
        elif path.startswith("/retry-after/"):
            with seen_lock:
                first = path not in seen
                seen.add(path)
            if first:
                self.answer(503, '{"message":"busy"}', extra=[("Retry-After", "1")])
            else:
                self.answer(200, '{"ok":true}')
        else:
            self.answer(404, '{"message":"no such path"}')

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        context.set_alpn_protocols(["h2", "http/1.1"])
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # until the test closes our standard input
    server.shutdown()


if __name__ == "__main__":
    main()
