#!/usr/bin/env python3
"""A TLS terminator for end-to-end tests: what Qlik's proxy is to the ODAG service, built from what a
fresh machine has (python3's ssl module).

Usage: tls_terminator.py --cert FILE --key FILE --upstream PORT [--client-ca FILE]

Listens on 127.0.0.1 on a free port, prints `listening PORT` as its first stdout line, and relays
each TLS connection's bytes to 127.0.0.1:UPSTREAM over plain TCP. With --client-ca, clients must
present a certificate signed by that CA. It exits when killed or when its parent process ends.
"""
import argparse
import os
import socket
import ssl
import sys
import threading
import time


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
        for end in (target, source):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, context, upstream):
    try:
        secure = context.wrap_socket(client, server_side=True)
    except (ssl.SSLError, OSError):
        client.close()
        return
    try:
        backend = socket.create_connection(("127.0.0.1", upstream))
    except OSError:
        secure.close()
        return
    threading.Thread(target=pipe, args=(backend, secure), daemon=True).start()
    pipe(secure, backend)


def watch_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--upstream", type=int, required=True)
    parser.add_argument("--client-ca")
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(args.client_ca)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=watch_parent, daemon=True).start()
    print("listening %d" % listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, context, args.upstream), daemon=True).start()


if __name__ == "__main__":
    main()
