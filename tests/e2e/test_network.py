"""guard's own calls on real networks: a company CA, proxies, and servers that misbehave.

The TLS fronts, proxies and fault injectors are in netfront.py; moto and the emulator behind
them are the same as everywhere else.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pexpect
import pytest
from guardtest import PRINT_ENV, SANDBOX, SSO_CONFIG, browser, sign_in, sso_world
from netfront import CA, FaultProxy, ForwardProxy, login_session_token, server_error, throttled

KEYS = """\
[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
"""
ROLE = KEYS + """
[profile role]
source_profile = keys
role_arn = arn:aws:iam::111111111111:role/Admin
region = us-east-1
"""
MADE_UP_HOST = "sts.corp.invalid"


@pytest.fixture
def marker(tmp_path):
    """(path, argv) of a child that leaves a file behind, so a test can tell whether it ran."""
    path = tmp_path / "child-ran"
    return path, ["touch", str(path)]


@pytest.fixture
def servers():
    started = []

    def start(server):
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def timed(run_guard, *args, **kwargs):
    started = time.monotonic()
    result = run_guard(*args, **kwargs)
    return result, time.monotonic() - started


def cache_entries(home):
    return list((home.path / ".cache" / "guard" / "credentials").glob("*.json"))


# --- trust roots ----------------------------------------------------------------------------------


def test_unknown_ca_is_refused_and_the_bundle_is_trusted(home, moto_url, run_guard, tmp_path, servers, marker):
    ca = CA(tmp_path)
    front = servers(FaultProxy(moto_url, ca=ca, host="localhost"))
    home.write_config(KEYS)
    env = {"AWS_ENDPOINT_URL_STS": front.url}
    result, seconds = timed(run_guard, "-p", "keys", "--", *marker[1], env=env)
    assert result.returncode == 69, result.stderr
    assert "certificate" in result.stderr and "AWS_CA_BUNDLE" in result.stderr
    assert not marker[0].exists()
    assert seconds < 1, seconds  # not retried: the certificate stays untrusted

    result = run_guard("-p", "keys", "--", *PRINT_ENV, env={**env, "AWS_CA_BUNDLE": str(ca.bundle)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AWS_CA_BUNDLE"] == str(ca.bundle)  # the child gets it too
    assert front.counts["GetCallerIdentity"] == 1

    # The profile's ca_bundle does the same.
    home.write_config(KEYS + f"ca_bundle = {ca.bundle}\n")
    assert run_guard("-p", "keys", "--", "true", env=env).returncode == 0


def test_every_client_uses_the_bundle(home, emulator, moto_url, run_guard, tmp_path, servers):
    """Portal, OIDC (a refresh) and STS behind TLS fronts of one company CA."""
    ca = CA(tmp_path)
    sso = servers(FaultProxy(emulator.url, ca=ca, host="localhost"))
    sts = servers(FaultProxy(moto_url, ca=ca, host="localhost"))
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    emulator.add_refresh_token("refresh-1", "client-1", client_secret="secret-1")
    sign_in(home, emulator, token="old", hours=5 / 60, refresh_token="refresh-1", client_id="client-1",
            client_secret="secret-1")
    env = {
        "AWS_ENDPOINT_URL_SSO": sso.url,
        "AWS_ENDPOINT_URL_SSO_OIDC": sso.url,
        "AWS_ENDPOINT_URL_STS": sts.url,
        "AWS_ENDPOINT_URL_IAM": sts.url,
        "AWS_CA_BUNDLE": str(ca.bundle),
    }
    result = run_guard("-p", "sandbox", "--", "true", env=env)
    assert result.returncode == 0, result.stderr
    assert sso.counts["CreateToken"] == 1 and sso.counts["GetRoleCredentials"] == 1
    assert sts.counts["GetCallerIdentity"] == 1


@pytest.mark.parametrize("kind", ["missing", "empty", "no-certificate", "bad-certificate", "fifo", "directory"])
def test_unusable_bundle_is_a_config_error_naming_the_file(home, run_guard, tmp_path, marker, kind):
    bundle = tmp_path / "bundle.pem"
    if kind == "empty":
        bundle.write_text("")
    elif kind == "no-certificate":
        bundle.write_text("this is the proxy's manual, not a certificate\n")
    elif kind == "bad-certificate":
        bundle.write_text("-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    elif kind == "fifo":
        os.mkfifo(bundle)
    elif kind == "directory":
        bundle.mkdir()
    home.write_config(KEYS)
    result, seconds = timed(run_guard, "-p", "keys", "--", *marker[1], env={"AWS_CA_BUNDLE": str(bundle)})
    assert result.returncode == 78, result.stderr
    assert str(bundle) in result.stderr and "AWS_CA_BUNDLE" in result.stderr
    assert seconds < 2 and not marker[0].exists()
    assert "panicked" not in result.stderr


def test_profile_bundle_error_names_the_line(home, run_guard, tmp_path):
    home.write_config(KEYS + f"ca_bundle = {tmp_path / 'nowhere.pem'}\n")
    result = run_guard("-p", "keys", "--", "true")
    assert result.returncode == 78
    assert re.search(r"config:5", result.stderr), result.stderr


# --- proxies --------------------------------------------------------------------------------------


def test_https_proxy_alone_reaches_the_made_up_host(home, moto_url, run_guard, tmp_path, servers, marker):
    ca = CA(tmp_path, hosts=(MADE_UP_HOST,))
    front = servers(FaultProxy(moto_url, ca=ca))
    proxy = servers(ForwardProxy({MADE_UP_HOST: ("127.0.0.1", front.port)}))
    home.write_config(KEYS)
    env = {"AWS_ENDPOINT_URL_STS": f"https://{MADE_UP_HOST}", "AWS_CA_BUNDLE": str(ca.bundle)}

    result = run_guard("-p", "keys", "--", *marker[1], env=env)
    assert result.returncode == 69 and MADE_UP_HOST in result.stderr
    assert not marker[0].exists()

    for variable in ("HTTPS_PROXY", "https_proxy"):
        proxy.connects.clear()
        result = run_guard("-p", "keys", "--", "true", env={**env, variable: proxy.url})
        assert result.returncode == 0, result.stderr
        assert proxy.connects == [f"{MADE_UP_HOST}:443"]

    # NO_PROXY: the name, a suffix of it, or everything; then guard goes direct, and fails.
    for no_proxy in (MADE_UP_HOST, ".corp.invalid", "corp.invalid", "*", "example.com, .corp.invalid"):
        proxy.connects.clear()
        result = run_guard("-p", "keys", "--", "true", env={**env, "HTTPS_PROXY": proxy.url, "NO_PROXY": no_proxy})
        assert result.returncode == 69, no_proxy
        assert proxy.connects == [], no_proxy


def test_http_proxy_and_no_proxy_by_address(home, run_guard, servers):
    proxy = servers(ForwardProxy())
    home.write_config(KEYS)
    assert run_guard("-p", "keys", "--", "true", env={"HTTP_PROXY": proxy.url}).returncode == 0
    assert proxy.forwards  # moto is http://127.0.0.1:PORT: through the proxy
    proxy.forwards.clear()
    result = run_guard("-p", "keys", "--", "true", env={"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"})
    assert result.returncode == 0 and proxy.forwards == []


def test_sign_in_loopback_never_goes_through_the_proxy(home, emulator, run_guard, tmp_path, servers):
    """A browser that honours the proxy variables still reaches guard's listener directly."""
    proxy = servers(ForwardProxy())
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    script = tmp_path / "proxied-browser"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, urllib.request\n"
        "with open(sys.argv[0] + '.env', 'w') as out:\n"
        "    out.write(os.environ.get('NO_PROXY', ''))\n"
        "urllib.request.urlopen(sys.argv[1], timeout=20).read()\n"
    )
    script.chmod(0o755)
    emulator_port = int(emulator.url.rsplit(":", 1)[1])
    result = run_guard("login", env={"BROWSER": str(script), "HTTP_PROXY": proxy.url})
    assert result.returncode == 0, result.stderr
    assert "127.0.0.1" in (tmp_path / "proxied-browser.env").read_text()
    # guard's own calls went through the proxy; the browser's did not.
    assert proxy.forwards and set(proxy.forwards) == {f"127.0.0.1:{emulator_port}"}
    assert emulator.counters()["Authorize"] == 1


