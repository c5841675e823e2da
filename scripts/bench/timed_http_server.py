"""`python3 -m http.server`'s own server and handler (ThreadingHTTPServer, a listen backlog of 5), with
one log line per answer instead of the usual: the path, the status, when the connection was accepted and
when the answer was sent (seconds since the epoch). For scripts/bench/book-peers-trace.mjs.

Usage: timed_http_server.py DIRECTORY LOG_FILE   (prints "port N" once it listens on 127.0.0.1)
"""

import functools
import http.server
import sys
import threading
import time


def main() -> None:
    directory, log_file = sys.argv[1:3]
    log = open(log_file, "w", buffering=1)
    lock = threading.Lock()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            accepted = self.server.accepted.pop(self.request, 0.0)
            with lock:
                log.write(f"{self.path} {int(code)} {accepted:.4f} {time.time():.4f}\n")

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        accepted = {}

        def get_request(self):
            sock, address = super().get_request()
            self.accepted[sock] = time.time()
            return sock, address

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
    print("port", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
