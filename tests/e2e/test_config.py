"""Reading ~/.aws/config as the AWS CLI and the SDKs read it (docs/config.md), end to end: the
settings that change the account, the region or the endpoint, against moto; and what guard refuses
where the tools would disagree. The case table is src/credentials/verify/config_cases.toml."""

import subprocess

from guardtest import PRINT_ENV, PROD, child_env

KEYS = """\
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""
# guard's own endpoints come from the config in these tests, not from the test environment.
NO_ENDPOINT_VARS = {"AWS_ENDPOINT_URL_STS": None, "AWS_ENDPOINT_URL_IAM": None}


def test_endpoint_url_in_the_profile_takes_guards_sts_calls_and_leaves_the_child_alone(home, run_guard, moto_url):
    home.write_config(
        f"""\
[profile base]
{KEYS}
[profile local]
role_arn = arn:aws:iam::{PROD}:role/Deploy
source_profile = base
endpoint_url = {moto_url}
region = eu-west-1
"""
    )
    result = run_guard("-p", "local", "--", *PRINT_ENV, env=NO_ENDPOINT_VARS)
    assert result.returncode == 0, result.stderr
    env = child_env(result)
    assert env["GUARD_ACCOUNT_ID"] == PROD
    # The child reads the same config itself; guard adds no endpoint variable.
    assert "AWS_ENDPOINT_URL" not in env and "AWS_ENDPOINT_URL_STS" not in env


def test_a_services_section_beats_the_profiles_endpoint_url(home, run_guard, moto_url):
    home.write_config(
        f"""\
[profile local]
{KEYS}endpoint_url = {moto_url}
services = elsewhere
region = eu-west-1

[services elsewhere]
sts =
  endpoint_url = http://127.0.0.1:9
"""
    )
    result = run_guard("-p", "local", "--", "true", env=NO_ENDPOINT_VARS)
    assert result.returncode == 69, result.stderr
    assert "http://127.0.0.1:9" in result.stderr


def test_aws_endpoint_url_sts_beats_the_services_section(home, run_guard, moto_url):
    home.write_config(
        f"""\
[profile local]
{KEYS}services = elsewhere
region = eu-west-1

[services elsewhere]
sts =
  endpoint_url = http://127.0.0.1:9
"""
    )
    result = run_guard("-p", "local", "--", "true", env={"AWS_ENDPOINT_URL_STS": moto_url})
    assert result.returncode == 0, result.stderr


def test_aws_region_beats_the_profiles_region_and_the_banner_says_so(home, run_guard):
    home.write_config(f"[profile p]\n{KEYS}region = eu-west-1\n")
    result = run_guard("-p", "p", "--", *PRINT_ENV, env={"AWS_REGION": "us-west-2"})
    env = child_env(result)
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-west-2"
    assert "us-west-2 ($AWS_REGION)" in result.stderr
    plain = run_guard("-p", "p", "--", *PRINT_ENV)
    assert child_env(plain)["AWS_REGION"] == "eu-west-1"
    assert "eu-west-1 (" not in plain.stderr


def test_default_and_profile_default_naming_other_accounts_are_refused(home, run_guard, tmp_path):
    marker = tmp_path / "ran"
    home.write_config(
        f"""\
[profile base]
{KEYS}
[profile default]
role_arn = arn:aws:iam::111111111111:role/Deploy
source_profile = base

[default]
role_arn = arn:aws:iam::{PROD}:role/Deploy
source_profile = base
"""
    )
    result = run_guard("--", "touch", marker)
    assert result.returncode == 78
    assert "config:10" in result.stderr and "config:6" in result.stderr, result.stderr
    assert not marker.exists()


def test_what_the_cli_accepts_is_read(home, run_guard):
    # A comment after the header, a tab after `profile`, keys indented under the header.
    home.write_config(f"[profile\tp] # sandbox\n  {KEYS.replace(chr(10), chr(10) + '  ')}region = eu-west-1\n")
    result = run_guard("-p", "p", "--", *PRINT_ENV)
    assert result.returncode == 0, result.stderr
    assert child_env(result)["AWS_REGION"] == "eu-west-1"


def test_static_keys_left_beside_a_credential_process_are_refused(home, run_guard, tmp_path):
    script = tmp_path / "creds"
    script.write_text("#!/bin/sh\necho never\n")
    script.chmod(0o755)
    home.write_config(f"[profile p]\ncredential_process = {script}\n{KEYS}")
    result = run_guard("-p", "p", "--", "true")
    assert result.returncode == 78
    assert "terraform (the Go SDK) uses the keys" in result.stderr


def test_credential_process_with_a_pipe_is_refused_without_running_it(home, run_guard, tmp_path):
    marker = tmp_path / "ran"
    home.write_config(f"[profile p]\ncredential_process = touch {marker} | cat\n")
    result = run_guard("-p", "p", "--", "true")
    assert result.returncode == 78
    assert "shell syntax ('|')" in result.stderr
    assert not marker.exists()


def test_web_identity_wins_over_source_profile(home, run_guard, tmp_path):
    token = tmp_path / "token.jwt"
    token.write_text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\n")
    home.write_config(
        f"""\
[profile base]
{KEYS}
[profile ci]
role_arn = arn:aws:iam::{PROD}:role/CiRole
web_identity_token_file = {token}
role_session_name = ci-run
source_profile = base
"""
    )
    result = run_guard("-p", "ci", "--", *PRINT_ENV)
    assert result.returncode == 0, result.stderr
    assert child_env(result)["GUARD_ACCOUNT_ID"] == PROD
    assert "CiRole/ci-run" in result.stderr


def test_whitespace_and_line_breaks_are_read_as_the_cli_reads_them(home, run_guard, clean_env):
    def cli_region():
        return subprocess.run(
            ["aws", "configure", "get", "region", "--profile", "p"],
            env=clean_env, capture_output=True, text=True, timeout=60,
        ).stdout.strip()

    # Python's strip() takes the separators \x1c..\x1f for whitespace; Rust's trim() does not.
    # (Right under the header: under a key, the line would be indented, so more of its value.)
    home.write_config(f"[profile p]\n\x1cregion = eu-central-1\x1f\n{KEYS}")
    assert cli_region() == "eu-central-1"
    result = run_guard("profiles")
    assert result.returncode == 0, result.stderr
    assert "eu-central-1" in result.stdout
    # A carriage return inside a line ends it for the CLI (universal newlines), not for the SDKs.
    home.write_config(f"[profile p]\n{KEYS}region = eu-west-1\r  x\n")
    assert cli_region() == "eu-west-1\nx"
    result = run_guard("-p", "p", "--", "true")
    assert result.returncode == 78
    assert "config:4" in result.stderr and "carriage return" in result.stderr, result.stderr
