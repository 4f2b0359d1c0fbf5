"""Protected accounts end to end: policy layers, decisions, confirmation on a terminal, audit log."""

import json
import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pexpect
import pytest

from conftest import merged_env
from guardtest import PROD, PROD_BLOCK, SANDBOX, audit_lines, sso_world


# --- deciding without a terminal ----------------------------------------------------------------


def test_three_line_block_protects_prod_and_plan_just_runs(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    plan = run_guard("-p", "prod", "--", "terraform", "plan", env=env)
    assert plan.returncode == 0, plan.stderr
    assert "[protected]" in plan.stderr
    destroy = run_guard("-p", "prod", "--", "terraform", "destroy", env=env)
    assert destroy.returncode == 77
    assert "--confirm prod" in destroy.stderr
    assert ran.read_text() == "terraform plan\n"


def test_unprotected_account_runs_destructive_commands(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    result = run_guard("-p", "sandbox", "--", "terraform", "destroy", "-auto-approve", env=env)
    assert result.returncode == 0, result.stderr
    assert ran.read_text() == "terraform destroy -auto-approve\n"


def test_s3_rb_refused_in_prod_and_run_in_sandbox(home, emulator, run_guard, user_policy, moto_url):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    s3 = {"AWS_ENDPOINT_URL_S3": moto_url}
    refused = run_guard("-p", "prod", "--", "aws", "s3", "rb", "s3://guard-test-bucket", env=s3)
    assert refused.returncode == 77
    assert "aws s3 rb" in refused.stderr
    made = run_guard("-p", "sandbox", "--", "aws", "s3", "mb", "s3://guard-test-bucket", env=s3)
    assert made.returncode == 0, made.stderr
    removed = run_guard("-p", "sandbox", "--", "aws", "s3", "rb", "s3://guard-test-bucket", env=s3)
    assert removed.returncode == 0, removed.stderr
    assert "remove_bucket: guard-test-bucket" in removed.stdout


def test_printing_the_credentials_in_prod_is_an_export(home, emulator, run_guard, user_policy):
    # `printenv` hands out the injected credentials exactly as `guard env` does.
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    refused = run_guard("-p", "prod", "--", "printenv")
    assert refused.returncode == 77, refused.stderr
    assert "AWS_SECRET_ACCESS_KEY" not in refused.stdout
    assert "no credentials were handed out" in refused.stderr
    shown = run_guard("-p", "sandbox", "--", "printenv", "AWS_ACCESS_KEY_ID")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip()


def test_confirm_flag_and_variable(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    assert run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "destroy", env=env).returncode == 0
    assert run_guard("-p", "prod", "--", "terraform", "destroy", env={**env, "GUARD_CONFIRM": PROD}).returncode == 0
    wrong = run_guard("-p", "prod", "--confirm", "sandbox", "--", "terraform", "destroy", env=env)
    assert wrong.returncode == 77 and "neither the name nor the ID" in wrong.stderr
    assert ran.read_text() == "terraform destroy\nterraform destroy\n"


def test_deny_rule_refuses_with_its_message(home, emulator, run_guard, user_policy):
    sso_world(home, emulator)
    user_policy(
        PROD_BLOCK
        + """
[[rules]]
tool = "aws"
command = "s3 rb"
action = "deny"
message = "Buckets in this account are removed by the platform team."
"""
    )
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "aws", "--region", "us-east-1", "s3", "rb", "s3://x")
    assert result.returncode == 77
    assert "Buckets in this account are removed by the platform team." in result.stderr
    assert "policy.toml:6" in result.stderr


def test_allow_rule_overrides_the_shipped_default(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK + '\n[[rules]]\ntool = "kubectl"\ncommand = "apply"\naction = "allow"\n')
    env, ran = tools
    result = run_guard("-p", "prod", "--", "kubectl", "apply", "-f", "x.yaml", env=env)
    assert result.returncode == 0, result.stderr


def test_bash_c_is_understood(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    result = run_guard("-p", "prod", "--", "bash", "-c", "cd /tmp && terraform destroy", env=env)
    assert result.returncode == 77 and not ran.exists()


def test_explicit_profile_in_the_argv_is_refused_everywhere(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", "aws", "--profile", "prod", "s3", "ls")
    assert result.returncode == 77
    assert "--profile prod" in result.stderr


def test_a_script_that_unsets_the_credentials_is_refused(home, emulator, run_guard, tools):
    # The CLI would fall back to other credentials (~/.aws/credentials): not the verified ones.
    sso_world(home, emulator)
    env, ran = tools
    result = run_guard("-p", "sandbox", "--", "sh", "-c", "unset AWS_SESSION_TOKEN; terraform plan", env=env)
    assert result.returncode == 77, result.stderr
    assert "unset AWS_SESSION_TOKEN" in result.stderr
    assert not ran.exists()


def test_project_env_and_flag_layers(home, emulator, run_guard, tmp_path, tools):
    sso_world(home, emulator)
    env, ran = tools
    sandbox_block = f'[[accounts]]\nid = "{SANDBOX}"\nname = "sandbox"\nprotected = true\n'
    repo = tmp_path / "repo"
    (repo / "envs" / "dev").mkdir(parents=True)
    (repo / ".guard.toml").write_text(sandbox_block)
    (repo / ".guard.toml").chmod(0o644)
    from_project = run_guard("-p", "sandbox", "--", "terraform", "destroy", env=env, cwd=repo / "envs" / "dev")
    assert from_project.returncode == 77
    policy = tmp_path / "extra.toml"
    policy.write_text(sandbox_block)
    policy.chmod(0o600)
    assert run_guard("-p", "sandbox", "--", "terraform", "destroy", env={**env, "GUARD_POLICY": str(policy)}).returncode == 77
    assert run_guard("-p", "sandbox", "--policy", str(policy), "--", "terraform", "destroy", env=env).returncode == 77
    assert not ran.exists()


# --- bad policies ---------------------------------------------------------------------------------


def test_malformed_policy_names_file_line_and_column(home, emulator, run_guard, user_policy, tmp_path):
    sso_world(home, emulator)
    marker = tmp_path / "ran"
    path = user_policy('[[rules]]\ntool = "aws"\nactoin = "deny"\n')
    result = run_guard("-p", "sandbox", "--", "touch", str(marker))
    assert result.returncode == 78
    assert f"{path}:3:1:" in result.stderr
    path.write_text('[[rules]]\ntool = "aws"\nargv_regex = "(unclosed"\naction = "deny"\n')
    result = run_guard("-p", "sandbox", "--", "touch", str(marker))
    assert result.returncode == 78 and f"{path}:3:14: argv_regex" in result.stderr
    path.write_text('[[accounts]]\nid = 1234\n')
    result = run_guard("-p", "sandbox", "--", "touch", str(marker))
    assert result.returncode == 78 and f"{path}:2:6:" in result.stderr
    assert not marker.exists()


def test_policy_writable_by_others_is_refused(home, emulator, run_guard, user_policy, tmp_path):
    sso_world(home, emulator)
    path = user_policy(PROD_BLOCK)
    path.chmod(0o666)
    marker = tmp_path / "ran"
    result = run_guard("-p", "sandbox", "--", "touch", str(marker))
    assert result.returncode == 78
    assert "writable by other users" in result.stderr and f"chmod go-w {path}" in result.stderr
    assert not marker.exists()


def test_missing_named_policy_is_an_error(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--policy", str(tmp_path / "nope.toml"), "--", "true")
    assert result.returncode == 78 and "nope.toml" in result.stderr


# --- the system layer -------------------------------------------------------------------------------


def run_with_system_policy(guard_bin, clean_env, tmp_path, system_text, args):
    """Runs guard in a private mount namespace whose /etc has guard/policy.toml overlaid."""
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    upper = tmp_path / "etc-upper"
    (upper / "guard").mkdir(parents=True)
    (upper / "guard" / "policy.toml").write_text(system_text)
    (upper / "guard" / "policy.toml").chmod(0o644)
    work = tmp_path / "etc-work"
    work.mkdir()
    mount = f"mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc"
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount], capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip(f"this machine cannot overlay /etc in a mount namespace: {probe.stderr.strip()}")
    script = f'{mount} && exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(guard_bin), *args],
        env=clean_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        timeout=60,
    )


def test_user_policy_cannot_loosen_the_system_policy(home, emulator, guard_bin, clean_env, user_policy, tmp_path, tools):
    sso_world(home, emulator)
    env, ran = tools
    system = PROD_BLOCK + '\n[[rules]]\ntool = "terraform"\ncommand = "destroy"\naction = "deny"\nmessage = "never"\n'
    user_policy(
        f'[[accounts]]\nid = "{PROD}"\nprotected = false\n\n[[rules]]\ntool = "terraform"\naction = "allow"\n'
    )
    base = merged_env(clean_env, env)
    destroy = run_with_system_policy(guard_bin, base, tmp_path, system, ["-p", "prod", "--", "terraform", "destroy"])
    assert destroy.returncode == 77 and "never" in destroy.stderr
    # The user's allow rule still overrides the shipped default where the system file is silent.
    apply = run_with_system_policy(guard_bin, base, tmp_path, system, ["-p", "prod", "--", "terraform", "apply"])
    assert apply.returncode == 0, apply.stderr
    assert ran.read_text() == "terraform apply\n"


# --- explain and check ------------------------------------------------------------------------------


def test_explain_with_account_needs_no_network(home, run_guard, user_policy):
    user_policy(PROD_BLOCK)
    offline = {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"}
    result = run_guard("policy", "explain", "--account", PROD, "--", "terraform", "-chdir=envs/prod", "destroy", env=offline)
    assert result.returncode == 0, result.stderr
    assert "classification  destructive" in result.stdout
    assert "decision        confirm" in result.stdout
    assert "prod" in result.stdout and "protected" in result.stdout
    assert "policies/default.toml" in result.stdout


def test_explain_names_the_rule_that_matched(home, emulator, run_guard, user_policy):
    sso_world(home, emulator)
    path = user_policy(PROD_BLOCK + '\n[[rules]]\ntool = "aws"\ncommand = "ec2 terminate-*"\naction = "deny"\n')
    result = run_guard("policy", "explain", "-p", "prod", "--", "aws", "ec2", "terminate-instances", "--instance-ids", "i-1")
    assert result.returncode == 0, result.stderr
    assert "decision        deny" in result.stdout
    assert f"rule at {path}:6" in result.stdout


def test_a_deny_rule_holds_for_a_command_behind_a_more_severe_one(home, emulator, run_guard, user_policy, tools):
    """A script's most severe command (here an unknown `eval`) must not hide the deny that a
    less severe command of the same script (terraform destroy) meets."""
    sso_world(home, emulator)
    path = user_policy(PROD_BLOCK + '\n[[rules]]\ntool = "terraform"\ncommand = "destroy"\naction = "deny"\n')
    env, ran = tools
    script = 'terraform destroy -auto-approve; eval "$NEXT"'
    explain = run_guard("policy", "explain", "-p", "prod", "--", "bash", "-c", script, env=env)
    assert explain.returncode == 0, explain.stderr
    assert "classification  unknown" in explain.stdout
    assert "decision        deny" in explain.stdout and f"rule at {path}:6" in explain.stdout
    run = run_guard("-p", "prod", "--confirm", "prod", "--", "bash", "-c", script, env=env)
    assert run.returncode == 77, run.stderr
    assert "denied" in run.stderr
    assert not ran.exists()


def test_check_prints_the_merged_policy_with_sources(home, run_guard, user_policy, tmp_path):
    path = user_policy(PROD_BLOCK)
    extra = tmp_path / "candidate.toml"
    extra.write_text('[[rules]]\ntool = "helm"\ncommand = "uninstall"\naction = "deny"\n')
    extra.chmod(0o600)
    result = run_guard("policy", "check", str(extra))
    assert result.returncode == 0, result.stderr
    assert f"id={PROD} name=prod protected" in result.stdout and f"{path}:1" in result.stdout
    assert 'deny tool=helm command="uninstall"' in result.stdout and f"{extra}:1" in result.stdout
    assert "write        confirm  policies/default.toml (built in)" in result.stdout
    extra.write_text("[[rules]\n")
    bad = run_guard("policy", "check", str(extra))
    assert bad.returncode == 78 and f"{extra}:1:" in bad.stderr


# --- the audit log ------------------------------------------------------------------------------------


def test_audit_log_records_decisions_in_protected_accounts(home, emulator, run_guard, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    run_guard("-p", "sandbox", "--", "terraform", "destroy", env=env)
    run_guard("-p", "prod", "--", "terraform", "plan", env=env)
    run_guard("-p", "prod", "--", "terraform", "destroy", env=env)
    run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "destroy", "-var", "db_password=hunter2", env=env)
    lines = audit_lines(home)
    assert [(e["decision"], e["outcome"]) for e in lines] == [("allow", "allowed"), ("confirm", "refused"), ("confirm", "allowed")]
    last = lines[-1]
    assert last["account_id"] == PROD and last["account_name"] == "prod" and last["profile"] == "prod"
    assert last["principal_arn"].startswith(f"arn:aws:sts::{PROD}:assumed-role/")
    assert last["classification"] == "destructive" and last["confirmed"] == "--confirm / GUARD_CONFIRM"
    assert "hunter2" not in json.dumps(lines)
    path = home.path / ".local" / "state" / "guard" / "audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


# --- confirming on the terminal -----------------------------------------------------------------------


@pytest.fixture
def prod_world(home, emulator, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    return tools


def confirm_session(spawn, tools, answer, stdin_pipe=False):
    env, ran = tools
    args = ["-p", "prod", "--", "terraform", "destroy"]
    if stdin_pipe:
        # `yes prod | guard ...`: the pipe must not answer the question.
        child = pexpect.spawn(
            "sh", ["-c", 'yes prod | "$0" "$@"', str(spawn.guard_bin), *args], env=spawn.env(env), encoding="utf-8", timeout=20
        )
        spawn.children.append(child)
    else:
        child = spawn(*args, env=env)
    child.expect("Type the account's name \\(prod\\) to run it: ")
    assert "terraform destroy" in child.before and PROD in child.before
    child.send(answer)
    child.expect(pexpect.EOF)
    child.close()
    return child, ran


@pytest.mark.parametrize(
    "answer, runs",
    [
        ("prod\r", True),
        (f"{PROD}\r", True),
        ("prd\r", False),
        ("\r", False),
        ("\x03", False),
        ("\x04", False),
        ("pro\x7fd\r", False),
        ("prox\x7fd\r", True),
        ("\x7fprod\r", True),
    ],
    ids=["name", "id", "wrong-name", "empty", "ctrl-c", "eof", "edited-wrong", "edited-right", "backspace-on-empty"],
)
def test_confirmation_on_the_terminal(prod_world, spawn, answer, runs):
    child, ran = confirm_session(spawn, prod_world, answer)
    assert (child.exitstatus == 0) == runs
    if not runs:
        assert child.exitstatus == 77
    assert ran.exists() == runs


def test_piped_stdin_does_not_confirm(prod_world, spawn):
    child, ran = confirm_session(spawn, prod_world, "\x04", stdin_pipe=True)
    assert child.exitstatus == 77 and not ran.exists()
