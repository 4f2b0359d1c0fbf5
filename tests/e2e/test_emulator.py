"""The Identity Center emulator, checked with botocore (the reference client) and the AWS CLI.

These tests need no guard binary: they prove the emulator speaks the wire formats the
AWS clients expect, so that guard's end-to-end tests can trust it.
"""

import base64
import hashlib
import http.client
import json
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
START_URL = "https://d-1234567890.awsapps.com/start"
REDIRECT_URI = "http://127.0.0.1/oauth/callback"


def unsigned_client(service, url):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", config=Config(signature_version=UNSIGNED))


@pytest.fixture
def sso(emulator):
    return unsigned_client("sso", emulator.url)


@pytest.fixture
def oidc(emulator):
    return unsigned_client("sso-oidc", emulator.url)


@pytest.fixture
def sandbox(emulator):
    """Two accounts; alice holds token 'tok-alice'."""
    emulator.set_accounts(
        [
            {"accountId": ACCOUNT, "accountName": "sandbox", "roles": ["Admin", "ReadOnly"]},
            {"accountId": OTHER_ACCOUNT, "accountName": "prod", "roles": ["ReadOnly"]},
        ]
    )
    emulator.add_token("tok-alice")
    return "tok-alice"


def raw_request(url, method, path, body=None, headers=None):
    """One HTTP exchange, no redirects followed: (status, headers, body bytes)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def moto_identity(moto_url, creds):
    sts = boto3.client(
        "sts",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
    )
    return sts.get_caller_identity()


# --- portal ---------------------------------------------------------------------------


def test_role_credentials_are_moto_credentials_of_the_account(sso, sandbox, moto_url, emulator):
    before = time.time()
    creds = sso.get_role_credentials(roleName="Admin", accountId=ACCOUNT, accessToken=sandbox)["roleCredentials"]

    identity = moto_identity(moto_url, creds)
    assert identity["Account"] == ACCOUNT
    role = emulator.reserved_role_name("Admin")
    assert role.startswith("AWSReservedSSO_Admin_") and len(role) == len("AWSReservedSSO_Admin_") + 16
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/alice"
    # expiration is epoch milliseconds, one hour ahead by default
    assert before + 3590 <= creds["expiration"] / 1000 <= time.time() + 3610


def test_role_credentials_follow_user_and_configured_duration(sso, sandbox, moto_url, emulator):
    emulator.add_token("tok-bob", user="bob")
    emulator.config(roleCredentialSeconds=900)
    creds = sso.get_role_credentials(roleName="ReadOnly", accountId=OTHER_ACCOUNT, accessToken="tok-bob")[
        "roleCredentials"
    ]
    identity = moto_identity(moto_url, creds)
    assert identity["Arn"] == f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/{emulator.reserved_role_name('ReadOnly')}/bob"
    assert abs(creds["expiration"] / 1000 - (time.time() + 900)) < 10


def test_unknown_expired_and_logged_out_tokens_are_unauthorized(sso, sandbox, emulator):
    with pytest.raises(sso.exceptions.UnauthorizedException) as excinfo:
        sso.list_accounts(accessToken="no-such-token")
    assert error_of(excinfo) == ("UnauthorizedException", 401)

    emulator.add_token("tok-short")
    emulator.expire("tok-short")
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.get_role_credentials(roleName="Admin", accountId=ACCOUNT, accessToken="tok-short")

    sso.list_accounts(accessToken=sandbox)
    sso.logout(accessToken=sandbox)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=sandbox)


def test_expire_without_token_expires_every_token(sso, sandbox, emulator):
    emulator.add_token("tok-2")
    emulator.expire()
    for token in (sandbox, "tok-2"):
        with pytest.raises(sso.exceptions.UnauthorizedException):
            sso.list_accounts(accessToken=token)


@pytest.mark.parametrize(
    "account, role, denied",
    [(ACCOUNT, "Billing", False), ("333333333333", "Admin", False), (ACCOUNT, "Admin", True)],
    ids=["role-not-assigned", "account-not-assigned", "denied"],
)
def test_no_access_is_forbidden(sso, sandbox, emulator, account, role, denied):
    if denied:
        emulator.deny(account, role)
    # ForbiddenException is what AWS answers but is not in the sso model: botocore gives a plain ClientError.
    assert not hasattr(sso.exceptions, "ForbiddenException")
    with pytest.raises(ClientError) as excinfo:
        sso.get_role_credentials(roleName=role, accountId=account, accessToken=sandbox)
    assert error_of(excinfo) == ("ForbiddenException", 403)
    assert excinfo.value.response["Error"]["Message"] == "No access"


def test_error_wire_format(emulator, sandbox):
    status, headers, body = raw_request(
        emulator.url, "GET", "/federation/credentials?role_name=Admin&account_id=1", headers={"x-amz-sso_bearer_token": "x"}
    )
    assert status == 401
    assert headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert json.loads(body) == {"message": "Session token not found or invalid"}


def test_list_accounts_paginates(sso, emulator):
    accounts = [{"accountId": f"{n:012d}", "accountName": f"acct{n}", "roles": ["Admin"]} for n in range(1, 6)]
    emulator.set_accounts(accounts)
    emulator.add_token("tok")

    first = sso.list_accounts(accessToken="tok")
    assert [a["accountId"] for a in first["accountList"]] == ["000000000001", "000000000002"]
    assert first["accountList"][0] == {
        "accountId": "000000000001",
        "accountName": "acct1",
        "emailAddress": "acct1@example.com",
    }
    assert "nextToken" in first

    pages = list(sso.get_paginator("list_accounts").paginate(accessToken="tok"))
    assert [a["accountId"] for p in pages for a in p["accountList"]] == [a["accountId"] for a in accounts]
    assert len(pages) == 3 and "nextToken" not in pages[-1]

    whole = sso.list_accounts(accessToken="tok", maxResults=10)
    assert len(whole["accountList"]) == 5 and "nextToken" not in whole


def test_list_account_roles_paginates(sso, emulator):
    emulator.set_accounts(
        [{"accountId": ACCOUNT, "roles": ["A", "B", "C"]}, {"accountId": OTHER_ACCOUNT, "roles": ["Z"]}]
    )
    emulator.add_token("tok")
    pages = list(sso.get_paginator("list_account_roles").paginate(accessToken="tok", accountId=ACCOUNT))
    assert [len(p["roleList"]) for p in pages] == [2, 1]
    assert [r for p in pages for r in p["roleList"]] == [{"roleName": n, "accountId": ACCOUNT} for n in "ABC"]
    assert sso.list_account_roles(accessToken="tok", accountId="999999999999")["roleList"] == []


@pytest.mark.parametrize(
    "query", ["next_token=garbage", "max_result=0", "max_result=abc"], ids=["next-token", "zero", "not-a-number"]
)
def test_bad_paging_input_is_invalid_request(emulator, sandbox, query):
    status, headers, body = raw_request(
        emulator.url, "GET", f"/assignment/accounts?{query}", headers={"x-amz-sso_bearer_token": sandbox}
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert "message" in json.loads(body)


# --- OIDC: device code ------------------------------------------------------------------


def register(oidc, **kw):
    return oidc.register_client(clientName="tests", clientType="public", **kw)


def start_device(oidc, client):
    return oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=START_URL
    )


def poll(oidc, client, device):
    return oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=device["deviceCode"],
    )


def test_register_client_answer(oidc):
    before = int(time.time())
    client = register(oidc)
    assert client["clientId"] and client["clientSecret"]
    assert before <= client["clientIdIssuedAt"] <= time.time()
    assert client["clientSecretExpiresAt"] - client["clientIdIssuedAt"] == 90 * 86400
    assert "authorizationEndpoint" not in client


def test_device_flow_pending_then_approved(oidc, sso, emulator):
    emulator.set_accounts([{"accountId": ACCOUNT, "roles": ["Admin"]}])
    client = register(oidc)
    device = start_device(oidc, client)
    assert device["verificationUriComplete"] == f"{emulator.url}/device?user_code={device['userCode']}"
    assert device["interval"] == 1 and device["expiresIn"] == 600

    with pytest.raises(oidc.exceptions.AuthorizationPendingException) as excinfo:
        poll(oidc, client, device)
    assert error_of(excinfo) == ("AuthorizationPendingException", 400)
    assert excinfo.value.response["error"] == "authorization_pending"

    assert [d["status"] for d in emulator.devices()] == ["pending"]
    emulator.device("approve", user_code=device["userCode"])
    token = poll(oidc, client, device)
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 28800
    assert "refreshToken" not in token  # a client registered without grant types is a legacy one
    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"][0]["accountId"] == ACCOUNT

    with pytest.raises(oidc.exceptions.InvalidGrantException):
        poll(oidc, client, device)  # a device code is redeemed once


@pytest.mark.parametrize(
    "action, error", [("deny", "AccessDeniedException"), ("expire", "ExpiredTokenException")]
)
def test_device_flow_denied_or_expired(oidc, emulator, action, error):
    client = register(oidc)
    device = start_device(oidc, client)
    emulator.device(action, device_code=device["deviceCode"])
    with pytest.raises(ClientError) as excinfo:
        poll(oidc, client, device)
    assert error_of(excinfo) == (error, 400)
    assert isinstance(excinfo.value, getattr(oidc.exceptions, error))


def test_device_flow_slow_down(oidc, emulator):
    client = register(oidc)
    device = start_device(oidc, client)
    emulator.device("slow_down", count=2)  # the latest authorization
    for expected in ("SlowDownException", "SlowDownException", "AuthorizationPendingException"):
        with pytest.raises(ClientError) as excinfo:
            poll(oidc, client, device)
        assert error_of(excinfo) == (expected, 400)
    assert emulator.devices()[0]["polls"] == 3


def test_device_flow_auto_approves_after_k_pending_answers(oidc, emulator):
    emulator.config(deviceAutoApprovePolls=2)
    client = register(oidc)
    device = start_device(oidc, client)
    for _ in range(2):
        with pytest.raises(oidc.exceptions.AuthorizationPendingException):
            poll(oidc, client, device)
    assert poll(oidc, client, device)["accessToken"]


def test_device_verification_page_approves(oidc, emulator):
    client = register(oidc)
    device = start_device(oidc, client)
    page = urlsplit(device["verificationUriComplete"])
    status, _, _ = raw_request(emulator.url, "GET", f"{page.path}?{page.query}")
    assert status == 200
    assert poll(oidc, client, device)["accessToken"]


def test_wrong_client_secret_is_invalid_client(oidc):
    client = register(oidc)
    with pytest.raises(oidc.exceptions.InvalidClientException) as excinfo:
        start_device(oidc, {**client, "clientSecret": "wrong"})
    assert error_of(excinfo) == ("InvalidClientException", 401)


# --- OIDC: refresh tokens -----------------------------------------------------------------


def refresh(oidc, client, refresh_token):
    return oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="refresh_token",
        refreshToken=refresh_token,
    )


def test_refresh_token_grant(oidc, sso, emulator, sandbox):
    client = register(oidc, grantTypes=[DEVICE_GRANT, "refresh_token"], scopes=["sso:account:access"])
    device = start_device(oidc, client)
    emulator.device("approve", user="carol")
    first = poll(oidc, client, device)

    second = refresh(oidc, client, first["refreshToken"])
    assert second["accessToken"] != first["accessToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert sso.list_accounts(accessToken=second["accessToken"])["accountList"]
    issued = {t["accessToken"]: t["user"] for t in emulator.tokens()["accessTokens"]}
    assert issued[second["accessToken"]] == "carol"

    assert refresh(oidc, client, first["refreshToken"])["accessToken"]  # the old one still works by default
    emulator.config(rotateRefreshTokens=True)
    refresh(oidc, client, first["refreshToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, client, first["refreshToken"])


def test_seeded_refresh_token(oidc, emulator):
    emulator.add_refresh_token("rt-1", "cid-1", "secret-1", user="dave")
    client = {"clientId": "cid-1", "clientSecret": "secret-1"}
    assert refresh(oidc, client, "rt-1")["refreshToken"]
    with pytest.raises(oidc.exceptions.InvalidClientException):
        refresh(oidc, {**client, "clientSecret": "nope"}, "rt-1")
    emulator.expire(refresh_token="rt-1")
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, client, "rt-1")


# --- OIDC: authorization code with PKCE ----------------------------------------------------


def pkce_pair():
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(emulator, client, challenge, redirect_uri="http://127.0.0.1:54321/oauth/callback", state="st-123"):
    """What the browser does: GET the authorization endpoint; returns (status, redirect query or body)."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["clientId"],
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": "sso:account:access",
            "code_challenge": challenge,
        }
    )
    status, headers, body = raw_request(emulator.url, "GET", f"{urlsplit(client['authorizationEndpoint']).path}?{query}")
    if status != 302:
        return status, json.loads(body)
    location = urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri
    return status, {k: v[0] for k, v in parse_qs(location.query).items()}


