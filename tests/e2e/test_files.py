"""guard and the files and streams around it: a closed pipe, a file that is not a regular file,
text from a portal that must stay data."""

import configparser
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import merged_env
from guardtest import PROD, SANDBOX, SESSION_ONLY, SSO_CONFIG, sign_in, sso_world

PANIC = ("panicked", "RUST_BACKTRACE", "thread 'main'")


def run_closed(guard_bin, clean_env, *args, stderr_closed=False, env=None):
    """Runs guard with a stdout whose reader is gone (as after `| head -0`); returns (status, stderr)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    err_read, err_write = os.pipe()
    if stderr_closed:
        os.close(err_read)
    try:
        process = subprocess.run(
            [str(guard_bin), *args],
            env=merged_env(clean_env, env),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=err_write,
            timeout=30,
            start_new_session=True,
        )
    finally:
        os.close(write_end)
        os.close(err_write)
    if stderr_closed:
        return process.returncode, ""
    with os.fdopen(err_read, "rb") as err:
        return process.returncode, err.read().decode()


# --- a closed stdout or stderr -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args, status",
    [
        (["profiles"], 0),
        (["profiles", "--json"], 0),
        (["whoami", "--json", "-p", "sandbox"], 0),
        (["whoami", "-p", "sandbox"], 0),
        (["policy", "check"], 0),
        (["policy", "explain", "--account", "111111111111", "--", "aws", "s3", "ls"], 0),
        # The output is the point: a reader that got nothing must see a failure.
        (["env", "-q", "-p", "sandbox"], 74),
        (["credential-process", "-p", "sandbox"], 74),
    ],
)
def test_closed_stdout_ends_quietly(args, status, home, emulator, guard_bin, clean_env):
    sso_world(home, emulator)
    code, stderr = run_closed(guard_bin, clean_env, *args)
    assert code == status, stderr
    assert not any(word in stderr for word in PANIC), stderr
    assert "error" not in stderr


@pytest.mark.parametrize(
    "args, status",
    [
        (["profiles"], 0),
        (["whoami", "-p", "sandbox"], 0),
        # As with stderr open: the keys are the point, so a reader that got nothing sees a failure.
        (["env", "-p", "sandbox"], 74),
    ],
)
def test_closed_stdout_and_stderr_never_abort(args, status, home, emulator, guard_bin, clean_env):
    sso_world(home, emulator)
    code, _ = run_closed(guard_bin, clean_env, *args, stderr_closed=True)
    # The status a closed stdout gives, with no error to print: never a signal (SIGABRT is -6
    # here) nor the panic status 101.
    assert code == status, code


def test_closed_stderr_keeps_the_error_status(home, guard_bin, clean_env):
    home.write_config("[profile a]\nregion = eu-west-1\n")
    code, _ = run_closed(guard_bin, clean_env, "-p", "missing", "--", "true", stderr_closed=True)
    assert code == 78


# --- a FIFO, a directory or a device in place of a file ----------------------------------------

KINDS = ["fifo", "directory", "device"]
# Generous: a file that blocks guard blocks it forever, so any bound tells a hang from an answer.
HANG = 20


def make_special(path, kind):
    """Puts a FIFO, a directory or a character device (a symlink to /dev/zero) at path."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "directory":
        path.mkdir(mode=0o700)
    else:
        path.symlink_to("/dev/zero")


def run_marked(run_guard, tmp_path, *args, **kwargs):
    """Runs guard with a child that leaves a mark; returns (result, whether the child ran)."""
    marker = tmp_path / "child-ran"
    if marker.exists():
        marker.unlink()
    result = run_guard(*args, "--", "touch", str(marker), timeout=HANG, **kwargs)
    return result, marker.exists()


def assert_refused(result, ran, path):
    assert result.returncode == 78, result.stderr
    assert not ran
    assert str(path) in result.stderr
    assert "not a regular file" in result.stderr
    assert not any(word in result.stderr for word in PANIC)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", ["config", "credentials"])