# --- servers that misbehave -----------------------------------------------------------------------


def sts_front(moto_url, servers, clean_env):
    front = servers(FaultProxy(moto_url))
    clean_env["AWS_ENDPOINT_URL_STS"] = front.url
    clean_env["AWS_ENDPOINT_URL_IAM"] = front.url
    return front


def test_a_server_that_never_answers_is_69_within_the_timeout(home, moto_url, run_guard, servers, clean_env, marker):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("GetCallerIdentity", "hang", count=None)
    home.write_config(KEYS)
    result, seconds = timed(run_guard, "-p", "keys", "--", *marker[1])
    assert result.returncode == 69 and front.url in result.stderr, result.stderr
    assert 9 < seconds < 14, seconds
    assert not marker[0].exists()


def test_one_transient_5xx_is_retried(home, moto_url, run_guard, servers, clean_env):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("GetCallerIdentity", "status", **server_error(503))
    home.write_config(KEYS)
    result = run_guard("-p", "keys", "--", "true")
    assert result.returncode == 0, result.stderr
    assert front.counts["GetCallerIdentity"] == 2


def test_a_persistent_5xx_is_69_after_three_attempts(home, moto_url, run_guard, servers, clean_env, marker):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("GetCallerIdentity", "status", count=None, **server_error(500))
    home.write_config(KEYS)
    result, seconds = timed(run_guard, "-p", "keys", "--", *marker[1])
    assert result.returncode == 69 and front.url in result.stderr and "GetCallerIdentity" in result.stderr
    assert front.counts["GetCallerIdentity"] == 3
    assert seconds < 10 and not marker[0].exists()