def auth_code_client(oidc):
    return register(
        oidc,
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=[REDIRECT_URI],
        issuerUrl=START_URL,
        scopes=["sso:account:access"],
    )


def exchange(oidc, client, code, verifier, redirect_uri="http://127.0.0.1:54321/oauth/callback"):
    return oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="authorization_code",
        code=code,
        redirectUri=redirect_uri,
        codeVerifier=verifier,
    )


def test_authorization_code_with_pkce(oidc, emulator):
    client = auth_code_client(oidc)
    assert client["authorizationEndpoint"] == f"{emulator.url}/authorize"
    assert client["tokenEndpoint"] == f"{emulator.url}/token"
    verifier, challenge = pkce_pair()

    status, answer = authorize(emulator, client, challenge)
    assert status == 302 and answer["state"] == "st-123"
    token = exchange(oidc, client, answer["code"], verifier)
    assert token["accessToken"] and token["refreshToken"]

    with pytest.raises(oidc.exceptions.InvalidGrantException):
        exchange(oidc, client, answer["code"], verifier)  # codes are single use


@pytest.mark.parametrize("bad", ["verifier", "redirect_uri"])
def test_authorization_code_rejects_mismatch(oidc, emulator, bad):
    client = auth_code_client(oidc)
    verifier, challenge = pkce_pair()
    _, answer = authorize(emulator, client, challenge)
    kwargs = {"verifier": "x" * 64} if bad == "verifier" else {"redirect_uri": "http://127.0.0.1:1/oauth/callback"}
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        exchange(oidc, client, answer["code"], **{"verifier": verifier, **kwargs})


