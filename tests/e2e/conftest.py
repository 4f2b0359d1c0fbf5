"""Fixtures for end-to-end tests: moto (STS, IAM), the Identity Center emulator, a fresh HOME, and guard.

Everything listens on 127.0.0.1; nothing reaches the internet or real AWS.
Servers live for the whole session; their state is reset before every test.
"""

import contextlib
import hashlib
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
EMULATOR_SCRIPT = REPO / "emulator" / "identity_center.py"
COUNTING_PROXY_SCRIPT = REPO / "emulator" / "counting_proxy.py"
DEFAULT_START_URL = "https://d-1234567890.awsapps.com/start"
SSO_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # botocore's format for expiresAt in the SSO token cache
MOTO_KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "moto-accepts-any-secret"}
STARTUP_SECONDS = 30

sys.path.insert(0, str(EMULATOR_SCRIPT.parent))
from identity_center import reserved_role_name  # noqa: E402  (the emulator is not a package)

# urllib would send 127.0.0.1 traffic through a proxy named in the environment.
_local_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env():
    """The caller's environment without AWS settings or proxies, which would misdirect the servers' boto3."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.lower().endswith("_proxy")}


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_http(url, process, log_path):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited with {process.returncode}:\n{Path(log_path).read_text()}")
        try:
            _local_opener.open(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{process.args} did not answer at {url} within {STARTUP_SECONDS}s:\n{Path(log_path).read_text()}")


def _read_ready_line(process, log_path):
    """The emulator prints 'READY <url>' once it listens; read it without blocking forever."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_SECONDS)
    except queue.Empty:
        line = ""
    if not line.startswith("READY "):
        _stop(process)
        pytest.fail(f"emulator did not start (got {line!r}):\n{Path(log_path).read_text()}")
    return line.split()[1]


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory):
    """URL of a moto server (STS, IAM, ...) for the whole session."""
    port = _free_port()
    command = ["moto_server"] if shutil.which("moto_server") else [sys.executable, "-m", "moto.server"]
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_env(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(url + "/moto-api/", process, log_path)
        yield url
    finally:
        _stop(process)


class Emulator:
    """Client of the emulator's admin API (see emulator/identity_center.py)."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_admin/{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with _local_opener.open(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"emulator admin {method} {path}: {error.code} {error.read().decode()}") from None

    def reset(self):
        self._call("POST", "reset", {})

    def set_accounts(self, accounts):
        """accounts: [{"accountId", "accountName"?, "emailAddress"?, "roles": [...]}]"""
        return self._call("POST", "accounts", {"accounts": accounts})["accounts"]

    def add_token(self, access_token, user="alice", expires_in=3600):
        self._call("POST", "tokens", {"accessToken": access_token, "user": user, "expiresIn": expires_in})

    def add_refresh_token(self, refresh_token, client_id, client_secret=None, user="alice"):
        """Registers a refresh token; with client_secret, (re)registers its client with that secret too."""
        body = {"refreshToken": refresh_token, "clientId": client_id, "user": user}
        if client_secret is not None:
            body["clientSecret"] = client_secret
        self._call("POST", "refresh_tokens", body)

    def tokens(self):
        """{"accessTokens": [{"accessToken", "user", "expiresAt", "revoked"}], "refreshTokens": [...]}"""
        return self._call("GET", "tokens")

    def expire(self, token=None, refresh_token=None):
        """Expires one access token (all of them when neither argument is given) and/or revokes a refresh token."""
        body = {}
        if token is not None:
            body["accessToken"] = token
        if refresh_token is not None:
            body["refreshToken"] = refresh_token
        self._call("POST", "expire", body)

    def deny(self, account_id, role):
        self._call("POST", "deny", {"accountId": account_id, "roleName": role})

    def config(self, **settings):
        """Changes settings (camelCase names, see DEFAULT_CONFIG in the emulator); returns them all."""
        return self._call("POST", "config", settings)

    def device(self, action, user_code=None, device_code=None, count=None, user=None):
        """approve | deny | expire | slow_down a device authorization (the latest one unless named)."""
        body = {"action": action}
        for key, value in (("userCode", user_code), ("deviceCode", device_code), ("count", count), ("user", user)):
            if value is not None:
                body[key] = value
        return self._call("POST", "device", body)

    def devices(self):
        return self._call("GET", "device")["devices"]

    def counters(self):
        return self._call("GET", "counters")

    def reset_counters(self):
        self._call("POST", "counters/reset", {})

    def requests(self):
        return self._call("GET", "requests")["requests"]

    @staticmethod
    def reserved_role_name(role):
        """AWSReservedSSO_<role>_<hex>: the IAM role name behind a permission set, as the emulator assumes it."""
        return reserved_role_name(role)


@contextlib.contextmanager
def _helper_server(script, args, name, tmp_path_factory):
    """Starts one of the project's test servers; yields its URL from its READY line."""
    log_path = tmp_path_factory.mktemp(name) / f"{name}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(script), "--port", "0", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=_server_env(),
        )
    try:
        yield _read_ready_line(process, log_path)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def emulator_server(moto_url, tmp_path_factory):
    with _helper_server(EMULATOR_SCRIPT, ["--sts-endpoint", moto_url], "emulator", tmp_path_factory) as url:
        yield Emulator(url)