def test_sts_throttling_is_retried(home, moto_url, run_guard, servers, clean_env):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("GetCallerIdentity", "status", count=2, **throttled(rest=False))
    home.write_config(KEYS)
    assert run_guard("-p", "keys", "--", "true").returncode == 0
    assert front.counts["GetCallerIdentity"] == 3


@pytest.mark.parametrize(
    "fault, words",
    [
        (dict(kind="cut", after="<SessionToken>", keep=20), "cut off"),
        (dict(kind="rewrite", change=lambda b: re.sub(rb"<Expiration>[^<]*<", b"<Expiration>1970-01-01T00:00:00Z<", b)),
         "expired at 1970-01-01"),
        (dict(kind="rewrite", change=lambda b: re.sub(rb"<SecretAccessKey>[^<]*</SecretAccessKey>", b"", b)),
         "incomplete credentials"),
        (dict(kind="huge"), "larger than"),
        (dict(kind="content_type", value="text/html", body=b"<html><body>Sign in to the Wi-Fi</body></html>"),
         "text/html"),
    ],
    ids=["cut-session-token", "expired", "missing-secret", "50MB", "html"],
)
def test_bad_assume_role_answers_are_refused_and_never_cached(
    home, moto_url, run_guard, servers, clean_env, marker, fault, words
):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("AssumeRole", fault.pop("kind"), **fault)
    home.write_config(ROLE)
    result, seconds = timed(run_guard, "-p", "role", "--", *marker[1])
    assert result.returncode == 69, result.stderr
    assert words in result.stderr and "AssumeRole" in result.stderr, result.stderr
    assert not marker[0].exists() and cache_entries(home) == []
    assert seconds < 5
    assert "panicked" not in result.stderr