def test_authorize_refuses_unregistered_redirect_and_can_deny(oidc, emulator):
    client = auth_code_client(oidc)
    _, challenge = pkce_pair()
    status, body = authorize(emulator, client, challenge, redirect_uri="http://evil.example/oauth/callback")
    assert status == 400 and body["error"] == "invalid_redirect_uri"

    emulator.config(denyAuthorize=True)
    status, answer = authorize(emulator, client, challenge)
    assert status == 302 and answer == {"error": "access_denied", "state": "st-123"}


# --- robustness, counters, requests ----------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body, status, error_type",
    [
        ("POST", "/token", b"not json", 400, "InvalidRequestException"),
        ("POST", "/token", b"[1, 2]", 400, "InvalidRequestException"),
        ("POST", "/client/register", b'{"clientName": 5}', 400, "InvalidRequestException"),
        ("POST", "/_admin/config", b'{"pageSize": 0}', 400, "InvalidRequestException"),
        ("POST", "/_admin/accounts", b'{"accounts": "x"}', 400, "InvalidRequestException"),
        ("GET", "/nowhere", None, 404, "UnknownOperationException"),
    ],
)
def test_bad_input_gets_an_error_answer(emulator, method, path, body, status, error_type):
    got_status, headers, _ = raw_request(emulator.url, method, path, body=body)
    assert (got_status, headers["x-amzn-ErrorType"]) == (status, error_type)
    assert raw_request(emulator.url, "GET", "/_admin/counters")[0] == 200  # still serving