def test_shared_files_must_be_regular(which, kind, home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    path = home.aws / which
    make_special(path, kind)
    assert_refused(*run_marked(run_guard, tmp_path, "-p", "sandbox"), path)
    result = run_guard("profiles", timeout=HANG)
    assert result.returncode == 78 and str(path) in result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_sso_token_cache_must_be_regular(kind, home, emulator, run_guard, tmp_path):
    token = sso_world(home, emulator)
    make_special(token, kind)
    assert_refused(*run_marked(run_guard, tmp_path, "-p", "sandbox"), token)
    # `guard profiles` shows every profile; the sign-in state of these it cannot tell, and says so.
    result = run_guard("profiles", timeout=HANG)
    assert result.returncode == 0, result.stderr
    for profile in ("sandbox", "prod"):
        row = next(line for line in result.stdout.splitlines() if f" {profile} " in line)
        assert row.endswith("damaged token cache"), row


@pytest.mark.parametrize("kind", KINDS)
def test_own_cache_entry_that_is_not_a_file_is_a_miss(kind, home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    assert run_marked(run_guard, tmp_path, "-p", "sandbox")[1]
    cache = home.path / ".cache" / "guard"
    entries = sorted((cache / "credentials").glob("*.json")) + sorted((cache / "accounts").glob("*.json"))
    assert entries
    for entry in entries:
        make_special(entry, kind)
    result, ran = run_marked(run_guard, tmp_path, "-p", "sandbox")
    assert result.returncode == 0, result.stderr
    assert ran
    assert "warning" in result.stderr and "not a regular file" in result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_lock_that_is_not_a_file_does_not_stall(kind, home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    assert run_marked(run_guard, tmp_path, "-p", "sandbox")[1]
    credentials = home.path / ".cache" / "guard" / "credentials"
    credentials_before = list(credentials.glob("*.json"))
    for entry in list(credentials.glob("*")):
        entry.unlink()
    locks = {path.with_suffix(".lock") for path in credentials_before}
    for lock in locks:
        make_special(lock, kind)
    result, ran = run_marked(run_guard, tmp_path, "-p", "sandbox")
    assert result.returncode == 0, result.stderr
    assert ran


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", ["flag", "user", "project"])
def test_policy_files_must_be_regular(where, kind, home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    project = tmp_path / "repo"
    project.mkdir()
    args = []
    if where == "flag":
        path = tmp_path / "policy.toml"
        args = ["--policy", str(path)]
    elif where == "user":
        path = home.path / ".config" / "guard" / "policy.toml"
    else:
        path = project / ".guard.toml"
    make_special(path, kind)
    assert_refused(*run_marked(run_guard, tmp_path, "-p", "sandbox", *args, cwd=project), path)


@pytest.mark.parametrize("kind", KINDS)
def test_web_identity_token_file_must_be_regular(kind, home, run_guard, tmp_path):
    token = tmp_path / "web-identity-token"
    make_special(token, kind)
    home.write_config(
        "[profile web]\nrole_arn = arn:aws:iam::111111111111:role/Web\n"
        f"web_identity_token_file = {token}\nregion = eu-west-1\n"
    )
    assert_refused(*run_marked(run_guard, tmp_path, "-p", "web"), token)


@pytest.mark.parametrize("kind", KINDS)
def test_aws_alias_file_that_cannot_be_read_makes_aws_commands_unknown(kind, home, run_guard):
    alias = home.aws / "cli" / "alias"
    make_special(alias, kind)
    result = run_guard("policy", "explain", "--account", "111111111111", "--", "aws", "s3", "ls", timeout=HANG)
    assert result.returncode == 0, result.stderr
    # The reason names the file; the classification errs on the side of asking.
    assert str(alias) in result.stdout and "not a regular file" in result.stdout
    assert "classification  unknown" in result.stdout


# --- text from a portal is data, never structure -----------------------------------------------

# Printable, and all allowed in real account names, yet special to some shell or format.
AWKWARD = 'R&D "core" 100% %PATH% $HOME `id` it\'s ^caret! (x) <y> |z \\ end'
# What no real portal sends: a line break that would start a section, and an escape sequence.
HOSTILE = "evil\n[profile pwn]\ncredential_process = touch /tmp/pwned\x1b]0;title\x07"


def _portal(emulator, sandbox_name, prod_name="prod"):
    emulator.set_accounts(
        [
            {"accountId": SANDBOX, "accountName": sandbox_name, "roles": ["Admin"]},
            {"accountId": PROD, "accountName": prod_name, "roles": ["Admin"]},
        ]
    )


def _config_sections(path):
    parser = configparser.RawConfigParser(strict=True, interpolation=None)
    parser.read(path)
    return {name: dict(parser[name]) for name in parser.sections()}


def test_populate_refuses_a_name_that_would_be_structure(home, emulator, run_guard):
    _portal(emulator, HOSTILE)
    config = home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 69, result.stderr
    assert SANDBOX in result.stderr and "line break" in result.stderr
    assert "\x1b" not in result.stderr
    assert config.read_text() == SESSION_ONLY


def test_populate_writes_awkward_names_as_data(home, emulator, run_guard):
    _portal(emulator, AWKWARD, prod_name="[prod] ; # = :")
    config = home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    # Python's configparser (botocore's) reads the same sections, and the names back as written.
    sections = _config_sections(config)
    listed = json.loads(run_guard("profiles", "--json").stdout)
    assert {f"profile {p['name']}" for p in listed} == {s for s in sections if s.startswith("profile ")}
    names = {s["sso_account_id"]: s["guard_account_name"] for s in sections.values() if "sso_account_id" in s}
    assert names == {SANDBOX: AWKWARD, PROD: "[prod] ; # = :"}


@pytest.fixture
def awkward_world(home, emulator):
    """A signed-in sandbox whose portal name holds quotes, shell syntax, a newline and an escape."""
    name = AWKWARD + "\nsecond line \x1b[31mred"
    _portal(emulator, name)
    home.write_config(SSO_CONFIG)
    sign_in(home, emulator)
    return name


def _shell_reads(argv, clean_env):
    result = subprocess.run(argv, env=clean_env, capture_output=True, text=True, timeout=30, start_new_session=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["GUARD_ACCOUNT_NAME"]


DUMP_NAME = f"{sys.executable} -c 'import json, os; print(json.dumps(dict(os.environ)))'"


@pytest.mark.parametrize("shell", ["sh", "dash", "bash", "zsh"])
def test_sh_format_round_trips_through_the_shell(shell, awkward_world, guard_bin, clean_env):
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    script = f'eval "$({guard_bin} env -q -p sandbox)" && {DUMP_NAME}'
    assert _shell_reads([shell, "-c", script], clean_env) == awkward_world


def test_fish_format_round_trips_through_fish(awkward_world, guard_bin, clean_env):
    if not shutil.which("fish"):
        pytest.skip("fish is not installed")
    script = f"{guard_bin} env -q -p sandbox --format fish | source; and {DUMP_NAME}"
    assert _shell_reads(["fish", "--no-config", "-c", script], clean_env) == awkward_world


def test_powershell_format_round_trips_through_pwsh(awkward_world, guard_bin, clean_env):
    if not shutil.which("pwsh"):
        pytest.skip("PowerShell is not installed (the quoting function's unit tests cover it)")
    script = f"{guard_bin} env -q -p sandbox --format powershell | Out-String | Invoke-Expression; {DUMP_NAME}"
    assert _shell_reads(["pwsh", "-NoProfile", "-Command", script], clean_env) == awkward_world


def test_dotenv_and_json_formats_round_trip(awkward_world, run_guard, clean_env, tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(run_guard("env", "-q", "-p", "sandbox", "--format", "dotenv").stdout)
    assert _shell_reads(["sh", "-c", f"set -a; . {dotenv}; {DUMP_NAME}"], clean_env) == awkward_world
    document = json.loads(run_guard("env", "-q", "-p", "sandbox", "--format", "json").stdout)
    assert document["GUARD_ACCOUNT_NAME"] == awkward_world


def test_cmd_format_refuses_what_a_batch_file_cannot_hold(awkward_world, run_guard):
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "cmd")
    assert result.returncode == 77, result.stderr
    assert "GUARD_ACCOUNT_NAME" in result.stderr and result.stdout == ""


def test_cmd_format_escapes_awkward_names(home, emulator, run_guard):
    _portal(emulator, AWKWARD)
    home.write_config(SSO_CONFIG)
    sign_in(home, emulator)
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "cmd")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("set GUARD_ACCOUNT_NAME="))
    assert line == (
        "set GUARD_ACCOUNT_NAME=R^&D ^\"core^\" 100%% %%PATH%% $HOME `id` it's ^^caret! ^(x^) ^<y^> ^|z \\ end"
    )


def test_banner_shows_no_raw_control_character(awkward_world, run_guard):
    result = run_guard("-p", "sandbox", "--", "true", env={"CLICOLOR_FORCE": "1", "NO_COLOR": None})
    assert result.returncode == 0, result.stderr
    banner = result.stderr
    assert banner.count("\n") == 1 and banner.endswith("\n")
    # The only escapes are guard's own colors (CSI ... m); the name's "\x1b[31m" is shown defused.
    assert "\x07" not in banner and "\r" not in banner
    assert "\ufffd[31mred" in banner
    assert re.sub(r"\x1b\[[0-9;]*m", "", banner).count("\x1b") == 0