def test_cut_arn_is_refused(home, moto_url, run_guard, servers, clean_env, marker):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("GetCallerIdentity", "cut", after="<Arn>arn:aws:", keep=3)
    home.write_config(KEYS)
    result = run_guard("-p", "keys", "--", *marker[1])
    assert result.returncode == 69 and "GetCallerIdentity" in result.stderr, result.stderr
    assert not marker[0].exists()


def test_expired_role_credentials_from_the_portal(home, emulator, run_guard, servers, clean_env, marker):
    portal = servers(FaultProxy(emulator.url))
    clean_env["AWS_ENDPOINT_URL_SSO"] = portal.url

    def expire(body):
        answer = json.loads(body)
        answer["roleCredentials"]["expiration"] = 1000
        return json.dumps(answer).encode()

    portal.fault("GetRoleCredentials", "rewrite", count=None, change=expire)
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", *marker[1])
    assert result.returncode == 69, result.stderr
    assert "GetRoleCredentials" in result.stderr and "expired at 1970-01-01" in result.stderr
    assert not marker[0].exists() and cache_entries(home) == []


def test_expired_credentials_from_credential_process(home, run_guard, tmp_path, marker):
    script = tmp_path / "creds"
    script.write_text(
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", "
        "\"SecretAccessKey\": \"x\", \"SessionToken\": \"y\", \"Expiration\": \"2001-01-01T00:00:00Z\"}'\n"
    )
    script.chmod(0o755)
    home.write_config(f"[profile proc]\ncredential_process = {script}\n")
    result = run_guard("-p", "proc", "--", *marker[1])
    assert result.returncode == 78, result.stderr
    assert "credential_process of profile 'proc'" in result.stderr and "expired at 2001-01-01" in result.stderr
    assert not marker[0].exists() and cache_entries(home) == []


def near_expiry(home, emulator, minutes=5):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    emulator.add_refresh_token("refresh-1", "client-1", client_secret="secret-1")
    return sign_in(home, emulator, token="old", hours=minutes / 60, refresh_token="refresh-1",
                   client_id="client-1", client_secret="secret-1")


def test_refresh_with_a_negative_expires_in_is_refused(home, emulator, run_guard, servers, clean_env, marker):
    oidc = servers(FaultProxy(emulator.url))
    clean_env["AWS_ENDPOINT_URL_SSO_OIDC"] = oidc.url

    def negative(body):
        answer = json.loads(body)
        answer["expiresIn"] = -100
        return json.dumps(answer).encode()

    oidc.fault("CreateToken", "rewrite", change=negative)
    path = near_expiry(home, emulator, minutes=-1)
    before = path.read_text()
    result = run_guard("-p", "sandbox", "--", *marker[1])
    assert result.returncode == 69, result.stderr
    assert "already expired" in result.stderr and "CreateToken" in result.stderr
    assert path.read_text() == before and not marker[0].exists()


def test_refresh_with_the_network_down_is_69_not_sign_in(home, emulator, run_guard, marker):
    path = near_expiry(home, emulator, minutes=-1)
    result = run_guard("-p", "sandbox", "--", *marker[1], env={"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9"})
    assert result.returncode == 69, result.stderr
    assert "could not be refreshed" in result.stderr and "guard login" not in result.stderr
    assert not marker[0].exists()
    assert json.loads(path.read_text())["accessToken"] == "old"


def test_a_hanging_alias_lookup_costs_at_most_two_seconds(home, moto_url, run_guard, servers, clean_env):
    front = sts_front(moto_url, servers, clean_env)
    front.fault("ListAccountAliases", "hang", count=None)
    home.write_config(KEYS)
    result, seconds = timed(run_guard, "-p", "keys", "--", "true")
    assert result.returncode == 0, result.stderr
    assert seconds < 4, seconds
    assert front.counts["ListAccountAliases"] == 1


# --- many processes, one sign-in ------------------------------------------------------------------


