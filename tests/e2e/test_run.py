"""guard's run path end to end: real binary, moto for STS and IAM, the Identity Center emulator."""

import json
import signal
import socket
import stat
import sys

import pytest

from guardtest import (
    CLEARED,
    OTHER_START_URL,
    PRINT_ENV,
    PROD,
    ROLE_CHAIN,
    SANDBOX,
    SSO_CONFIG,
    START_URL,
    STATIC_KEYS,
    child_env,
    in_hours,
    sign_in,
    sso_world,
)

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def marker_child(tmp_path):
    """A child that leaves a file behind, so a test can tell whether it ran."""
    marker = tmp_path / "child-ran"
    return marker, ["touch", str(marker)]


# --- IAM Identity Center profiles -------------------------------------------------------------


def test_sso_session_profile_runs_with_verified_identity(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["GUARD_ACCOUNT_ID"] == SANDBOX
    assert env["GUARD_PROFILE"] == "sandbox"
    assert env["GUARD_ACCOUNT_NAME"] == "sandbox"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["AWS_CREDENTIAL_EXPIRATION"].startswith("20")
    banner = result.stderr.strip()
    # The permission set and the user, not the generated role name (that stays in whoami).
    assert banner.startswith("guard: sandbox · 111111111111 (sandbox) · Admin · alice · eu-west-1 · "), banner
    assert banner.endswith("m left") and "AWSReservedSSO" not in banner
    assert len(banner) <= 100
    counters = emulator.counters()
    assert counters["GetRoleCredentials"] == 1
    assert counters["CreateToken"] == 0


def test_real_aws_cli_as_child_sees_the_sandbox_account(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", "aws", "sts", "get-caller-identity", "--output", "text")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == SANDBOX
    assert "AWSReservedSSO_Admin_" in result.stdout


def test_boto3_as_child_uses_the_injected_credentials(home, emulator, run_guard):
    sso_world(home, emulator)
    script = "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])"
    result = run_guard("-p", "prod", "--", sys.executable, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PROD


def test_two_organizations_each_use_their_own_sign_in(home, emulator, run_guard):
    config = SSO_CONFIG + f"""
[sso-session other]
sso_start_url = {OTHER_START_URL}
sso_region = us-east-1

[profile other-prod]
sso_session = other
sso_account_id = 333333333333
sso_role_name = Admin
"""
    emulator.set_accounts(
        [
            {"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]},
            {"accountId": "333333333333", "accountName": "other-prod", "roles": ["Admin"]},
        ]
    )
    home.write_config(config)
    sign_in(home, emulator, session="myorg", token="token-a")
    sign_in(home, emulator, session="other", token="token-b", start_url=OTHER_START_URL)
    assert child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == SANDBOX
    assert child_env(run_guard("-p", "other-prod", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == "333333333333"
    used = [r for r in emulator.requests() if r["operation"] == "GetRoleCredentials"]
    assert len(used) == 2


def test_legacy_sso_profile(home, emulator, run_guard):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["ReadOnly"]}])
    home.write_config(
        f"""\
[profile legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = {SANDBOX}
sso_role_name = ReadOnly
"""
    )
    sign_in(home, emulator, session=START_URL, token="legacy-token")
    env = child_env(run_guard("-p", "legacy", "--", *PRINT_ENV))
    assert env["GUARD_ACCOUNT_ID"] == SANDBOX


def test_token_near_expiry_is_refreshed_and_written_back(home, emulator, run_guard):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    emulator.add_refresh_token("refresh-1", "client-1", client_secret="secret-1")
    # 10 minutes left: inside botocore's 15-minute window, so guard must refresh.
    sign_in(
        home,
        emulator,
        token="old-token",
        hours=10 / 60,
        refresh_token="refresh-1",
        client_id="client-1",
        client_secret="secret-1",
    )
    before = home.read_sso_token("myorg")
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 0, result.stderr
    assert emulator.counters()["CreateToken"] == 1
    after = home.read_sso_token("myorg")
    assert after["accessToken"] != "old-token"
    assert after["expiresAt"] > before["expiresAt"]
    assert after["expiresAt"].endswith("Z") and len(after["expiresAt"]) == 20
    assert set(before) <= set(after)
    assert after["startUrl"] == before["startUrl"] and after["clientId"] == "client-1"
    path = home.sso_token_path("myorg")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The refreshed token is the one the next run uses, without another refresh.
    emulator.reset_counters()
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert emulator.counters()["CreateToken"] == 0


def test_not_signed_in_names_the_session_and_the_command(home, emulator, run_guard, tmp_path):
    home.write_config(SSO_CONFIG)
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "sandbox", "--", *child)
    assert result.returncode == 78
    assert "sso-session 'myorg'" in result.stderr
    assert "guard login --sso-session myorg" in result.stderr
    assert not marker.exists()


def test_expired_token_without_refresh_is_a_config_error(home, emulator, run_guard, tmp_path):
    home.write_config(SSO_CONFIG)
    home.write_sso_token("myorg", "stale", in_hours(-1))
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "sandbox", "--", *child)
    assert result.returncode == 78
    assert "expired" in result.stderr and "guard login --sso-session myorg" in result.stderr
    assert not marker.exists()


def test_token_rejected_by_the_portal(home, emulator, run_guard):
    sso_world(home, emulator)
    emulator.expire("token-myorg")
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 78
    assert "guard login --sso-session myorg" in result.stderr


def test_no_access_to_account_names_account_and_role(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    emulator.deny(PROD, "Admin")
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "prod", "--", *child)
    assert result.returncode == 77
    assert PROD in result.stderr and "'Admin'" in result.stderr
    assert not marker.exists()


def test_damaged_token_cache_is_an_error(home, emulator, run_guard):
    home.write_config(SSO_CONFIG)
    path = sign_in(home, emulator)
    path.write_text("{not json")
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 78
    assert "damaged" in result.stderr and str(path) in result.stderr


# --- static keys, roles, processes, web identity ----------------------------------------------


def test_static_keys_from_the_credentials_file(home, run_guard):
    home.write_credentials(STATIC_KEYS)
    result = run_guard("-p", "base", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAIOSFODNN7EXAMPLE"
    assert "AWS_SESSION_TOKEN" not in env and "AWS_CREDENTIAL_EXPIRATION" not in env
    assert "long-term keys" in result.stderr
    assert SECRET not in result.stderr


def test_static_keys_from_the_config_file(home, run_guard):
    home.write_config("[profile cfg]\n" + STATIC_KEYS.split("\n", 1)[1])
    assert child_env(run_guard("-p", "cfg", "--", *PRINT_ENV))["AWS_ACCESS_KEY_ID"] == "AKIAIOSFODNN7EXAMPLE"


def test_role_chain_of_two_hops(home, run_guard):
    home.write_credentials(STATIC_KEYS)
    home.write_config(ROLE_CHAIN)
    result = run_guard("-p", "prod", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["GUARD_ACCOUNT_ID"] == PROD
    assert "Deploy/deploy-session" in result.stderr
    # duration_seconds is honoured: 30 minutes, not the default hour.
    assert "29m left" in result.stderr or "30m left" in result.stderr


def test_role_chain_loop_is_reported_with_the_chain(home, run_guard):
    home.write_config(
        f"""\
[profile a]
role_arn = arn:aws:iam::{PROD}:role/A
source_profile = b

[profile b]
role_arn = arn:aws:iam::{PROD}:role/B
source_profile = a
"""
    )
    result = run_guard("-p", "a", "--", "true")
    assert result.returncode == 78
    assert "a -> b -> a" in result.stderr
    assert "config:7:" in result.stderr


def test_source_profile_with_keys_uses_them(home, run_guard):
    # A source profile with static keys ignores its own role_arn, as the AWS CLI does.
    home.write_credentials(STATIC_KEYS)
    home.write_config(
        f"""\
[profile base]
role_arn = arn:aws:iam::{SANDBOX}:role/Ignored
[profile target]
role_arn = arn:aws:iam::{PROD}:role/Target
source_profile = base
"""
    )
    result = run_guard("-p", "target", "--", *PRINT_ENV)
    assert child_env(result)["GUARD_ACCOUNT_ID"] == PROD


def test_credential_source_environment(home, run_guard):
    home.write_config(
        f"""\
[profile envrole]
role_arn = arn:aws:iam::{PROD}:role/FromEnv
credential_source = Environment
"""
    )
    keys = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET}
    env = child_env(run_guard("-p", "envrole", "--", *PRINT_ENV, env=keys))
    assert env["GUARD_ACCOUNT_ID"] == PROD
    assert env["AWS_ACCESS_KEY_ID"] != "AKIAIOSFODNN7EXAMPLE"
    result = run_guard("-p", "envrole", "--", "true")
    assert result.returncode == 78 and "AWS_ACCESS_KEY_ID" in result.stderr


def test_mfa_without_a_terminal_is_a_clear_error(home, run_guard, tmp_path):
    home.write_credentials(STATIC_KEYS)
    home.write_config(
        f"""\
[profile mfa]
role_arn = arn:aws:iam::{PROD}:role/Mfa
source_profile = base
mfa_serial = arn:aws:iam::{SANDBOX}:mfa/alice
"""
    )
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "mfa", "--", *child)
    assert result.returncode == 78, result.stderr
    assert "needs an MFA code" in result.stderr
    assert not marker.exists()


def write_process_script(tmp_path, body):
    script = tmp_path / "creds.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script


def test_credential_process(home, run_guard, tmp_path):
    script = write_process_script(
        tmp_path,
        f"""echo '{{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{SECRET}", "Expiration": "2099-01-01T00:00:00Z"}}'
""",
    )
    home.write_config(f'[profile proc]\ncredential_process = "{script}" --flag "two words"\n')
    result = run_guard("-p", "proc", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAIOSFODNN7EXAMPLE"
    assert env["AWS_CREDENTIAL_EXPIRATION"].startswith("2099-01-01T00:00:00")


def test_failing_credential_process_shows_its_stderr_and_code(home, run_guard, tmp_path):
    script = write_process_script(tmp_path, "echo 'vault is sealed' >&2\nexit 3\n")
    home.write_config(f"[profile proc]\ncredential_process = {script}\n")
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "proc", "--", *child)
    assert result.returncode == 78
    assert "vault is sealed" in result.stderr and "exit code 3" in result.stderr
    assert "config:2" in result.stderr
    assert not marker.exists()


def test_credential_process_with_bad_output_never_echoes_it(home, run_guard, tmp_path):
    script = write_process_script(tmp_path, f"echo '{{\"Version\": 1, \"SecretAccessKey\": \"{SECRET}\"'\n")
    home.write_config(f"[profile proc]\ncredential_process = {script}\n")
    result = run_guard("-p", "proc", "--", "true")
    assert result.returncode == 78
    assert SECRET not in result.stderr


def test_web_identity(home, run_guard, tmp_path):
    token = tmp_path / "token.jwt"
    token.write_text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\n")
    home.write_config(
        f"""\
[profile ci]
role_arn = arn:aws:iam::{PROD}:role/CiRole
web_identity_token_file = {token}
role_session_name = ci-run
"""
    )
    result = run_guard("-p", "ci", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["GUARD_ACCOUNT_ID"] == PROD
    assert "CiRole/ci-run" in result.stderr


# --- identity -----------------------------------------------------------------------------------


def test_account_alias_from_iam_is_the_account_name(home, run_guard, set_account_alias):
    home.write_credentials(STATIC_KEYS)
    home.write_config(ROLE_CHAIN)
    set_account_alias(PROD, "acme-prod")
    result = run_guard("-p", "prod", "--", *PRINT_ENV)
    assert child_env(result)["GUARD_ACCOUNT_NAME"] == "acme-prod"
    assert f"{PROD} (acme-prod)" in result.stderr


def test_no_name_without_alias_or_portal(home, run_guard):
    home.write_credentials(STATIC_KEYS)
    result = run_guard("-p", "base", "--", *PRINT_ENV)
    assert "GUARD_ACCOUNT_NAME" not in child_env(result)


def test_credentials_of_another_account_are_refused(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    emulator.config(mintAccounts={PROD: "333333333333"})
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "prod", "--", *child)
    assert result.returncode == 77
    assert f"promises account {PROD}" in result.stderr and "belong to account 333333333333" in result.stderr
    assert not marker.exists()


# --- selecting the profile ------------------------------------------------------------------------


def test_profile_order_flag_then_aws_profile_then_default(home, emulator, run_guard):
    sso_world(home, emulator)
    default = f"[default]\nsso_session = myorg\nsso_account_id = {PROD}\nsso_role_name = Admin"
    home.write_config(SSO_CONFIG.replace("[default]\nregion = us-east-1", default))
    assert child_env(run_guard("--", *PRINT_ENV))["GUARD_PROFILE"] == "default"
    env = child_env(run_guard("--", *PRINT_ENV, env={"AWS_PROFILE": "sandbox"}))
    assert env["GUARD_PROFILE"] == "sandbox" and "AWS_PROFILE" not in env
    flagged = run_guard("-p", "prod", "--", *PRINT_ENV, env={"AWS_PROFILE": "sandbox"})
    assert child_env(flagged)["GUARD_PROFILE"] == "prod"


def test_unknown_profile_suggests_close_names(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbx", "--", "true")
    assert result.returncode == 78
    assert "did you mean sandbox" in result.stderr
    result = run_guard("--", "true", env={"AWS_PROFILE": "prd"})
    assert result.returncode == 78 and "$AWS_PROFILE" in result.stderr and "prod" in result.stderr


def test_no_profile_and_no_terminal_lists_profiles_and_both_ways(home, run_guard, tmp_path):
    home.write_config(
        f"[profile one]\nrole_arn = arn:aws:iam::{PROD}:role/R\nsource_profile = two\n[profile two]\nregion = x\n"
    )
    marker, child = marker_child(tmp_path)
    result = run_guard("--", *child)
    assert result.returncode == 78
    for text in ("guard -p NAME --", "export AWS_PROFILE=NAME", "one", "two", PROD):
        assert text in result.stderr
    assert "Unable to locate credentials" not in result.stderr
    assert not marker.exists()


def test_config_and_credentials_paths_from_the_environment(home, tmp_path, run_guard):
    config = tmp_path / "elsewhere-config"
    creds = tmp_path / "elsewhere-creds"
    config.write_text(f"[profile far]\nrole_arn = arn:aws:iam::{PROD}:role/Far\nsource_profile = keys\n")
    creds.write_text(STATIC_KEYS.replace("[base]", "[keys]"))
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(creds)}
    assert child_env(run_guard("-p", "far", "--", *PRINT_ENV, env=env))["GUARD_ACCOUNT_ID"] == PROD


def test_malformed_config_names_file_and_line(home, run_guard, tmp_path):
    path = home.write_config("[profile ok]\nregion = us-east-1\nthis line is broken\n")
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "ok", "--", *child)
    assert result.returncode == 78
    assert f"{path}:3:" in result.stderr
    assert not marker.exists()


# --- the child's environment and the banner -----------------------------------------------------


def test_environment_set_cleared_and_kept(home, emulator, run_guard):
    sso_world(home, emulator)
    inherited = {name: "inherited" for name in CLEARED}
    inherited.update(
        {
            "AWS_PROFILE": "prod",
            "AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
            "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
            "MY_OWN": "kept",
        }
    )
    result = run_guard("-p", "sandbox", "--", *PRINT_ENV, env=inherited)
    env = child_env(result)
    for name in CLEARED:
        assert name not in env, name
    assert env["AWS_CA_BUNDLE"] == "/etc/ssl/certs/ca-certificates.crt"
    assert env["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:1"
    assert env["AWS_ENDPOINT_URL_STS"].startswith("http://127.0.0.1:")
    assert env["MY_OWN"] == "kept"


def test_inherited_session_token_is_removed_for_long_term_keys(home, run_guard):
    home.write_credentials(STATIC_KEYS)
    stale = {"AWS_SESSION_TOKEN": "stale", "GUARD_ACCOUNT_NAME": "stale"}
    env = child_env(run_guard("-p", "base", "--", *PRINT_ENV, env=stale))
    assert "AWS_SESSION_TOKEN" not in env and "GUARD_ACCOUNT_NAME" not in env


def test_region_flag_then_inherited_then_profile(home, emulator, run_guard):
    sso_world(home, emulator)
    flagged = run_guard("-p", "sandbox", "-r", "ap-south-1", "--", *PRINT_ENV, env={"AWS_REGION": "us-west-2"})
    assert child_env(flagged)["AWS_REGION"] == "ap-south-1"
    # As every AWS tool does, the variable beats the profile's region.
    inherited = run_guard("-p", "sandbox", "--", *PRINT_ENV, env={"AWS_REGION": "us-west-2"})
    assert child_env(inherited)["AWS_REGION"] == "us-west-2"
    home.write_credentials(STATIC_KEYS)
    env = child_env(run_guard("-p", "base", "--", *PRINT_ENV, env={"AWS_DEFAULT_REGION": "us-west-2"}))
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-west-2"


def test_banner_on_stderr_only_and_quiet(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", "echo", "hello")
    assert result.stdout == "hello\n"
    assert result.stderr.startswith("guard: sandbox")
    assert run_guard("-q", "-p", "sandbox", "--", "echo", "hi").stderr == ""
    assert run_guard("-p", "sandbox", "--", "echo", "hi", env={"GUARD_QUIET": "1"}).stderr == ""
    failed = run_guard("-q", "-p", "nope", "--", "true")
    assert failed.returncode == 78 and "nope" in failed.stderr


def test_colour_only_when_asked(home, emulator, run_guard):
    sso_world(home, emulator)
    assert "\x1b[" not in run_guard("-p", "sandbox", "--", "true").stderr
    forced = run_guard("-p", "sandbox", "--", "true", env={"NO_COLOR": None, "CLICOLOR_FORCE": "1"})
    assert "\x1b[" in forced.stderr
    both = run_guard("-p", "sandbox", "--", "true", env={"NO_COLOR": "1", "CLICOLOR_FORCE": "1"})
    assert "\x1b[" not in both.stderr


def test_guard_inside_guard_says_it_switched(home, emulator, run_guard, guard_bin):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", str(guard_bin), "-p", "prod", "--", *PRINT_ENV)
    env = child_env(result)
    assert env["GUARD_PROFILE"] == "prod" and env["GUARD_ACCOUNT_ID"] == PROD
    assert "sandbox → prod (switched from sandbox)" in result.stderr


def test_no_command_starts_the_shell(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    shell = tmp_path / "fake-shell"
    shell.write_text(f'#!/bin/sh\necho "$GUARD_ACCOUNT_ID" > {tmp_path}/shell-ran\n')
    shell.chmod(0o755)
    result = run_guard("-p", "sandbox", env={"SHELL": str(shell)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shell-ran").read_text().strip() == SANDBOX
    assert f"starting {shell}" in result.stderr


# --- running the command -------------------------------------------------------------------------


def test_arguments_pass_through_byte_for_byte(home, emulator, run_guard):
    sso_world(home, emulator)
    args = ["two words", "-p", "prod", "--", "--region=x", "ünïcode", "", "$HOME", "*"]
    script = "import json, sys; print(json.dumps(sys.argv[1:]))"
    result = run_guard("-p", "sandbox", sys.executable, "-c", script, *args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == args


def test_exit_status_and_signals_are_the_childs(home, emulator, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "sh", "-c", "exit 42").returncode == 42
    killed = run_guard("-p", "sandbox", "--", "sh", "-c", "kill -TERM $$")
    assert killed.returncode == -signal.SIGTERM


def test_command_not_found_and_not_executable(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    missing = run_guard("-p", "sandbox", "--", "no-such-command-xyz")
    assert missing.returncode == 127 and "command not found: no-such-command-xyz" in missing.stderr
    plain = tmp_path / "plain.txt"
    plain.write_text("not a program")
    denied = run_guard("-p", "sandbox", "--", str(plain))
    assert denied.returncode == 126 and "permission denied" in denied.stderr


def test_usage_errors_exit_64(run_guard):
    assert run_guard("--no-such-flag").returncode == 64


def test_a_region_that_cannot_be_one_is_refused_readably(home, run_guard, tmp_path):
    home.write_credentials(STATIC_KEYS)
    marker, child = marker_child(tmp_path)
    flagged = run_guard("-p", "base", "-r", "eu west 1", "--", *child)
    assert flagged.returncode == 64 and "'eu west 1' is not an AWS region" in flagged.stderr
    home.write_config("[profile base]\nregion = eu west 1\n")
    configured = run_guard("-p", "base", "--", *child)
    assert configured.returncode == 78, configured.stderr
    assert "config:2:" in configured.stderr and "'eu west 1' is not an AWS region" in configured.stderr
    home.write_config("[profile base]\n")
    inherited = run_guard("-p", "base", "--", *child, env={"AWS_REGION": "EU_WEST"})
    assert inherited.returncode == 78 and "$AWS_REGION" in inherited.stderr
    for result in (flagged, configured, inherited):
        assert "Error {" not in result.stderr and "ConstructionFailure" not in result.stderr
    assert not marker.exists()


def test_unreachable_sts_is_69_and_names_the_endpoint(home, run_guard, tmp_path):
    home.write_credentials(STATIC_KEYS)
    marker, child = marker_child(tmp_path)
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    result = run_guard("-p", "base", "--", *child, env={"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"})
    assert result.returncode == 69
    assert "http://127.0.0.1:9" in result.stderr and "GetCallerIdentity" in result.stderr
    assert not marker.exists()


def test_silent_sts_times_out_with_69(home, run_guard, tmp_path):
    home.write_credentials(STATIC_KEYS)
    marker, child = marker_child(tmp_path)
    # A listener that never answers: only guard's own timeout can end the wait.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = run_guard("-p", "base", "--", *child, env={"AWS_ENDPOINT_URL_STS": url}, timeout=60)
    assert result.returncode == 69
    assert url in result.stderr
    assert not marker.exists()


def test_bad_role_arn_is_a_config_error_with_its_line(home, run_guard, tmp_path):
    home.write_config("[profile broken]\nrole_arn = not-an-arn\nsource_profile = base\n")
    home.write_credentials(STATIC_KEYS)
    marker, child = marker_child(tmp_path)
    result = run_guard("-p", "broken", "--", *child)
    assert result.returncode == 78 and "config:2:" in result.stderr
    assert not marker.exists()


def test_no_secret_in_any_output(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    # The child keeps its environment in a file, so that stdout is guard's as much as stderr is.
    dump = tmp_path / "child-env.json"
    child = [sys.executable, "-c", f"import json, os; open({str(dump)!r}, 'w').write(json.dumps(dict(os.environ)))"]
    result = run_guard("-p", "sandbox", "--", *child)
    assert result.returncode == 0, result.stderr
    env = json.loads(dump.read_text())
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    log = home.path / ".local" / "state" / "guard" / "audit.jsonl"
    if log.exists():
        outputs["audit log"] = log.read_text()
    for secret in (env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"], "token-myorg"):
        for name, text in outputs.items():
            assert secret not in text, name


# --- guard's own subcommands -----------------------------------------------------------------------


def test_whoami_json_reports_the_verified_identity(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("whoami", "-p", "sandbox", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["profile"] == "sandbox" and report["account_id"] == SANDBOX
    assert report["account_name"] == "sandbox" and report["region"] == "eu-west-1"
    assert report["arn"].startswith(f"arn:aws:sts::{SANDBOX}:assumed-role/AWSReservedSSO_Admin_")
    assert report["expires_at"].startswith("20") and report["user_id"]


def test_double_dash_runs_a_program_named_like_a_subcommand(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    program = tmp_path / "whoami"
    program.write_text("#!/bin/sh\necho program-ran\n")
    program.chmod(0o755)
    result = run_guard("-p", "sandbox", "--", "whoami", env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert result.stdout == "program-ran\n"


def test_quick_start_aws_s3_ls_shows_banner_and_listing(home, emulator, run_guard, moto_url):
    sso_world(home, emulator)
    s3 = {"AWS_ENDPOINT_URL_S3": moto_url}
    made = run_guard("-p", "sandbox", "--", "aws", "s3", "mb", "s3://quick-start-bucket", env=s3)
    assert made.returncode == 0, made.stderr
    listing = run_guard("-p", "sandbox", "--", "aws", "s3", "ls", env=s3)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.strip().endswith("quick-start-bucket")
    assert listing.stderr.startswith("guard: sandbox · 111111111111 (sandbox)")
