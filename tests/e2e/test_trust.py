"""Protection no outside file can lower: untrusted project files only tighten, policy files must
be the user's own, and credentials that leave guard (env, credential-process, a shell) go
through the policy and the audit log."""

import json
import os
import stat
import subprocess

import pexpect
import pytest

from guardtest import LOOSENING, PROD, PROD_BLOCK, SSO_CONFIG, audit_lines, sign_in, sso_world, warnings, write_project


@pytest.fixture
def repo(tmp_path):
    """A repository folder holding a loosening .guard.toml (mode 0644, as git checks it out)."""
    path = tmp_path / "repo"
    path.mkdir()
    write_project(path, LOOSENING)
    return path


# --- trust ---------------------------------------------------------------------------------------


def test_untrusted_project_file_cannot_loosen_until_trusted(home, emulator, run_guard, user_policy, tools, repo):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    policy = repo / ".guard.toml"
    destroy = ["-p", "prod", "--", "terraform", "destroy", "-auto-approve"]

    untrusted = run_guard(*destroy, env=env, cwd=repo)
    assert untrusted.returncode == 77, untrusted.stderr
    assert not ran.exists()
    [warning] = warnings(untrusted.stderr)
    assert str(policy) in warning and f"guard policy trust {policy}" in warning

    trusted = run_guard("policy", "trust", cwd=repo)
    assert trusted.returncode == 0, trusted.stderr
    assert str(policy) in trusted.stdout and 'destructive = "allow"' in trusted.stdout
    state = home.path / ".local" / "state" / "guard" / "trusted.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    assert str(policy.resolve()) in json.loads(state.read_text())["files"]

    runs = run_guard(*destroy, env=env, cwd=repo)
    assert runs.returncode == 0, runs.stderr
    assert warnings(runs.stderr) == []
    assert ran.read_text() == "terraform destroy -auto-approve\n"

    # One byte changed, in a comment even: the trust lapses.
    policy.write_text(LOOSENING.replace("colleague's", "colleague`s"))
    changed = run_guard(*destroy, env=env, cwd=repo)
    assert changed.returncode == 77
    [warning] = warnings(changed.stderr)
    assert "changed since you trusted it" in warning
    check = run_guard("policy", "check", cwd=repo)
    assert "untrusted: changed since you trusted it" in check.stdout

    assert run_guard("policy", "trust", str(policy), cwd=repo).returncode == 0
    assert run_guard(*destroy, env=env, cwd=repo).returncode == 0
    revoked = run_guard("policy", "trust", "--revoke", cwd=repo / ".")
    assert revoked.returncode == 0 and "no longer trusted" in revoked.stdout
    assert run_guard(*destroy, env=env, cwd=repo).returncode == 77
    assert ran.read_text() == "terraform destroy -auto-approve\n" * 2


def test_untrusted_file_that_tightens_is_honoured_without_a_warning(home, emulator, run_guard, user_policy, tools, repo):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    write_project(
        repo,
        '[[rules]]\ntool = "terraform"\ncommand = "destroy"\naction = "deny"\nmessage = "not from this repo"\n',
    )
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "destroy", env=env, cwd=repo)
    assert result.returncode == 77 and "not from this repo" in result.stderr
    assert warnings(result.stderr) == []
    # It protects more accounts, too: the unprotected sandbox now asks.
    write_project(repo, '[[accounts]]\nmatch_profile = "sandbox"\nprotected = true\n\n[protected]\nread = "confirm"\n')
    plan = run_guard("-p", "sandbox", "--", "terraform", "plan", env=env, cwd=repo)
    assert plan.returncode == 77 and warnings(plan.stderr) == []
    assert not ran.exists()


def test_untrusted_allow_rule_and_unprotecting_entry_are_ignored(home, emulator, run_guard, user_policy, tools, repo):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    policy = write_project(
        repo,
        f'[[accounts]]\nid = "{PROD}"\nname = "p"\nprotected = false\n\n'
        '[[rules]]\ntool = "terraform"\naction = "allow"\n',
    )
    result = run_guard("-p", "prod", "--", "terraform", "apply", env=env, cwd=repo)
    assert result.returncode == 77 and "--confirm prod" in result.stderr
    assert len(warnings(result.stderr)) == 1
    explain = run_guard("policy", "explain", "--account", PROD, "--", "terraform", "apply", cwd=repo)
    assert explain.returncode == 0, explain.stderr
    assert "decision        confirm" in explain.stdout
    assert f"{policy}:1: account entry" in explain.stdout and f"{policy}:6: rule allow tool=terraform" in explain.stdout
    assert explain.stdout.count("ignored: untrusted") == 2
    assert not ran.exists()


