#!/usr/bin/env python3
"""A server that accepts connections and never answers, for the tests of what a silent server shows.

Prints `listening PORT` as its first stdout line; exits when killed or when its parent process ends.
"""
import os
import socket
import threading
import time


def watch_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
threading.Thread(target=watch_parent, daemon=True).start()
print("listening %d" % listener.getsockname()[1], flush=True)
held = []
while True:
    held.append(listener.accept())
