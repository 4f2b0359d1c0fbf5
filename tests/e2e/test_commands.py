"""`guard env`, `guard credential-process` and `guard prompt` end to end: each env format read back
by its own shell, and credential-process used by the real AWS CLI and boto3."""

import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from conftest import merged_env
from guardtest import CLEARED, PRINT_ENV, SANDBOX, child_env, sso_world

# What a shell that evaluated the output prints: its environment as JSON.
DUMP_ENV = f"{sys.executable} -c 'import json, os; print(json.dumps(dict(os.environ)))'"
INHERITED = {name: "inherited" for name in CLEARED}


def guard_vars(env):
    """The variables guard decides; the test harness's own AWS settings are left out."""
    harness = ("AWS_ENDPOINT_URL", "AWS_EC2_METADATA_DISABLED")
    return {k: v for k, v in env.items() if k.startswith(("AWS_", "GUARD_")) and not k.startswith(harness)}


@pytest.fixture
def run_reference(home, emulator, run_guard):
    """The variables a run gives its command: what every env format must reproduce."""
    sso_world(home, emulator)
    return guard_vars(child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV, env=INHERITED)))


def run_shell(argv, clean_env, stdin=None):
    result = subprocess.run(
        argv,
        env=merged_env(clean_env, INHERITED),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stderr
    return guard_vars(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("shell", ["sh", "dash", "bash", "zsh"])
def test_sh_format_evaluated_by_posix_shells(shell, run_reference, guard_bin, clean_env):
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    script = f'eval "$({guard_bin} env -q -p sandbox)" && {DUMP_ENV}'
    assert run_shell([shell, "-c", script], clean_env) == run_reference


def test_fish_format_sourced_by_fish(run_reference, guard_bin, clean_env):
    if not shutil.which("fish"):
        pytest.skip("fish is not installed")
    script = f"{guard_bin} env -q -p sandbox --format fish | source; and {DUMP_ENV}"
    assert run_shell(["fish", "--no-config", "-c", script], clean_env) == run_reference


def test_powershell_format_run_by_pwsh(run_reference, guard_bin, clean_env):
    if not shutil.which("pwsh"):
        pytest.skip("PowerShell is not installed")
    script = f"{guard_bin} env -q -p sandbox --format powershell | Out-String | Invoke-Expression; {DUMP_ENV}"
    assert run_shell(["pwsh", "-NoProfile", "-Command", script], clean_env) == run_reference


def test_dotenv_format_read_by_sh(run_reference, run_guard, clean_env, tmp_path):
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "dotenv")
    assert result.returncode == 0, result.stderr
    dotenv = tmp_path / ".env"
    dotenv.write_text(result.stdout)
    env = run_shell(["sh", "-c", f"set -a; . {dotenv}; {DUMP_ENV}"], clean_env)
    # A dotenv file can only set variables: the inherited ones that a run clears stay.
    assert {k: v for k, v in env.items() if k not in CLEARED} == run_reference


def test_json_format_sets_and_clears(run_reference, run_guard):
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "json")
    document = json.loads(result.stdout)
    assert {k: v for k, v in document.items() if v is not None} == run_reference
    assert {k for k, v in document.items() if v is None} >= set(CLEARED)


def test_cmd_format_text(run_reference, run_guard):
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "cmd")
    lines = result.stdout.splitlines()
    for name, value in run_reference.items():
        # These values hold none of the characters cmd.exe needs escaped (see test_files.py).
        assert f"set {name}={value}" in lines
    assert "if defined AWS_PROFILE set AWS_PROFILE=" in lines