def test_policy_check_lists_project_files_with_their_trust(home, run_guard, tmp_path, repo):
    other = tmp_path / "other"
    other.mkdir()
    write_project(other, "[[rules]]\ntool = \"helm\"\naction = \"allow\"\n")
    assert run_guard("policy", "trust", cwd=other).returncode == 0
    result = run_guard("policy", "check", cwd=repo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(str(repo / ".guard.toml") in line and line.rstrip().split()[1] == "untrusted" for line in lines)
    assert any(str(other.resolve() / ".guard.toml") in line and line.rstrip().endswith("trusted") for line in lines)
    assert "project (untrusted)" in result.stdout and "ignored: untrusted" in result.stdout


def test_trust_needs_a_file(run_guard, tmp_path):
    result = run_guard("policy", "trust", cwd=tmp_path)
    assert result.returncode == 64 and "guard policy trust FILE" in result.stderr


# --- ownership ------------------------------------------------------------------------------------


def test_policy_owned_by_another_user_is_refused(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    env, ran = tools
    path = user_policy(PROD_BLOCK)
    os.chown(path, 65534, 65534)  # nobody
    result = run_guard("-p", "sandbox", "--", "terraform", "plan", env=env)
    assert result.returncode == 78, result.stderr
    assert str(path) in result.stderr and f"chown root {path}" in result.stderr
    assert not ran.exists()


def test_project_file_in_a_group_writable_folder_is_refused(home, emulator, run_guard, tools, repo):
    sso_world(home, emulator)
    env, ran = tools
    write_project(repo, f'[[accounts]]\nid = "{PROD}"\nprotected = true\n')
    repo.chmod(0o775)
    result = run_guard("-p", "sandbox", "--", "terraform", "plan", env=env, cwd=repo)
    assert result.returncode == 78, result.stderr
    assert "writable by other users" in result.stderr and f"chmod go-w {repo}" in result.stderr
    assert run_guard("policy", "trust", cwd=repo).returncode == 78
    assert not ran.exists()


def test_a_trust_list_others_can_write_is_refused(home, emulator, run_guard, tools, repo):
    sso_world(home, emulator)
    env, ran = tools
    assert run_guard("policy", "trust", cwd=repo).returncode == 0
    listing = home.path / ".local" / "state" / "guard" / "trusted.json"
    listing.chmod(0o622)
    result = run_guard("-p", "sandbox", "--", "terraform", "plan", env=env, cwd=repo)
    assert result.returncode == 78 and f"chmod go-w {listing}" in result.stderr
    assert not ran.exists()


# --- credentials that leave guard -------------------------------------------------------------------


PROD_RO_CONFIG = SSO_CONFIG + f"""
[profile prod-ro]
sso_session = myorg
sso_account_id = {PROD}
sso_role_name = ReadOnly
region = eu-central-1
"""


@pytest.fixture
def prod_world(home, emulator, user_policy):
    emulator.set_accounts(
        [
            {"accountId": "111111111111", "accountName": "sandbox", "roles": ["Admin"]},
            {"accountId": PROD, "accountName": "prod", "roles": ["Admin", "ReadOnly"]},
        ]
    )
    home.write_config(PROD_RO_CONFIG)
    sign_in(home, emulator)
    user_policy(PROD_BLOCK + '\n[[rules]]\nseverity = ["export"]\nprofiles = ["prod-ro"]\naction = "allow"\n')


@pytest.mark.parametrize("command", [["env"], ["credential-process"]])
def test_export_in_a_protected_account_needs_consent(home, prod_world, run_guard, command):
    refused = run_guard(*command, "-p", "prod")
    assert refused.returncode == 77
    assert refused.stdout == ""
    assert "--confirm prod" in refused.stderr
    assert "no credentials were handed out" in refused.stderr and "nothing was run" not in refused.stderr
    [line] = audit_lines(home)
    assert line["classification"] == "export" and line["decision"] == "confirm" and line["outcome"] == "refused"
    assert line["argv"] == ["guard", "-p", "prod", command[0]]

    given = run_guard(*command, "-p", "prod", "--confirm", "prod")
    assert given.returncode == 0, given.stderr
    assert "AWS_ACCESS_KEY_ID" in given.stdout or "AccessKeyId" in given.stdout
    last = audit_lines(home)[-1]
    assert last["outcome"] == "allowed" and last["confirmed"] == "--confirm / GUARD_CONFIRM"

    scoped = run_guard(*command, "-p", "prod-ro")
    assert scoped.returncode == 0, scoped.stderr
    assert audit_lines(home)[-1]["decision"] == "allow"


def test_credential_process_without_a_terminal_names_both_ways_to_consent(prod_world, run_guard):
    result = run_guard("credential-process", "-p", "prod", timeout=10)
    assert result.returncode == 77 and result.stdout == ""
    assert "credential_process = guard credential-process -p prod --confirm prod" in result.stderr
    assert 'severity = ["export"]' in result.stderr


def test_aws_cli_through_credential_process_with_consent_in_the_line(home, prod_world, guard_bin, clean_env):
    config = (home.aws / "config").read_text()
    config += f"\n[profile via-guard]\nregion = eu-central-1\ncredential_process = {guard_bin} credential-process -p prod --confirm prod\n"
    config += f"\n[profile via-guard-bare]\nregion = eu-central-1\ncredential_process = {guard_bin} credential-process -p prod\n"
    home.write_config(config)

    def aws(profile):
        return subprocess.run(
            ["aws", "--profile", profile, "sts", "get-caller-identity", "--output", "json"],
            env=clean_env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    result = aws("via-guard")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Account"] == PROD
    bare = aws("via-guard-bare")
    assert bare.returncode != 0 and "--confirm prod" in bare.stderr
    assert [e["outcome"] for e in audit_lines(home)] == ["allowed", "refused"]


def test_a_shell_in_a_protected_account_is_guarded_not_an_export(home, prod_world, run_guard, tmp_path):
    shell = tmp_path / "fake-shell"
    shell.write_text(f"#!/bin/sh\nenv > {tmp_path}/shell-env\n")
    shell.chmod(0o755)
    started = run_guard("-p", "prod", env={"SHELL": str(shell)})
    assert started.returncode == 0, started.stderr
    assert "guarded" in started.stderr
    env = dict(line.split("=", 1) for line in (tmp_path / "shell-env").read_text().splitlines() if "=" in line)
    # No keys: the shims and the endpoint hand them out, each time decided.
    assert "AWS_SECRET_ACCESS_KEY" not in env and "AWS_ACCESS_KEY_ID" not in env
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
    assert env["GUARD_SHELL"].endswith("/session")
    assert env["PATH"].split(":")[0] == env["GUARD_SHELL"].rsplit("/", 1)[0] + "/bin"
    assert env["GUARD_PROFILE"] == "prod" and env["GUARD_ACCOUNT_ID"] == PROD
    # Nothing left guard, so nothing was asked or audited.
    assert audit_lines(home) == []


def test_env_asks_on_the_terminal(prod_world, spawn):
    child = spawn("env", "-p", "prod")
    child.expect("Type the account's name \\(prod\\) to hand out its credentials")
    assert "guard env" in child.before
    child.send("prod\r")
    child.expect("export AWS_ACCESS_KEY_ID=")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_credential_process_asks_on_the_terminal_the_sdk_runs_on(home, prod_world, guard_bin, clean_env):
    config = (home.aws / "config").read_text()
    config += f"\n[profile via-guard]\nregion = eu-central-1\ncredential_process = {guard_bin} credential-process -p prod\n"
    home.write_config(config)
    child = pexpect.spawn(
        "aws",
        ["--profile", "via-guard", "sts", "get-caller-identity", "--output", "json"],
        env={**clean_env, "TERM": "xterm"},
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("Type the account's name \\(prod\\) to hand out its credentials")
        child.send("prod\r")
        child.expect(f'"Account": "{PROD}"')
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert audit_lines(home)[-1]["confirmed"] == "typed at the terminal"


def test_eks_token_outside_a_run_is_an_export(home, prod_world, run_guard):
    """kubectl's exec plugin is not a guard run: nothing decides the kubectl command, so the
    token is handed out only as the policy allows, like credential-process."""
    refused = run_guard("eks-token", "--cluster", "demo", "-p", "prod", timeout=10)
    assert refused.returncode == 77 and refused.stdout == ""
    assert "--confirm prod" in refused.stderr and "no credentials were handed out" in refused.stderr
    [line] = audit_lines(home)
    assert line["classification"] == "export" and line["outcome"] == "refused"
    # The word after one that says "token" is hidden, whatever it is: the log errs towards hiding.
    assert line["argv"][:4] == ["guard", "-p", "prod", "eks-token"] and line["argv"][-1] == "demo"

    given = run_guard("eks-token", "--cluster", "demo", "-p", "prod", "--confirm", "prod")
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["status"]["token"].startswith("k8s-aws-v1.")
    assert audit_lines(home)[-1]["outcome"] == "allowed"

    # A cached token is an export too.
    again = run_guard("eks-token", "--cluster", "demo", "-p", "prod", timeout=10)
    assert again.returncode == 77 and again.stdout == ""

    scoped = run_guard("eks-token", "--cluster", "demo", "-p", "prod-ro")
    assert scoped.returncode == 0, scoped.stderr
