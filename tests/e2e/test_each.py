"""`guard each`: one command in many accounts, against the emulator (portal), moto (STS, IAM) and
the real aws CLI and terraform as children."""

import json
import os
import re
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone

import pexpect
from guardtest import START_URL, sign_in
from netfront import FaultProxy, throttled

FIRST_ID = 100000000000


def account_id(i):
    return str(FIRST_ID + i)


def accounts_world(home, emulator, names, hours=1, **token):
    """One account per name behind sso-session myorg, a profile for each (named as the account),
    signed in."""
    emulator.set_accounts(
        [{"accountId": account_id(i), "accountName": name, "roles": ["Admin"]} for i, name in enumerate(names)]
    )
    emulator.config(pageSize=100)
    config = f"[sso-session myorg]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
    for i, name in enumerate(names):
        config += (
            f"\n[profile {name}]\nsso_session = myorg\nsso_account_id = {account_id(i)}\n"
            f"sso_role_name = Admin\nregion = us-east-1\n"
        )
    home.write_config(config)
    return sign_in(home, emulator, hours=hours, **token)


def user_policy(home, text):
    path = home.path / ".config" / "guard" / "policy.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    path.chmod(0o600)
    return path


def summary_rows(stderr):
    """The summary table's rows after its header: {account: [profile, status, ...]}."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ACCOUNT "))
    return {line.split()[0]: line.split()[1:] for line in lines[start + 1 :] if line.strip()}


def test_twenty_accounts_by_glob_each_in_its_own_account(home, emulator, run_guard):
    names = [f"team-{i:02}" for i in range(20)] + ["other"]
    accounts_world(home, emulator, names)
    result = run_guard(
        "each", "-p", "team-*", "-j", "8", "--",
        "aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text",
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 20, result.stdout
    for i, name in enumerate(names[:20]):
        # Prefixed with the account's name, padded to one column; the child saw its own account.
        assert f"{name} | {account_id(i)}" in lines, result.stdout
    rows = summary_rows(result.stderr)
    assert sorted(rows) == names[:20]
    assert all(row[0] == name and row[1] == "0" for name, row in rows.items()), result.stderr


def test_an_account_whose_credentials_are_another_accounts_fails_alone(home, emulator, run_guard):
    names = ["a-dev", "b-stage", "c-test"]
    accounts_world(home, emulator, names)
    # b-stage's permission set is misconfigured: its credentials belong to c-test's account.
    emulator.config(mintAccounts={account_id(1): account_id(2)})
    result = run_guard("each", "--sso-session", "myorg", "--", "sh", "-c", 'echo "in $GUARD_ACCOUNT_ID"')
    # The first failing status in selection order (by profile name).
    assert result.returncode == 77, result.stderr
    assert f"promises account {account_id(1)}, but its credentials belong to account {account_id(2)}" in result.stderr
    assert sorted(result.stdout.splitlines()) == [f"a-dev  | in {account_id(0)}", f"c-test | in {account_id(2)}"]
    rows = summary_rows(result.stderr)
    assert rows["a-dev"][1] == "0" and rows["c-test"][1] == "0"
    assert (rows.get(account_id(1)) or rows["b-stage"])[1] == "77", result.stderr


PROTECTED = """\
[[accounts]]
id = "{prod}"
name = "prod"
protected = true