def test_env_shows_the_banner_on_stderr_unless_quiet(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("env", "-p", "sandbox")
    assert result.stderr.startswith("guard: sandbox · 111111111111")
    assert "export AWS_SECRET_ACCESS_KEY=" in result.stdout
    assert run_guard("env", "-q", "-p", "sandbox").stderr == ""


# --- credential-process ------------------------------------------------------------------------


def via_guard_config(guard_bin, profile="sandbox"):
    return f"\n[profile via-guard]\nregion = eu-west-1\ncredential_process = {guard_bin} credential-process -p {profile}\n"


def test_credential_process_document(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("credential-process", "-p", "sandbox")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["Version"] == 1
    assert set(document) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert datetime.fromisoformat(document["Expiration"]) > datetime.now(timezone.utc) + timedelta(minutes=50)
    assert result.stderr == ""


def test_credential_process_used_by_the_aws_cli(home, emulator, aws_counts, run_guard, guard_bin, clean_env):
    sso_world(home, emulator)
    home.write_config((home.aws / "config").read_text() + via_guard_config(guard_bin))
    command = ["aws", "--profile", "via-guard", "sts", "get-caller-identity", "--output", "json"]
    for _ in range(2):
        result = subprocess.run(command, env=clean_env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["Account"] == SANDBOX
    # The second call was served from guard's cache.
    assert emulator.counters()["GetRoleCredentials"] == 1


def test_credential_process_used_by_boto3(home, emulator, guard_bin, clean_env):
    sso_world(home, emulator)
    home.write_config((home.aws / "config").read_text() + via_guard_config(guard_bin))
    script = (
        "import boto3\n"
        "session = boto3.Session(profile_name='via-guard')\n"
        "print(session.client('sts', region_name='eu-west-1').get_caller_identity()['Arn'])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=clean_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"arn:aws:sts::{SANDBOX}:assumed-role/AWSReservedSSO_Admin_")


def test_credential_process_pointing_back_at_itself_is_a_loop(home, run_guard, guard_bin, tmp_path):
    home.write_config(
        f"[profile loop]\ncredential_process = {guard_bin} credential-process -p loop\n"
        f"[profile ping]\ncredential_process = {guard_bin} credential-process -p pong\n"
        f"[profile pong]\ncredential_process = {guard_bin} credential-process -p ping\n"
    )
    marker = tmp_path / "ran"
    for profile, chain in (("loop", "loop -> loop"), ("ping", "ping -> pong -> ping")):
        result = run_guard("-p", profile, "--", "touch", str(marker), timeout=60)
        assert result.returncode == 78, result.stderr
        assert "leads back to itself" in result.stderr and chain in result.stderr
    assert run_guard("credential-process", "-p", "loop", timeout=60).returncode == 78
    assert not marker.exists()


def test_credential_process_needs_an_explicit_profile(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("credential-process", env={"AWS_PROFILE": "sandbox"})
    assert result.returncode == 64 and "-p PROFILE" in result.stderr


# --- prompt --------------------------------------------------------------------------------------


def test_prompt_inside_a_guard_shell(home, emulator, run_guard, guard_bin):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", str(guard_bin), "prompt")
    assert result.returncode == 0, result.stderr
    name, left = result.stdout.split()
    assert name == "sandbox" and left.endswith("m") and 50 <= int(left[:-1]) <= 60


def test_prompt_reads_only_variables(run_guard, tmp_path):
    expires = (datetime.now(timezone.utc) + timedelta(minutes=90, seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    broken = tmp_path / "broken-config"
    broken.write_text("this is not a config\n")
    env = {
        "GUARD_PROFILE": "prod",
        "GUARD_ACCOUNT_ID": "222222222222",
        "GUARD_PROTECTED": "1",
        "AWS_CREDENTIAL_EXPIRATION": expires,
        "AWS_CONFIG_FILE": str(broken),
        "HOME": str(tmp_path / "nowhere"),
    }
    assert run_guard("prompt", env=env).stdout == "prod! 1h30m\n"
    assert run_guard("prompt", env={"HOME": None}).stdout == ""


def test_env_and_prompt_carry_the_policy_marks(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    policy = tmp_path / "policy.toml"
    policy.write_text(f'[[accounts]]\nid = "{SANDBOX}"\nname = "sandbox-main"\nprotected = true\n')
    result = run_guard("env", "-q", "-p", "sandbox", "--policy", policy, "--confirm", "sandbox-main", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["GUARD_PROTECTED"] == "1" and document["GUARD_ACCOUNT_NAME"] == "sandbox-main"
    shell_vars = {k: v for k, v in document.items() if v is not None and k.startswith(("GUARD_", "AWS_CRED"))}
    segment = run_guard("prompt", env=shell_vars).stdout
    assert segment.startswith("sandbox-main! ") and segment.endswith("m\n")