def test_counters_and_request_log(sso, oidc, sandbox, emulator):
    assert set(emulator.counters().values()) == {0}
    sso.list_accounts(accessToken=sandbox)
    sso.get_role_credentials(roleName="Admin", accountId=ACCOUNT, accessToken=sandbox)
    with pytest.raises(ClientError):
        sso.get_role_credentials(roleName="Nope", accountId=ACCOUNT, accessToken=sandbox)
    register(oidc)
    counters = emulator.counters()
    assert counters == {
        "GetRoleCredentials": 2,
        "ListAccounts": 1,
        "ListAccountRoles": 0,
        "Logout": 0,
        "RegisterClient": 1,
        "StartDeviceAuthorization": 0,
        "CreateToken": 0,
        "Authorize": 0,
    }
    log = [(r["operation"], r["status"]) for r in emulator.requests()]
    assert ("GetRoleCredentials", 403) in log and ("RegisterClient", 200) in log

    emulator.reset_counters()
    assert set(emulator.counters().values()) == {0}


# --- the AWS CLI, through the emulator and moto ------------------------------------------------

SSO_SESSION_CONFIG = f"""\
    [profile sandbox]
    sso_session = org
    sso_account_id = {ACCOUNT}
    sso_role_name = Admin
    region = us-east-1

    [sso-session org]
    sso_start_url = {START_URL}
    sso_region = us-east-1
    sso_registration_scopes = sso:account:access
"""