@pytest.fixture
def emulator(emulator_server):
    return emulator_server


@pytest.fixture(autouse=True)
def _fresh_servers(emulator_server, moto_url):
    """Each test starts from defaults: an empty emulator and an empty moto (aliases, roles)."""
    emulator_server.reset()
    _local_opener.open(urllib.request.Request(moto_url + "/moto-api/reset", data=b"", method="POST"), timeout=10).close()


class CountingProxy:
    """Client of the counting proxy in front of moto (see emulator/counting_proxy.py)."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_counter/{path}", data=data, method=method)
        with _local_opener.open(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def counts(self):
        """guard's STS and IAM requests per operation since the last reset, e.g. {"GetCallerIdentity": 1}."""
        return self._call("GET", "counts")

    def reset(self):
        self._call("POST", "reset", {})

    def reject(self, action, count=1):
        """The next `count` requests of `action` are answered 403 InvalidClientTokenId."""
        self._call("POST", "reject", {"action": action, "count": count})


@pytest.fixture(scope="session")
def counting_proxy_server(moto_url, tmp_path_factory):
    with _helper_server(COUNTING_PROXY_SCRIPT, ["--upstream", moto_url], "counting-proxy", tmp_path_factory) as url:
        yield CountingProxy(url)


@pytest.fixture
def aws_counts(counting_proxy_server, clean_env):
    """Routes guard's STS and IAM requests through the counting proxy for this test, from zero."""
    counting_proxy_server.reset()
    clean_env["AWS_ENDPOINT_URL_STS"] = counting_proxy_server.url
    clean_env["AWS_ENDPOINT_URL_IAM"] = counting_proxy_server.url
    return counting_proxy_server


def _sso_time(moment):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(SSO_TIME_FORMAT)


class Home:
    """A HOME with ~/.aws/ and helpers to write the shared config files and the SSO token cache."""

    def __init__(self, path):
        self.path = path
        self.aws = path / ".aws"
        self.aws.mkdir(mode=0o700)

    def write_config(self, text):
        return self._write(self.aws / "config", text)

    def write_credentials(self, text):
        return self._write(self.aws / "credentials", text)

    @staticmethod
    def _write(path, text):
        path.write_text(textwrap.dedent(text))
        return path

    def sso_token_path(self, name):
        """Cache file of an sso-session name, or of a start URL for legacy profiles."""
        return self.aws / "sso" / "cache" / (hashlib.sha1(name.encode()).hexdigest() + ".json")

    def write_sso_token(
        self,
        name,
        access_token,
        expires_at,
        refresh_token=None,
        client_id=None,
        client_secret=None,
        region="us-east-1",
        start_url=None,
        registration_expires_at=None,
    ):
        """Writes the token as botocore does; start_url defaults to name when name is a URL."""
        if start_url is None:
            start_url = name if name.startswith("https://") else DEFAULT_START_URL
        token = {"startUrl": start_url, "region": region, "accessToken": access_token, "expiresAt": _sso_time(expires_at)}
        if client_id is not None:
            token["clientId"] = client_id
        if client_secret is not None:
            token["clientSecret"] = client_secret
        if client_id is not None or client_secret is not None:
            registration_expires_at = registration_expires_at or datetime.now(timezone.utc) + timedelta(days=90)
            token["registrationExpiresAt"] = _sso_time(registration_expires_at)
        if refresh_token is not None:
            token["refreshToken"] = refresh_token
        path = self.sso_token_path(name)
        for folder in (self.aws / "sso", path.parent):
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(token, file)
        path.chmod(0o600)
        return path

    def read_sso_token(self, name):
        return json.loads(self.sso_token_path(name).read_text())


