"""Network pieces for guard's network tests, all on 127.0.0.1, run in the test's own process:

* FaultProxy: a reverse proxy in front of moto or the emulator, optionally speaking TLS with a
  certificate of a CA made for the test (trustme), that counts requests per operation and
  injects faults into chosen ones: no answer, error statuses, throttling, cut or huge bodies,
  other content, rewritten answers.
* ForwardProxy: an HTTP proxy (CONNECT for https, absolute URIs for http) that alone knows
  where made-up host names live, and records what it was asked to reach.
"""

import http.client
import json
import select
import socket
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import trustme

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}

# The SSO portal and OIDC APIs are REST: their operation is in the path.
REST_OPERATIONS = {
    "/federation/credentials": "GetRoleCredentials",
    "/assignment/roles": "ListAccountRoles",
    "/assignment/user": "ListAccounts",
    "/logout": "Logout",
    "/token": "CreateToken",
    "/client/register": "RegisterClient",
    "/device_authorization": "StartDeviceAuthorization",
    "/v1/token": "CreateOAuth2Token",
}


def operation(path, headers, body):
    url = urlsplit(path)
    query = parse_qs(url.query)
    if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        query.update(parse_qs(body.decode("utf-8", "replace")))
    if "Action" in query:
        return query["Action"][0]
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    return REST_OPERATIONS.get(url.path, url.path)


class Fault:
    """What to do to the next `count` requests of an operation (None: all of them)."""

    def __init__(self, kind, count=1, **params):
        self.kind, self.count, self.params = kind, count, params


class CA:
    """A certificate authority made for one test, and a server certificate from it."""

    def __init__(self, tmp_path, hosts=("localhost", "127.0.0.1")):
        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert(*hosts)
        self.bundle = tmp_path / "company-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.bundle))

    def server_context(self):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(context)
        return context


class _Server:
    def _serve(self, handler, context=None):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        if context is not None:
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.stopping = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class FaultProxy(_Server):
    def __init__(self, upstream, ca=None, host="127.0.0.1"):
        self.upstream = urlsplit(upstream)
        self.lock = threading.Lock()
        self.counts = Counter()
        self.faults = {}
        self.injected = Counter()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one_request(self):
                try:
                    super().handle_one_request()
                except (ssl.SSLError, ConnectionError, OSError):
                    # A client that refused the certificate hangs up mid-handshake.
                    self.close_connection = True

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy._handle(self, body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self._serve(Handler, ca.server_context() if ca else None)
        scheme = "https" if ca else "http"
        self.url = f"{scheme}://{host}:{self.port}"

    def fault(self, op, kind, count=1, **params):
        with self.lock:
            self.faults.setdefault(op, []).append(Fault(kind, count, **params))

    def reset(self):
        with self.lock:
            self.counts.clear()
            self.faults.clear()
            self.injected.clear()

    def _take(self, op):
        with self.lock:
            self.counts[op] += 1
            queue = self.faults.get(op, [])
            while queue:
                fault = queue[0]
                if fault.count is None:
                    return fault
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        queue.pop(0)
                    return fault
                queue.pop(0)
            return None

    def _handle(self, handler, body):
        op = operation(handler.path, handler.headers, body)
        fault = self._take(op)
        if fault is not None:
            with self.lock:
                self.injected[(op, fault.kind)] += 1
        kind = fault.kind if fault else None
        if kind == "hang":
            self.stopping.wait(fault.params.get("seconds", 60))
            handler.close_connection = True
            return
        if kind == "skip":
            return self._forward(handler, body, None)
        if kind == "status":
            body = fault.params.get("body", b"")
            body = body.encode() if isinstance(body, str) else body
            return self._answer(handler, fault.params["status"], body, fault.params.get("headers", []))
        if kind == "huge":
            size = fault.params.get("size", 50 * 1024 * 1024)
            return self._stream(handler, size, fault.params.get("content_type", "text/xml"))
        return self._forward(handler, body, fault)

    def _forward(self, handler, body, fault):
        upstream = self.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
            headers["Host"] = upstream.netloc
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
        finally:
            connection.close()
        status = response.status
        if fault is not None and fault.kind == "rewrite":
            payload = fault.params["change"](payload)
        elif fault is not None and fault.kind == "cut":
            # A body cut short, with a Content-Length that matches what is sent.
            marker = fault.params["after"].encode()
            at = payload.index(marker) + len(marker) + fault.params.get("keep", 0)
            payload = payload[:at]
        elif fault is not None and fault.kind == "content_type":
            kept = [(k, v) for k, v in kept if k.lower() != "content-type"]
            kept.append(("Content-Type", fault.params["value"]))
            payload = fault.params.get("body", payload)
        self._answer(handler, status, payload, kept)

    @staticmethod
    def _answer(handler, status, body, headers):
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _stream(self, handler, size, content_type):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        chunk = b"<" + b"x" * 65535
        sent = 0
        try:
            while sent < size and not self.stopping.is_set():
                handler.wfile.write(chunk[: size - sent])
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading: that is the point
        handler.close_connection = True


def throttled(message="Rate exceeded", rest=True):
    """A 429 as the SSO portal (REST) or STS (query) sends it."""
    if rest:
        return dict(
            status=429,
            body=json.dumps({"message": message}),
            headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", "TooManyRequestsException")],
        )
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>Throttling</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )
    return dict(status=400, body=body, headers=[("Content-Type", "text/xml")])