def aws_cli(clean_env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        env=clean_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_aws_cli_uses_a_cached_sso_session_token(home, emulator, clean_env):
    emulator.set_accounts([{"accountId": ACCOUNT, "roles": ["Admin"]}])
    emulator.add_token("tok-cli")
    home.write_config(SSO_SESSION_CONFIG)
    home.write_sso_token("org", "tok-cli", datetime.now(timezone.utc) + timedelta(hours=1))

    identity = aws_cli(clean_env, "sts", "get-caller-identity", "--profile", "sandbox")
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{emulator.reserved_role_name('Admin')}/alice"
    assert emulator.counters()["GetRoleCredentials"] == 1


def test_aws_cli_refreshes_a_nearly_expired_token(home, emulator, clean_env):
    emulator.set_accounts([{"accountId": ACCOUNT, "roles": ["Admin"]}])
    emulator.add_token("tok-old", expires_in=300)
    emulator.add_refresh_token("rt-cli", "cid-cli", "secret-cli")
    home.write_config(SSO_SESSION_CONFIG)
    path = home.write_sso_token(
        "org",
        "tok-old",
        datetime.now(timezone.utc) + timedelta(minutes=5),  # inside botocore's 15-minute refresh window
        refresh_token="rt-cli",
        client_id="cid-cli",
        client_secret="secret-cli",
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"

    assert aws_cli(clean_env, "sts", "get-caller-identity", "--profile", "sandbox")["Account"] == ACCOUNT
    assert emulator.counters()["CreateToken"] == 1
    cached = home.read_sso_token("org")
    assert cached["accessToken"] != "tok-old" and cached["refreshToken"] != "rt-cli"
    assert cached["accessToken"] in {t["accessToken"] for t in emulator.tokens()["accessTokens"]}