[[accounts]]
id = "{prod_eu}"
name = "prod-eu"
protected = true
"""


def destroy_world(home, emulator, tmp_path, extra_policy=""):
    names = ["dev", "prod", "prod-eu", "qa", "stage"]
    accounts_world(home, emulator, names)
    user_policy(home, PROTECTED.format(prod=account_id(1), prod_eu=account_id(2)) + extra_policy)
    workdir = tmp_path / "infra"
    workdir.mkdir()
    return workdir


# Five at once in one folder: without -lock=false they would wait on each other's state lock.
DESTROY = ["terraform", "destroy", "-auto-approve", "-no-color", "-lock=false"]


def test_a_destroy_in_two_protected_accounts_of_five_needs_one_consent(home, emulator, run_guard, tmp_path):
    workdir = destroy_world(home, emulator, tmp_path)
    env = {"TF_CLI_CONFIG_FILE": "/dev/null"}
    result = run_guard("each", "-p", "*", "--", *DESTROY, cwd=workdir, env=env, timeout=120)
    # No terminal: nothing runs anywhere, and one message names both protected accounts.
    assert result.returncode == 77, result.stderr
    assert result.stdout == ""
    refusals = [line for line in result.stderr.splitlines() if line.startswith("guard: error:")]
    assert len(refusals) == 1, result.stderr
    assert "2 protected accounts" in refusals[0]
    assert f"prod ({account_id(1)})" in refusals[0] and f"prod-eu ({account_id(2)})" in refusals[0]
    assert "--confirm prod,prod-eu" in result.stderr
    audit = (home.path / ".local" / "state" / "guard" / "audit.jsonl").read_text().splitlines()
    assert [json.loads(line)["outcome"] for line in audit] == ["refused", "refused"]

    result = run_guard("each", "-p", "*", "--confirm", "prod,prod-eu", "--", *DESTROY, cwd=workdir, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ["dev", "prod", "prod-eu", "qa", "stage"]:
        assert re.search(rf"^{re.escape(name)} +\| Destroy complete!", result.stdout, re.M), result.stdout
    audit = (home.path / ".local" / "state" / "guard" / "audit.jsonl").read_text().splitlines()[2:]
    assert [json.loads(line)["confirmed"] for line in audit] == ["--confirm / GUARD_CONFIRM"] * 2


def test_a_deny_rule_skips_its_account_and_the_others_run(home, emulator, run_guard, tmp_path):
    rule = '\n[[rules]]\ntool = "terraform"\ncommand = "destroy"\nprofiles = ["prod-eu"]\naction = "deny"\nmessage = "prod-eu is torn down by the platform team"\n'
    workdir = destroy_world(home, emulator, tmp_path, rule)
    env = {"TF_CLI_CONFIG_FILE": "/dev/null"}
    result = run_guard("each", "-p", "*", "--confirm", "prod", "--", *DESTROY, cwd=workdir, env=env, timeout=120)
    assert "prod-eu is torn down by the platform team" in result.stderr
    ran = {line.split()[0] for line in result.stdout.splitlines()}
    assert ran == {"dev", "prod", "qa", "stage"}
    rows = summary_rows(result.stderr)
    assert rows["prod-eu"][1] == "77" and rows["prod-eu"][-1] == "denied", result.stderr
    assert all(rows[name][1] == "0" for name in ["dev", "prod", "qa", "stage"]), result.stderr
    # Not every account succeeded: the skipped one's status.
    assert result.returncode == 77


def test_fifty_cold_accounts_one_refresh_one_fetch_each(home, emulator, aws_counts, run_guard):
    names = [f"acct-{i:02}" for i in range(50)]
    # A token near its end: refreshed once for all fifty accounts, not once each.
    emulator.add_refresh_token("refresh-1", "client-1", client_secret="secret-1")
    accounts_world(home, emulator, names, hours=0.1, refresh_token="refresh-1", client_id="client-1", client_secret="secret-1")
    emulator.reset_counters()
    result = run_guard("each", "--sso-session", "myorg", "-j", "8", "--", "true", timeout=120)
    assert result.returncode == 0, result.stderr
    # Fifty cache entries written at once from several threads, none lost.
    assert "warning" not in result.stderr, result.stderr
    counts = emulator.counters()
    assert counts["CreateToken"] == 1
    assert counts["GetRoleCredentials"] == 50
    assert counts["ListAccounts"] == 1  # the accounts' names, listed once
    assert aws_counts.counts()["GetCallerIdentity"] == 50

    emulator.reset_counters()
    aws_counts.reset()
    result = run_guard("each", "--sso-session", "myorg", "-j", "8", "--", "true", timeout=120)
    assert result.returncode == 0, result.stderr
    assert {k: v for k, v in emulator.counters().items() if v} == {}
    assert aws_counts.counts() == {}


def test_throttled_role_credentials_are_retried_until_every_account_has_them(home, emulator, run_guard, clean_env):
    portal = FaultProxy(emulator.url)
    try:
        clean_env["AWS_ENDPOINT_URL_SSO"] = portal.url
        names = [f"acct-{i:02}" for i in range(12)]
        accounts_world(home, emulator, names)
        portal.fault("GetRoleCredentials", "status", count=6, **throttled())
        result = run_guard("each", "--sso-session", "myorg", "-j", "6", "--", "true", timeout=120)
        assert result.returncode == 0, result.stderr
        assert portal.injected[("GetRoleCredentials", "status")] == 6
        assert portal.counts["GetRoleCredentials"] == 12 + 6
    finally:
        portal.stop()


def test_ctrl_c_stops_every_child_and_prints_the_summary(home, emulator, spawn, tmp_path):
    accounts_world(home, emulator, ["a", "b", "c"])
    pids = tmp_path / "pids"
    pids.mkdir()
    child = textwrap.dedent(
        f"""\
        import os, signal, sys, time
        open(os.path.join({str(pids)!r}, os.environ["GUARD_PROFILE"]), "w").write(str(os.getpid()))
        print("started", flush=True)
        time.sleep(60)
        """
    )
    guard = spawn("each", "--sso-session", "myorg", "--", sys.executable, "-c", child)
    for _ in range(3):
        guard.expect(r"\| started")
    guard.sendintr()
    guard.expect("ACCOUNT +PROFILE +STATUS")
    guard.expect(pexpect.EOF)
    guard.close()
    assert guard.exitstatus == 130
    summary = guard.before
    # SIGINT stopped every child: none needed the SIGTERM guard sends after its grace period
    # (said by the summary, not timed, so a loaded machine cannot fail it).
    assert summary.count("130") >= 3 and "ended by SIGINT" in summary, summary
    assert "SIGTERM" not in summary, summary
    for pid_file in pids.iterdir():
        pid = int(pid_file.read_text())
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, pid_file.name


def test_no_selection_is_a_usage_error_that_lists_the_ways(home, emulator, run_guard):
    accounts_world(home, emulator, ["a"])
    result = run_guard("each", "--", "true")
    assert result.returncode == 64
    for way in ["--profile GLOB", "--account GLOB", "--environment NAME", "--sso-session NAME", "--role NAME"]:
        assert way in result.stderr, result.stderr
    listed = run_guard("each", "--account", "1000000000*", "--list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].split()[:2] == ["a", account_id(0)]


def test_at_the_terminal_the_person_types_how_many_protected_accounts(home, emulator, spawn, tmp_path):
    workdir = destroy_world(home, emulator, tmp_path)
    env = {"TF_CLI_CONFIG_FILE": "/dev/null"}
    guard = spawn("each", "-p", "*", "--", *DESTROY, cwd=workdir, env=env)
    guard.expect(rf"1\. prod \({account_id(1)}\)")
    guard.expect(rf"2\. prod-eu \({account_id(2)}\)")
    guard.expect("Type the number of protected accounts listed")
    guard.sendline("2")
    guard.expect("ACCOUNT +PROFILE +STATUS", timeout=120)
    guard.expect(pexpect.EOF)
    guard.close()
    assert guard.exitstatus == 0

    guard = spawn("each", "-p", "*", "--", *DESTROY, cwd=workdir, env=env)
    guard.expect("Type the number of protected accounts listed")
    guard.sendline("5")
    guard.expect(pexpect.EOF)
    guard.close()
    assert guard.exitstatus == 77
    assert "Destroy complete" not in guard.before
