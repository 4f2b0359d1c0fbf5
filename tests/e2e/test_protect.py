"""Plain `aws` with AWS_PROFILE in a protected account: `guard protect` rewrites the profile so the
AWS CLI gets its credentials from `guard credential-process --caller`, which decides the aws
command that asked. The real AWS CLI against moto and the emulator; a pty where a person types."""

import json
import subprocess
import sys

import pexpect

from guardtest import PROD, PROD_BLOCK, sso_world


def setup(home, emulator, run_guard):
    sso_world(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(PROD_BLOCK)
    policy.chmod(0o600)
    before = (home.aws / "config").read_bytes()
    result = run_guard("protect", "prod")
    assert result.returncode == 0, result.stderr
    assert "protected 'prod'" in result.stderr
    return before


def aws(clean_env, moto_url, *args, **extra):
    """The real AWS CLI with AWS_PROFILE=prod, no terminal (its own session, stdin closed)."""
    return subprocess.run(
        ["aws", *args], env=aws_env(clean_env, moto_url, **extra), capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL, start_new_session=True,
    )


def make_bucket(clean_env, moto_url, name):
    # Consent from a script reaches guard through the CLI's environment.
    made = aws(clean_env, moto_url, "s3", "mb", f"s3://{name}", GUARD_CONFIRM="prod")
    assert made.returncode == 0, made.stderr


def aws_env(clean_env, moto_url, **extra):
    return {**clean_env, "AWS_PROFILE": "prod", "AWS_ENDPOINT_URL_S3": moto_url, "AWS_DEFAULT_REGION": "us-east-1", **extra}


def test_a_read_just_runs_and_a_removal_without_a_terminal_fails(home, emulator, run_guard, clean_env, moto_url):
    setup(home, emulator, run_guard)
    make_bucket(clean_env, moto_url, "prod-logs")
    ls = aws(clean_env, moto_url, "s3", "ls")
    assert ls.returncode == 0, ls.stderr
    assert "prod-logs" in ls.stdout
    who = aws(clean_env, moto_url, "sts", "get-caller-identity", "--output", "json")
    assert json.loads(who.stdout)["Account"] == PROD
    rb = aws(clean_env, moto_url, "s3", "rb", "s3://prod-logs")
    assert rb.returncode != 0
    assert "needs confirmation" in rb.stderr and "aws s3 rb" in rb.stderr, rb.stderr
    assert "prod-logs" in aws(clean_env, moto_url, "s3", "ls").stdout


def test_with_a_terminal_and_the_name_typed_it_runs(home, emulator, run_guard, clean_env, moto_url):
    setup(home, emulator, run_guard)
    make_bucket(clean_env, moto_url, "prod-tmp")
    child = pexpect.spawn("aws", ["s3", "rb", "s3://prod-tmp"], env=aws_env(clean_env, moto_url), encoding="utf-8", timeout=60)
    child.expect("Type the account's name")
    child.sendline("prod")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "prod-tmp" not in aws(clean_env, moto_url, "s3", "ls").stdout


def test_guard_itself_still_runs_the_protected_profile(home, emulator, run_guard):
    setup(home, emulator, run_guard)
    result = run_guard("-p", "prod", "--", "sh", "-c", "echo $GUARD_ACCOUNT_ID")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PROD


def test_a_caller_guard_does_not_judge_is_an_export(home, emulator, run_guard, clean_env, moto_url):
    setup(home, emulator, run_guard)
    script = "import boto3\nprint(boto3.Session().client('sts', region_name='us-east-1').get_caller_identity()['Account'])\n"
    result = subprocess.run(
        [sys.executable, "-c", script], env=aws_env(clean_env, moto_url), capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    assert result.returncode != 0
    assert "guard does not judge that program" in result.stderr, result.stderr
    assert "to hand out its credentials" in result.stderr or "needs confirmation" in result.stderr


def test_undo_restores_the_file_byte_for_byte_and_protect_is_idempotent(home, emulator, run_guard):
    before = setup(home, emulator, run_guard)
    once = (home.aws / "config").read_bytes()
    again = run_guard("protect", "prod")
    assert again.returncode == 0 and "was protected already" in again.stderr
    assert (home.aws / "config").read_bytes() == once
    assert (home.aws / "config.guard-backup").read_bytes() == before
    undo = run_guard("protect", "--undo", "prod")
    assert undo.returncode == 0, undo.stderr
    assert (home.aws / "config").read_bytes() == before


def test_all_protected_picks_the_profiles_of_protected_accounts(home, emulator, run_guard):
    sso_world(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(PROD_BLOCK)
    policy.chmod(0o600)
    result = run_guard("protect", "--all-protected")
    assert result.returncode == 0, result.stderr
    assert "protected 'prod'" in result.stderr and "sandbox" not in result.stderr


def test_a_caller_s_secret_is_not_shown(home, emulator, run_guard, clean_env, moto_url):
    setup(home, emulator, run_guard)
    script = "import boto3,sys\nboto3.Session().client('sts', region_name='us-east-1').get_caller_identity()\n"
    result = subprocess.run(
        [sys.executable, "-c", script, "--token", "SEKRET-XYZ"], env=aws_env(clean_env, moto_url), capture_output=True,
        text=True, timeout=60, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    assert result.returncode != 0
    assert "guard does not judge that program" in result.stderr, result.stderr
    assert "SEKRET-XYZ" not in result.stderr
