"""guard and the files and streams around it: a closed pipe, a file that is not a regular file,
text from a portal that must stay data."""

import os
import subprocess

import pytest

from conftest import merged_env
from guardtest import sso_world

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


@pytest.mark.parametrize("args", [["profiles"], ["whoami", "-p", "sandbox"], ["env", "-p", "sandbox"]])
def test_closed_stdout_and_stderr_never_abort(args, home, emulator, guard_bin, clean_env):
    sso_world(home, emulator)
    code, _ = run_closed(guard_bin, clean_env, *args, stderr_closed=True)
    # Never a signal (SIGABRT is -6 here) nor the panic status 101.
    assert code in (0, 74), code


def test_closed_stderr_keeps_the_error_status(home, guard_bin, clean_env):
    home.write_config("[profile a]\nregion = eu-west-1\n")
    code, _ = run_closed(guard_bin, clean_env, "-p", "missing", "--", "true", stderr_closed=True)
    assert code == 78