def server_error(status=503, rest=False):
    if rest:
        return dict(
            status=status,
            body=json.dumps({"message": "unavailable"}),
            headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", "InternalServerException")],
        )
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver</Type>'
        "<Code>ServiceUnavailable</Code><Message>try again</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )
    return dict(status=status, body=body, headers=[("Content-Type", "text/xml")])


class ForwardProxy(_Server):
    """An HTTP proxy on loopback. `hosts` maps made-up names to real (host, port) pairs; only
    those names and 127.0.0.1 can be reached through it."""

    def __init__(self, hosts=None):
        self.hosts = dict(hosts or {})
        self.lock = threading.Lock()
        self.connects = []  # "host:port" of every CONNECT
        self.forwards = []  # "host:port" of every plain-HTTP request
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                host, _, port = self.path.rpartition(":")
                with proxy.lock:
                    proxy.connects.append(self.path)
                target = proxy._resolve(host, int(port))
                if target is None:
                    self.send_error(502, "unknown host")
                    return
                try:
                    upstream = socket.create_connection(target, timeout=10)
                except OSError:
                    self.send_error(502, "cannot connect")
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                proxy._pipe(self.connection, upstream)
                self.close_connection = True

            def _plain(self):
                url = urlsplit(self.path)
                with proxy.lock:
                    proxy.forwards.append(f"{url.hostname}:{url.port or 80}")
                target = proxy._resolve(url.hostname, url.port or 80)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if target is None:
                    self.send_error(502, "unknown host")
                    return
                connection = http.client.HTTPConnection(*target, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                    path = url.path + (f"?{url.query}" if url.query else "")
                    connection.request(self.command, path or "/", body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    self.send_response(response.status)
                    for k, v in response.getheaders():
                        if k.lower() not in HOP_BY_HOP | {"content-length"}:
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = _plain

        self._serve(Handler)
        self.url = f"http://127.0.0.1:{self.port}"

    def _resolve(self, host, port):
        if host in self.hosts:
            return self.hosts[host]
        if host in ("127.0.0.1", "localhost"):
            return ("127.0.0.1", port)
        return None

    def _pipe(self, client, upstream):
        sockets = [client, upstream]
        try:
            while not self.stopping.is_set():
                readable, _, _ = select.select(sockets, [], [], 0.5)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()


def wait_until(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def login_session_token(expires_at, account_id="123456789012"):
    """An `aws login` cache file as the AWS CLI writes it, with moto's keys and a fresh DPoP key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    return {
        "accessToken": {
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sessionToken": "login-session-token",
            "accountId": account_id,
            "expiresAt": expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "login-refresh-token",
        "idToken": "header.payload.signature",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": pem,
    }
