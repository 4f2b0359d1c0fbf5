#!/usr/bin/env python3
"""A counting reverse proxy in front of moto, for tests and benchmarks.

moto keeps no count of the requests it serves, and the Identity Center emulator calls moto too
(it mints role credentials with AssumeRole), so counting at moto would mix the two. Pointing
only guard's AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_IAM at this proxy counts exactly guard's
requests, per operation (the query protocol's `Action`).

    python counting_proxy.py --port 0 --upstream http://127.0.0.1:5000

prints "READY http://127.0.0.1:PORT" once it listens, and nothing else on stdout.
Admin API:
  GET  /_counter/counts  -> {"GetCallerIdentity": 1, "AssumeRole": 2, ...}
  POST /_counter/reset   -> empties the counts and the rejections
  POST /_counter/reject  {"action": "GetCallerIdentity", "count": 1}: the next `count` requests of
       that operation are answered 403 InvalidClientTokenId, as STS answers for revoked keys.
"""

import argparse
import http.client
import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}

REJECTION = b"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>
  <Message>The security token included in the request is invalid.</Message></Error>
  <RequestId>counting-proxy</RequestId>
</ErrorResponse>"""


class State:
    def __init__(self, upstream):
        self.upstream = urlsplit(upstream)
        self.lock = threading.Lock()
        self.counts = Counter()
        self.rejections = Counter()

    def record(self, action):
        """Counts the request; True when it must be rejected."""
        with self.lock:
            self.counts[action] += 1
            if self.rejections[action] > 0:
                self.rejections[action] -= 1
                return True
            return False


def operation(handler, body):
    query = parse_qs(urlsplit(handler.path).query)
    if handler.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        query.update(parse_qs(body.decode("utf-8", "replace")))
    if "Action" in query:
        return query["Action"][0]
    target = handler.headers.get("X-Amz-Target")
    return target.rsplit(".", 1)[-1] if target else "unknown"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, format, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _admin(self, body):
        state = self.state
        if self.path == "/_counter/counts" and self.command == "GET":
            with state.lock:
                answer = dict(state.counts)
        elif self.path == "/_counter/reset" and self.command == "POST":
            with state.lock:
                state.counts.clear()
                state.rejections.clear()
            answer = {}
        elif self.path == "/_counter/reject" and self.command == "POST":
            request = json.loads(body or b"{}")
            with state.lock:
                state.rejections[request["action"]] += int(request.get("count", 1))
            answer = {}
        else:
            return self._answer(404, b'{"error": "unknown admin path"}')
        self._answer(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])

    def _forward(self):
        body = self._body()
        if self.path.startswith("/_counter/"):
            return self._admin(body)
        if self.state.record(operation(self, body)):
            return self._answer(403, REJECTION, [("Content-Type", "text/xml")])
        upstream = self.state.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
            self._answer(response.status, payload, kept)
        finally:
            connection.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    Handler.state = State(args.upstream)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
