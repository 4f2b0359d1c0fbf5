"""scripts/demo: the tour with no AWS account, and the shell it leaves a person in on a terminal."""

import os
import subprocess
from pathlib import Path

import pexpect

from conftest import REPO

DEMO = REPO / "scripts" / "demo"


def _demo_env(guard_bin, tmp_path):
    """The environment of a person who has guard installed, and AWS settings of their own."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TMPDIR": str(tmp_path),
        "GUARD_BIN": str(guard_bin),
        # None of these may reach the demo's world.
        "AWS_PROFILE": "the-persons-own",
        "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
        "XDG_CONFIG_HOME": str(tmp_path / "persons-config"),
    }


def test_tour_shows_the_verified_sandbox_and_refuses_the_prod_removal(guard_bin, tmp_path):
    result = subprocess.run(
        [str(DEMO), "--tour"],
        env=_demo_env(guard_bin, tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "guard: sandbox-admin · 111111111111 (sandbox) · " in out  # the banner
    assert '"Account": "111111111111"' in out  # the real AWS CLI's answer under those credentials
    removal = out.split("$ guard -p prod-admin -- aws s3 rb s3://demo", 1)[1].split("\n$ ", 1)[0]
    assert "needs confirmation in protected account prod (333333333333)" in removal
    assert "(exit 77)" in removal
    assert "classification  destructive" in out and "profile  sandbox-admin" in out
    # The throw-away world is gone, and nothing was written to the person's own HOME.
    assert not list(tmp_path.glob("guard-demo.*"))
    assert not (tmp_path / ".aws").exists() and not (tmp_path / "persons-config").exists()


def test_on_a_terminal_it_leaves_a_shell_in_the_demo_world(guard_bin, tmp_path):
    child = pexpect.spawn(
        str(DEMO), env={**_demo_env(guard_bin, tmp_path), "NO_COLOR": "1"}, encoding="utf-8", timeout=240, dimensions=(40, 160)
    )
    try:
        child.expect(r"\(guard demo\)")
        child.timeout = 30
        child.sendline("echo HOME=$HOME")
        child.expect(r"HOME=(/\S+)\r\n")
        demo_home = Path(child.match.group(1))
        assert demo_home.is_dir() and str(demo_home).startswith(str(tmp_path))
        child.sendline("guard -p qa-readonly -- aws sts get-caller-identity --query Account --output text")
        child.expect("guard: qa-readonly · 222222222222 \\(qa\\)")
        child.expect("222222222222\r\n")
        child.sendline("guard -p prod-admin -- terraform destroy; echo STATUS=$?")
        child.expect("Type the account's name \\(prod\\) to run it: ")
        child.sendline("no")
        child.expect("STATUS=77")
        child.sendline("guard -p prod-admin")  # a guarded shell in prod: its tools ask
        child.expect("guarded")
        child.sendline("aws s3 rb s3://demo; echo STATUS=$?")
        child.expect("Type the account's name \\(prod\\) to run it: ")
        child.sendline("")
        child.expect("STATUS=77")
        child.sendline("exit")  # the guarded shell
        child.sendline("echo BACK-$((40+2))")
        child.expect("BACK-42")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert not demo_home.exists()  # exit stops the servers and removes the HOME