def start_many(guard_bin, env, argvs):
    return [
        subprocess.Popen([str(guard_bin), *argv], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
        for argv in argvs
    ]


def test_ten_runs_near_expiry_refresh_once(home, emulator, guard_bin, clean_env):
    near_expiry(home, emulator, minutes=2)
    profiles = SSO_CONFIG + "".join(
        f"\n[profile p{i}]\nsso_session = myorg\nsso_account_id = {SANDBOX}\nsso_role_name = Admin\n" for i in range(10)
    )
    home.write_config(profiles)
    emulator.reset_counters()
    runs = start_many(guard_bin, clean_env, [["-p", f"p{i}", "--fresh", "--", "true"] for i in range(10)])
    results = [(run.wait(timeout=60), run.stderr.read()) for run in runs]
    assert all(code == 0 for code, _ in results), results
    assert emulator.counters()["CreateToken"] == 1
    assert emulator.counters()["GetRoleCredentials"] == 10


def test_five_runs_without_a_token_sign_in_once(home, emulator, spawn, tmp_path):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    show = [sys.executable, "-c", "import os; print('ACCOUNT=' + os.environ['GUARD_ACCOUNT_ID'])"]
    # One script for all five: rewriting it while a guard execs it fails with ETXTBSY.
    opener = str(browser(tmp_path))
    children = [spawn("-p", "sandbox", "--fresh", "--", *show, env={"BROWSER": opener}) for _ in range(5)]
    for child in children:
        child.expect(f"ACCOUNT={SANDBOX}", timeout=60)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    counters = emulator.counters()
    assert counters["Authorize"] == 1 and counters["RegisterClient"] == 1


def test_a_lock_left_by_a_guard_that_is_gone_holds_nobody_up(home, emulator, run_guard, guard_bin, clean_env):
    path = near_expiry(home, emulator, minutes=2)
    # A holder that dies: the kernel drops its lock, the file stays.
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True);"
         " time.sleep(60)", str(path.with_suffix(".guard-refresh.lock"))],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    waiting = start_many(guard_bin, clean_env, [["-p", "sandbox", "--", "true"]])[0]
    time.sleep(1)
    assert waiting.poll() is None  # waits for the live holder
    holder.kill()
    holder.wait()
    assert waiting.wait(timeout=20) == 0
    assert "waiting for another guard that is refreshing the sign-in to sso-session 'myorg'" in waiting.stderr.read()
    assert path.with_suffix(".guard-refresh.lock").exists()
    assert run_guard("-p", "sandbox", "--fresh", "--", "true").returncode == 0


# --- throttling in a large organization -----------------------------------------------------------


def test_populate_over_200_accounts_rides_out_429_bursts(home, emulator, run_guard, servers, clean_env):
    portal = servers(FaultProxy(emulator.url))
    clean_env["AWS_ENDPOINT_URL_SSO"] = portal.url
    accounts = [{"accountId": f"{100000000000 + i}", "accountName": f"acct-{i}", "roles": ["Admin"]} for i in range(200)]
    emulator.set_accounts(accounts)
    emulator.config(pageSize=100)
    home.write_config(SSO_CONFIG)
    sign_in(home, emulator)
    # Every 40th call is throttled twice in a row: 5 bursts over the walk.
    for burst in range(5):
        portal.fault("ListAccountRoles", "skip", count=39 if burst == 0 else 38)
        portal.fault("ListAccountRoles", "status", count=2, **throttled())
    started = time.monotonic()
    result = run_guard("populate", "--sso-session", "myorg", timeout=180)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    retries = portal.injected[("ListAccountRoles", "status")]
    assert retries == 10
    assert portal.counts["ListAccountRoles"] == 200 + retries
    assert (home.aws / "config").read_text().count("guard_populated_from = myorg") == 200
    # Paced under 20 calls a second.
    assert seconds > 200 / 20
    print(f"populate: 200 accounts, {retries} throttled calls retried, {seconds:.1f} s")


# --- `aws login` sessions -------------------------------------------------------------------------

LOGIN_ARN = "arn:aws:iam::123456789012:user/alice"
LOGIN_PROFILE = f"""\
[profile console]
login_session = {LOGIN_ARN}
region = us-east-1
"""


