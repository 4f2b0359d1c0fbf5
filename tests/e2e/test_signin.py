"""guard login and logout end to end: PKCE and device code against the Identity Center emulator,
the token cache shared with the real AWS CLI, and two organizations at once."""

import json
import stat
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import merged_env
from guardtest import (
    OTHER_START_URL,
    PRINT_ENV,
    PROD,
    SANDBOX,
    SSO_CONFIG,
    START_URL,
    browser,
    child_env,
    in_hours,
    registration_cache_path,
    sign_in,
)

ACCOUNTS = [
    {"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin", "ReadOnly"]},
    {"accountId": PROD, "accountName": "prod", "roles": ["Admin"]},
]

TWO_ORGS = SSO_CONFIG + f"""
[sso-session other]
sso_start_url = {OTHER_START_URL}
sso_region = us-east-1

[profile other-prod]
sso_session = other
sso_account_id = 333333333333
sso_role_name = Admin
"""

LEGACY_CONFIG = f"""\
[profile legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = {SANDBOX}
sso_role_name = ReadOnly
"""


@pytest.fixture
def world(home, emulator):
    emulator.set_accounts(ACCOUNTS)
    home.write_config(SSO_CONFIG)


@pytest.fixture
def start_guard(guard_bin, clean_env):
    """start_guard(*args, env=None) -> Popen of guard without a terminal, for flows steered while they run."""
    started = []

    def start(*args, env=None):
        process = subprocess.Popen(
            [str(guard_bin), *map(str, args)],
            env=merged_env(clean_env, env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def finish(process, timeout=30):
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr


def wait_for_device(emulator, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        devices = emulator.devices()
        if devices:
            return devices[-1]
        time.sleep(0.05)
    pytest.fail("guard started no device authorization")


def secrets_of(token_file):
    return [token_file[k] for k in ("accessToken", "refreshToken", "clientSecret") if k in token_file]


def assert_no_secret(result, token_file):
    for secret in secrets_of(token_file):
        assert secret not in result.stdout and secret not in result.stderr


# --- PKCE ------------------------------------------------------------------------------------------


def test_pkce_sign_in_end_to_end(home, emulator, world, run_guard, tmp_path):
    page = browser(tmp_path)
    result = run_guard("login", env={"BROWSER": str(page)})
    assert result.returncode == 0, result.stderr
    assert "signed in to sso-session 'myorg'" in result.stderr

    path = home.sso_token_path("myorg")
    token = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert token["startUrl"] == START_URL and token["region"] == "us-east-1"
    assert set(token) == {
        "startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
        "registrationExpiresAt", "refreshToken",
    }
    assert token["expiresAt"].endswith("Z") and len(token["expiresAt"]) == 20
    issued = {t["accessToken"] for t in emulator.tokens()["accessTokens"]}
    assert token["accessToken"] in issued
    assert_no_secret(result, token)

    counters = emulator.counters()
    assert (counters["RegisterClient"], counters["Authorize"], counters["CreateToken"]) == (1, 1, 1)
    assert counters["StartDeviceAuthorization"] == 0
    authorize = next(r for r in emulator.requests() if r["operation"] == "Authorize")["query"]
    assert authorize["code_challenge_method"] == "S256" and len(authorize["code_challenge"]) == 43
    assert authorize["client_id"] == token["clientId"]
    assert authorize["scopes"] == "sso:account:access"
    redirect = urlsplit(authorize["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/oauth/callback")
    assert "close this tab" in page.with_name("browser.page").read_text()
    assert authorize["client_id"] in result.stderr  # the URL is always printed

    # The registration is cached where the AWS CLI looks for it, in its format.
    registration = json.loads(registration_cache_path(home, "myorg").read_text())
    assert registration["clientId"] == token["clientId"]
    assert registration["grantTypes"] == ["authorization_code", "refresh_token"]
    assert registration["scopes"] == ["sso:account:access"]
    assert set(registration) == {"clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"}

    emulator.reset_counters()
    env = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    assert env["GUARD_ACCOUNT_ID"] == SANDBOX
    assert emulator.counters()["CreateToken"] == 0


def test_pkce_listener_is_not_held_up_by_an_idle_connection(home, emulator, world, run_guard, tmp_path):
    started = time.monotonic()
    result = run_guard("login", env={"BROWSER": str(browser(tmp_path)), "BROWSER_PRECONNECT": "1"})
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 8  # guard gives an idle connection 10 s


def test_pkce_wrong_state_is_rejected(home, emulator, world, run_guard, tmp_path):
    forging = browser(tmp_path, forge_state=True)
    result = run_guard("login", env={"BROWSER": str(forging)})
    assert result.returncode == 77, result.stderr
    assert "wrong state" in result.stderr
    assert not home.sso_token_path("myorg").exists()
    assert emulator.counters()["CreateToken"] == 0
    assert forging.with_name("forging-browser.page").read_text().strip() == "400"


def test_pkce_denied_in_the_browser(home, emulator, world, run_guard, tmp_path):
    emulator.config(denyAuthorize=True)
    result = run_guard("login", env={"BROWSER": str(browser(tmp_path))})
    assert result.returncode == 77, result.stderr
    assert "access_denied" in result.stderr
    assert not home.sso_token_path("myorg").exists()


def test_second_login_reuses_the_registration(home, emulator, world, run_guard, tmp_path):
    env = {"BROWSER": str(browser(tmp_path))}
    assert run_guard("login", env=env).returncode == 0
    first = home.read_sso_token("myorg")
    assert run_guard("login", "--sso-session", "myorg", env=env).returncode == 0
    second = home.read_sso_token("myorg")
    counters = emulator.counters()
    assert counters["RegisterClient"] == 1 and counters["Authorize"] == 2
    assert second["clientId"] == first["clientId"]
    assert second["accessToken"] != first["accessToken"]


def test_registration_cached_by_the_aws_cli_is_reused(home, emulator, world, run_guard, tmp_path):
    emulator.add_refresh_token("unused", "cid-from-cli", client_secret="secret-from-cli")
    path = registration_cache_path(home, "myorg")
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text(
        json.dumps(
            {
                "clientId": "cid-from-cli",
                "clientSecret": "secret-from-cli",
                "expiresAt": in_hours(24 * 30).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "scopes": ["sso:account:access"],
                "grantTypes": ["authorization_code", "refresh_token"],
            }
        )
    )
    result = run_guard("login", env={"BROWSER": str(browser(tmp_path))})
    assert result.returncode == 0, result.stderr
    assert emulator.counters()["RegisterClient"] == 0
    assert home.read_sso_token("myorg")["clientId"] == "cid-from-cli"


# --- device code -----------------------------------------------------------------------------------


def test_device_code_pending_then_approved(home, emulator, world, start_guard):
    process = start_guard("login", "--use-device-code")
    device = wait_for_device(emulator)
    while emulator.devices()[-1]["pendingAnswers"] < 2:
        time.sleep(0.1)
    emulator.device("approve", user_code=device["userCode"])
    code, _, stderr = finish(process)
    assert code == 0, stderr
    assert device["userCode"] in stderr and "/device?user_code=" in stderr
    token = home.read_sso_token("myorg")
    assert token["refreshToken"] and token["clientId"]
    registration = json.loads(registration_cache_path(home, "myorg").read_text())
    assert registration["grantTypes"] == ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]
    counters = emulator.counters()
    assert counters["Authorize"] == 0 and counters["StartDeviceAuthorization"] == 1
    assert counters["CreateToken"] == 3  # pending, pending, approved


def test_device_code_slow_down_adds_five_seconds(home, emulator, world, start_guard):
    emulator.config(deviceAutoApprovePolls=0)
    process = start_guard("login", "--use-device-code")
    wait_for_device(emulator)
    emulator.device("slow_down")
    code, _, stderr = finish(process)
    assert code == 0, stderr
    polls = [r for r in emulator.requests() if r["operation"] == "CreateToken"]
    assert [p["errorType"] for p in polls] == ["SlowDownException", None]
    assert polls[1]["time"] - polls[0]["time"] >= 5.5  # interval 1 s + 5 s


@pytest.mark.parametrize(
    "action, exit_code, words",
    [("deny", 77, "was denied"), ("expire", 78, "expired before it was approved")],
)
def test_device_code_denied_or_expired(home, emulator, world, start_guard, action, exit_code, words):
    process = start_guard("login", "--use-device-code")
    wait_for_device(emulator)
    emulator.device(action)
    code, _, stderr = finish(process)
    assert code == exit_code, stderr
    assert words in stderr and "guard login --sso-session myorg" in stderr
    assert not home.sso_token_path("myorg").exists()


@pytest.mark.parametrize(
    "env, args",
    [({"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}, []), ({}, []), ({"BROWSER": "/nonexistent"}, ["--no-browser"])],
    ids=["over-ssh", "no-display", "no-browser-flag"],
)
def test_device_code_when_no_browser_can_be_used(home, emulator, world, run_guard, env, args):
    emulator.config(deviceAutoApprovePolls=0)
    result = run_guard("login", *args, env=env)
    assert result.returncode == 0, result.stderr
    counters = emulator.counters()
    assert counters["StartDeviceAuthorization"] == 1 and counters["Authorize"] == 0


def test_legacy_profile_signs_in_with_the_device_code(home, emulator, run_guard, tmp_path):
    emulator.set_accounts(ACCOUNTS)
    emulator.config(deviceAutoApprovePolls=0)
    home.write_config(LEGACY_CONFIG)
    result = run_guard("login", "-p", "legacy", env={"BROWSER": str(browser(tmp_path))})
    assert result.returncode == 0, result.stderr
    assert emulator.counters()["Authorize"] == 0
    token = home.read_sso_token(START_URL)
    assert "refreshToken" not in token  # legacy clients get none, as with the AWS CLI
    assert child_env(run_guard("-p", "legacy", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == SANDBOX


# --- refresh and the AWS CLI -----------------------------------------------------------------------


def test_token_from_guard_login_is_refreshed_when_near_expiry(home, emulator, world, run_guard, tmp_path):
    emulator.config(accessTokenSeconds=600)  # inside the 15-minute window from the start
    assert run_guard("login", env={"BROWSER": str(browser(tmp_path))}).returncode == 0
    signed_in = home.read_sso_token("myorg")
    emulator.reset_counters()
    emulator.config(accessTokenSeconds=28800)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert emulator.counters()["CreateToken"] == 1
    refreshed = home.read_sso_token("myorg")
    assert refreshed["accessToken"] != signed_in["accessToken"]
    assert refreshed["expiresAt"] > signed_in["expiresAt"]
    assert refreshed["clientId"] == signed_in["clientId"]


def aws_cli(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_cli_uses_and_refreshes_the_token_guard_wrote(home, emulator, world, run_guard, clean_env, tmp_path):
    assert run_guard("login", env={"BROWSER": str(browser(tmp_path))}).returncode == 0
    result = aws_cli(clean_env, "sts", "get-caller-identity", "--profile", "prod")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Account"] == PROD

    # botocore refreshes with the refresh token and registration guard stored.
    emulator.config(accessTokenSeconds=600)
    assert run_guard("login", env={"BROWSER": str(browser(tmp_path))}).returncode == 0
    emulator.config(accessTokenSeconds=28800)
    before = home.read_sso_token("myorg")
    emulator.reset_counters()
    result = aws_cli(clean_env, "sts", "get-caller-identity", "--profile", "sandbox")
    assert result.returncode == 0, result.stderr
    assert emulator.counters()["CreateToken"] == 1
    assert home.read_sso_token("myorg")["accessToken"] != before["accessToken"]


def test_guard_uses_a_token_the_aws_cli_wrote(home, emulator, world, run_guard, clean_env):
    emulator.add_token("near-expiry", expires_in=300)
    emulator.add_refresh_token("rt-cli", "cid-cli", "secret-cli")
    home.write_sso_token(
        "myorg", "near-expiry", in_hours(5 / 60), refresh_token="rt-cli", client_id="cid-cli", client_secret="secret-cli"
    )
    # The AWS CLI refreshes the token and writes the cache file itself, in botocore's format.
    result = aws_cli(clean_env, "sts", "get-caller-identity", "--profile", "sandbox")
    assert result.returncode == 0, result.stderr
    written_by_botocore = home.read_sso_token("myorg")
    assert written_by_botocore["accessToken"] != "near-expiry"
    emulator.reset_counters()
    env = child_env(run_guard("-p", "prod", "--", *PRINT_ENV))
    assert env["GUARD_ACCOUNT_ID"] == PROD
    assert emulator.counters()["CreateToken"] == 0


# --- choosing sessions, two organizations, logout ---------------------------------------------------


def test_several_sessions_without_a_terminal_are_listed(home, emulator, run_guard):
    home.write_config(TWO_ORGS)
    result = run_guard("login")
    assert result.returncode == 78
    assert "myorg, other" in result.stderr and "--all" in result.stderr


def test_no_session_configured_explains_what_to_add(home, run_guard):
    home.write_config("[default]\nregion = us-east-1\n")
    result = run_guard("login")
    assert result.returncode == 78
    assert "[sso-session" in result.stderr and "sso_start_url" in result.stderr


def test_naming_a_session_two_ways_is_a_usage_error(home, run_guard):
    home.write_config(TWO_ORGS)
    assert run_guard("login", "--all", "--sso-session", "myorg").returncode == 64
    assert run_guard("login", "-p", "sandbox", "--sso-session", "myorg").returncode == 64


def test_two_organizations_signed_in_at_once(home, emulator, run_guard, tmp_path):
    emulator.set_accounts(ACCOUNTS + [{"accountId": "333333333333", "accountName": "other-prod", "roles": ["Admin"]}])
    home.write_config(TWO_ORGS)
    result = run_guard("login", "--all", env={"BROWSER": str(browser(tmp_path))})
    assert result.returncode == 0, result.stderr
    assert "sso-session 'myorg'" in result.stderr and "sso-session 'other'" in result.stderr
    myorg, other = home.read_sso_token("myorg"), home.read_sso_token("other")
    assert other["startUrl"] == OTHER_START_URL and myorg["accessToken"] != other["accessToken"]

    assert child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == SANDBOX
    assert child_env(run_guard("-p", "other-prod", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == "333333333333"

    assert run_guard("logout", "--sso-session", "other").returncode == 0
    assert not home.sso_token_path("other").exists() and home.sso_token_path("myorg").exists()
    assert child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == SANDBOX
    assert run_guard("-p", "other-prod", "--", "true").returncode == 78


def test_logout_revokes_the_token_and_removes_the_file(home, emulator, world, run_guard, tmp_path):
    assert run_guard("login", env={"BROWSER": str(browser(tmp_path))}).returncode == 0
    token = home.read_sso_token("myorg")["accessToken"]
    result = run_guard("logout")
    assert result.returncode == 0, result.stderr
    assert "signed out of sso-session 'myorg'" in result.stderr
    assert not home.sso_token_path("myorg").exists()
    assert registration_cache_path(home, "myorg").exists()  # a registration is no sign-in
    assert emulator.counters()["Logout"] == 1
    revoked = {t["accessToken"]: t["revoked"] for t in emulator.tokens()["accessTokens"]}
    assert revoked[token] is True

    again = run_guard("logout")
    assert again.returncode == 0 and "nothing to do" in again.stderr
    assert emulator.counters()["Logout"] == 1


def test_logout_all_and_a_token_already_invalid(home, emulator, run_guard):
    home.write_config(TWO_ORGS)
    sign_in(home, emulator, session="myorg", token="tok-a")
    sign_in(home, emulator, session="other", token="tok-b", start_url=OTHER_START_URL)
    emulator.expire("tok-b")  # the portal no longer knows it: still a clean logout
    result = run_guard("logout", "--all")
    assert result.returncode == 0, result.stderr
    assert not home.sso_token_path("myorg").exists() and not home.sso_token_path("other").exists()
    assert emulator.counters()["Logout"] == 2


def test_logout_removes_the_file_even_when_the_portal_is_down(home, emulator, world, run_guard):
    sign_in(home, emulator)
    result = run_guard("logout", env={"AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"})
    assert result.returncode == 69
    assert "Logout" in result.stderr and "127.0.0.1:9" in result.stderr
    assert not home.sso_token_path("myorg").exists()


def test_without_a_terminal_a_run_names_the_exact_login_command(home, emulator, run_guard):
    emulator.set_accounts(ACCOUNTS)
    home.write_config(SSO_CONFIG + "\n" + LEGACY_CONFIG)
    result = run_guard("-p", "legacy", "--", "true")
    assert result.returncode == 78
    assert "sign in with: guard login -p legacy" in result.stderr
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 78
    assert "sign in with: guard login --sso-session myorg" in result.stderr
    assert emulator.counters()["RegisterClient"] == 0  # no sign-in was started


def test_login_through_a_role_profile_and_refusal_for_static_keys(home, emulator, world, run_guard):
    emulator.config(deviceAutoApprovePolls=0)
    home.write_config(
        SSO_CONFIG
        + f"\n[profile deploy]\nrole_arn = arn:aws:iam::{PROD}:role/Deploy\nsource_profile = sandbox\n"
        + "\n[profile keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
    )
    result = run_guard("login", "-p", "deploy")
    assert result.returncode == 0, result.stderr
    assert "signed in to sso-session 'myorg'" in result.stderr
    refused = run_guard("login", "-p", "keys")
    assert refused.returncode == 78 and "does not use IAM Identity Center" in refused.stderr
