#!/usr/bin/env python3
"""A forward proxy for the transport tests: CONNECT tunnels (https) and absolute-form requests (http).

Usage: test_proxy.py

Listens on 127.0.0.1 on a free port and prints `listening PORT` as its first stdout line. It answers
`GET http://proxy.test/count` with {"connect": N, "forward": M}: how many tunnels it opened and how
many plain requests it forwarded. It exits when its standard input closes.
"""
import json
import socket
import socketserver
import sys
import threading

counts = {"connect": 0, "forward": 0}
lock = threading.Lock()


def pipe(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def read_head(connection):
    data = b""
    while b"\r\n\r\n" not in data:
        more = connection.recv(65536)
        if not more:
            return None, b""
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        client = self.request
        head, rest = read_head(client)
        if head is None:
            return
        lines = head.split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            with lock:
                counts["connect"] += 1
            # A header of our own: the client must not take it for the server's answer.
            client.sendall(b"HTTP/1.1 200 Connection established\r\nX-Proxy: test\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
            pipe(client, upstream)
            return
        if target == "http://proxy.test/count":
            with lock:
                body = json.dumps(counts).encode()
            client.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)
            return
        # Absolute form: forward to the origin with Connection: close, then relay the answer until close.
        without_scheme = target.split("://", 1)[1]
        authority, _, path = without_scheme.partition("/")
        host, _, port = authority.partition(":")
        upstream = socket.create_connection((host, int(port or 80)))
        with lock:
            counts["forward"] += 1
        kept = [line for line in lines[1:] if not line.lower().startswith(("connection:", "proxy-connection:"))]
        request = "\r\n".join([f"{method} /{path} {version}"] + kept + ["Connection: close", "", ""])
        upstream.sendall(request.encode("latin-1") + rest)
        pipe(upstream, client)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
