"""The guarded shell: `guard -p prod` in a protected account starts $SHELL with shims in front of
the tools guard judges and no keys in its environment; other programs get credentials from guard's
endpoint, decided once per process. The real bash, zsh and fish on a pseudo-terminal, the real AWS
CLI and boto3 against moto and the emulator, a fake terraform that records what ran."""

import os
import re
import subprocess
import sys

import pexpect
import pytest

from guardtest import PROD, PROD_BLOCK, SANDBOX, audit_lines, sso_world

SHELLS = ["bash", "zsh", "fish"]
QUESTION = r"Type the account's name \(prod\) to "

# Two credential requests of one process, then a call with what the endpoint served.
BOTO3 = (
    "import boto3; "
    "boto3.Session().get_credentials().get_frozen_credentials(); "
    "boto3.Session().get_credentials().get_frozen_credentials(); "
    "print('ACCOUNT=' + boto3.client('sts', region_name='us-east-1').get_caller_identity()['Account'])"
)


def status(shell):
    """The last command's exit status, as each shell spells it."""
    return "$status" if shell == "fish" else "$?"


def start(spawn, home, shell, profile, extra_env):
    # zsh asks a new user to configure it when there is no ~/.zshrc.
    (home.path / ".zshrc").write_text("")
    env = {"SHELL": subprocess.check_output(["which", shell], text=True).strip(), **extra_env}
    # guard itself on PATH, as an installed one is.
    env["PATH"] = f"{spawn.guard_bin.parent}:{env.get('PATH', os.environ['PATH'])}"
    return spawn("-p", profile, env=env)


def ready(child, marker="READY"):
    """Waits until the shell runs commands: a marker the typed line itself does not contain."""
    child.sendline(f'echo {marker}""1')
    child.expect(f"{marker}1")


@pytest.mark.parametrize("shell", SHELLS)
def test_protected_shell_asks_for_tools_and_holds_no_keys(shell, home, emulator, spawn, user_policy, tools, tmp_path):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    path_env, ran = tools
    child = start(spawn, home, shell, "prod", path_env)
    child.expect("guard: prod · 222222222222 \\(prod\\) \\[protected\\]")
    child.expect("guarded")
    ready(child)

    # A destroy asks, and a wrong answer runs nothing.
    child.sendline(f"terraform destroy; echo STATUS={status(shell)}")
    child.expect(QUESTION + "run it: ")
    child.sendline("staging")
    child.expect("STATUS=77")
    assert not ran.exists()

    # A read runs without a question, with the profile's account.
    child.sendline("aws sts get-caller-identity --query Account --output text")
    assert child.expect([QUESTION, f"{PROD}\r\n"], timeout=60) == 1

    # The shell's own environment holds no keys.
    child.sendline("env | grep -c AWS_SECRET | sed 's/^/KEYS=/'")
    child.expect(r"KEYS=(\d+)")
    assert child.match.group(1) == "0"

    # A boto3 script: one decision on its first request, none on the later ones.
    child.sendline(f'python3 -c "{BOTO3}"')
    child.expect(QUESTION + "hand out its credentials: ")
    assert "python3 -c" in child.before
    child.sendline("prod")
    assert child.expect([QUESTION, f"ACCOUNT={PROD}"], timeout=60) == 1

    # The prompt segment says where the shell is.
    child.sendline("guard prompt")
    child.expect("prod! guarded")

    shells = home.path / ".local" / "state" / "guard" / "shells"
    assert len(list(shells.iterdir())) == 1
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0
    assert list(shells.iterdir()) == []  # the shims and the session went with the shell

    lines = [(e["argv"][0], e["classification"], e["outcome"]) for e in audit_lines(home)]
    assert ("terraform", "destructive", "refused") in [(os.path.basename(a), c, o) for a, c, o in lines]
    assert [line for line in lines if line[1] == "export"] == [("python3", "export", "allowed")]


def test_a_shell_in_an_account_that_is_not_protected_asks_nothing(home, emulator, spawn, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    path_env, ran = tools
    child = start(spawn, home, "bash", "sandbox", path_env)
    child.expect(f"guard: sandbox · {SANDBOX}")
    ready(child)
    child.sendline("terraform destroy; echo STATUS=$?")
    assert child.expect([QUESTION, "STATUS=0"]) == 1
    assert ran.read_text() == "terraform destroy\n"
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.wait()
    assert "guarded" not in child.before


def test_what_the_shims_refuse_and_guard_inside_the_shell(
    home, emulator, spawn, user_policy, tools
):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    path_env, ran = tools
    child = start(spawn, home, "bash", "prod", path_env)
    ready(child)
    # eksctl is not installed: its shim says so and runs nothing, never itself.
    child.sendline("eksctl delete cluster x; echo STATUS=$?")
    child.expect("eksctl: not found on PATH after the guarded shell's shims")
    child.expect("STATUS=127")
    # A profile chosen in the shell is not silently replaced by the shell's.
    child.sendline("AWS_PROFILE=sandbox terraform destroy; echo STATUS=$?")
    child.expect("AWS_PROFILE=sandbox is set in this guarded shell of profile 'prod'")
    child.expect("STATUS=77")
    assert not ran.exists()
    # A script refused once stays refused: its retries get no credentials and no question.
    child.sendline(f'python3 -c "{BOTO3}"; echo STATUS=$?')
    child.expect(QUESTION + "hand out its credentials: ")
    child.sendline("no")
    assert child.expect([QUESTION, "403"], timeout=60) == 1
    assert child.expect([QUESTION, "STATUS=1"], timeout=60) == 1
    # guard inside the shell runs the real tool for the profile it names, not through the shims.
    child.sendline("guard -p sandbox -- terraform destroy; echo STATUS=$?")
    child.expect(r"prod → sandbox \(switched from prod\)")
    child.expect("STATUS=0")
    assert ran.read_text() == "terraform destroy\n"
    # A nested guarded shell says it switched; its exit comes back to this one.
    child.sendline("guard -p prod")
    child.expect("starting")
    ready(child, "NESTED")
    child.sendline("exit")
    ready(child, "OUTER")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_a_shim_outside_a_guarded_shell_runs_nothing(guard_bin, clean_env, tmp_path, tools):
    path_env, ran = tools
    shim = tmp_path / "shims" / "terraform"
    shim.parent.mkdir()
    shim.symlink_to(guard_bin)
    env = {**clean_env, **path_env}
    outside = subprocess.run([str(shim), "destroy"], env=env, capture_output=True, text=True, timeout=30)
    assert outside.returncode == 77, outside.stderr
    assert "outside a guarded shell" in outside.stderr
    # A session file that is not guard's (readable by others) is refused just the same.
    fake = tmp_path / "fake"
    fake.mkdir(mode=0o700)
    (fake / "session").write_text('{"profile": "sandbox", "region": null, "account": "111111111111", "policy": null}')
    (fake / "session").chmod(0o644)
    tampered = subprocess.run(
        [str(shim), "destroy"], env={**env, "GUARD_SHELL": str(fake / "session")}, capture_output=True, text=True, timeout=30
    )
    assert tampered.returncode == 77, tampered.stderr
    assert "can be read or changed by others" in tampered.stderr
    assert not ran.exists()