@pytest.fixture
def home(tmp_path):
    home_dir = tmp_path / "home"
    home_dir.mkdir()
    return Home(home_dir)


@pytest.fixture
def clean_env(home, moto_url, emulator):
    """The whole environment of a child process: nothing leaks in from the developer's shell."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home.path),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "AWS_ENDPOINT_URL_STS": moto_url,
        "AWS_ENDPOINT_URL_IAM": moto_url,
        "AWS_ENDPOINT_URL_SSO": emulator.url,
        "AWS_ENDPOINT_URL_SSO_OIDC": emulator.url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_COLOR": "1",
    }
    return env


def merged_env(base, overrides):
    """base updated with overrides; an override of None removes the variable."""
    env = dict(base)
    for key, value in (overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture(scope="session")
def guard_bin():
    path = Path(os.environ.get("GUARD_BIN") or REPO / "target" / "debug" / "guard")
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"guard binary not found at {path}: run `cargo build` or set GUARD_BIN")
    return path


@pytest.fixture
def run_guard(guard_bin, clean_env):
    """run_guard(*args, env=None, input=None, timeout=30, cwd=None) -> CompletedProcess (text) of guard, without a terminal."""

    def run(*args, env=None, input=None, timeout=30, cwd=None):
        return subprocess.run(
            [str(guard_bin), *map(str, args)],
            cwd=cwd,
            env=merged_env(clean_env, env),
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            # A new session has no controlling terminal: "no terminal" must not depend on how
            # pytest itself was started.
            start_new_session=True,
        )

    return run


def _moto_client(service, moto_url, **credentials):
    return boto3.client(service, endpoint_url=moto_url, region_name="us-east-1", **(credentials or MOTO_KEYS))


@pytest.fixture
def set_account_alias(moto_url):
    """set_account_alias(account_id, alias): moto keeps aliases per account, so act as that account."""

    def set_alias(account_id, alias):
        sts = _moto_client("sts", moto_url)
        answer = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/alias-setter", RoleSessionName="tests")
        creds = answer["Credentials"]
        iam = _moto_client(
            "iam",
            moto_url,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        iam.create_account_alias(AccountAlias=alias)

    return set_alias


@pytest.fixture
def spawn(guard_bin, clean_env):
    """spawn(*args, env=None) -> pexpect child of guard on its own pseudo-terminal."""

    children = []

    def start(*args, env=None, cwd=None):
        child = pexpect.spawn(
            str(guard_bin),
            list(args),
            cwd=cwd,
            env=merged_env(clean_env, {"TERM": "xterm", **(env or {})}),
            encoding="utf-8",
            timeout=20,
            dimensions=(40, 120),
        )
        children.append(child)
        return child

    # Tests that spawn something other than guard itself (a pipeline) reuse these.
    start.guard_bin = guard_bin
    start.env = lambda extra=None: merged_env(clean_env, {"TERM": "xterm", **(extra or {})})
    start.children = children
    yield start
    for child in children:
        child.close(force=True)


@pytest.fixture
def tools(tmp_path):
    """A PATH holding fake terraform and kubectl that record that they ran."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ran = tmp_path / "ran"
    for name in ("terraform", "kubectl"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> {ran}\necho "{name} ran"\n')
        script.chmod(0o755)
    path = f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    return {"PATH": path}, ran


@pytest.fixture
def user_policy(home):
    """Writes ~/.config/guard/policy.toml (0600) and returns its path."""

    def write(text):
        path = home.path / ".config" / "guard" / "policy.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)
        return path

    return write