def write_login_session(home, hours):
    path = home.aws / "login" / "cache" / (hashlib.sha256(LOGIN_ARN.encode()).hexdigest() + ".json")
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text(json.dumps(login_session_token(datetime.now(timezone.utc) + timedelta(hours=hours))))
    path.chmod(0o600)
    return path


def test_login_session_profile_runs_verified_and_cached(home, run_guard, aws_counts, servers, clean_env):
    signin = servers(FaultProxy("http://127.0.0.1:9"))  # any call to the sign-in service would show here
    clean_env["AWS_ENDPOINT_URL_SIGNIN"] = signin.url
    home.write_config(LOGIN_PROFILE)
    write_login_session(home, hours=1)
    env = json.loads(run_guard("-p", "console", "--", *PRINT_ENV).stdout)
    assert env["AWS_SESSION_TOKEN"] == "login-session-token" and env["GUARD_ACCOUNT_ID"] == "123456789012"
    assert aws_counts.counts()["GetCallerIdentity"] == 1 and sum(signin.counts.values()) == 0
    aws_counts.reset()
    assert run_guard("-p", "console", "--", "true").returncode == 0
    assert aws_counts.counts() == {}  # cached like any source
    listing = run_guard("profiles", "--json")
    assert listing.returncode == 0, listing.stderr
    assert [p["kind"] for p in json.loads(listing.stdout) if p["name"] == "console"] == ["login"]


def test_expired_or_missing_login_session_points_to_aws_login(home, run_guard, servers, clean_env, marker):
    signin = servers(FaultProxy("http://127.0.0.1:9"))
    denied = dict(
        status=400,
        body=json.dumps({"error": "TOKEN_EXPIRED", "message": "Session expired"}),
        headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", "AccessDeniedException")],
    )
    signin.fault("CreateOAuth2Token", "status", count=None, **denied)
    clean_env["AWS_ENDPOINT_URL_SIGNIN"] = signin.url
    home.write_config(LOGIN_PROFILE)
    result = run_guard("-p", "console", "--", *marker[1])
    assert result.returncode == 78 and "aws login --profile console" in result.stderr, result.stderr
    write_login_session(home, hours=-1)
    result = run_guard("-p", "console", "--", *marker[1])
    assert result.returncode == 78 and "aws login --profile console" in result.stderr, result.stderr
    assert signin.counts["CreateOAuth2Token"] == 1
    assert not marker[0].exists() and cache_entries(home) == []
    # The refresh cannot reach the service: the network's failure, not the session's.
    clean_env["AWS_ENDPOINT_URL_SIGNIN"] = "http://127.0.0.1:9"
    result = run_guard("-p", "console", "--", *marker[1])
    assert result.returncode == 69, result.stderr
    assert not marker[0].exists()


@pytest.mark.parametrize("expires_in, code", [(900, 0), (-900, 69)])
def test_login_session_refresh(home, run_guard, servers, clean_env, marker, expires_in, code):
    signin = servers(FaultProxy("http://127.0.0.1:9"))
    answer = {
        "accessToken": {"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": "refreshed-secret",
                        "sessionToken": "refreshed-session-token"},
        "tokenType": "aws_sigv4", "expiresIn": expires_in, "refreshToken": "login-refresh-token-2",
    }
    signin.fault("CreateOAuth2Token", "status", status=200, body=json.dumps(answer),
                 headers=[("Content-Type", "application/json")])
    clean_env["AWS_ENDPOINT_URL_SIGNIN"] = signin.url
    home.write_config(LOGIN_PROFILE)
    path = write_login_session(home, hours=-1)
    result = run_guard("-p", "console", "--", *marker[1])
    assert result.returncode == code, result.stderr
    assert signin.counts["CreateOAuth2Token"] == 1 and "panicked" not in result.stderr
    if code == 0:
        assert json.loads(path.read_text())["accessToken"]["sessionToken"] == "refreshed-session-token"
    else:
        assert "sign-in refresh answer" in result.stderr, result.stderr
        assert not marker[0].exists()
