"""The one gate: every door that runs a command or hands out credentials asks it, so a deny rule
on the door's severity refuses each of them, in an account the policy does not even protect."""

import json

import pytest

from guardtest import SANDBOX, audit_lines, sso_world

MESSAGE = "Nothing of this kind leaves this laptop."


def deny(severity):
    return f"""\
[audit]
all = true

[[rules]]
severity = ["{severity}"]
action = "deny"
message = "{MESSAGE}"
"""


@pytest.fixture
def denied(home, emulator, tmp_path):
    """A signed-in world with a user policy denying one severity everywhere."""

    def write(severity):
        sso_world(home, emulator)
        path = home.path / ".config" / "guard" / "policy.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(deny(severity))
        path.chmod(0o600)
        return path

    return write


def refused(result, door):
    assert result.returncode == 77, (door, result.returncode, result.stderr)
    assert MESSAGE in result.stderr, (door, result.stderr)
    assert "policy.toml:4" in result.stderr, (door, result.stderr)
    assert "AWS_SECRET_ACCESS_KEY" not in result.stdout
    assert "SecretAccessKey" not in result.stdout


# Each export door, with what it needs to get as far as handing out credentials.
EXPORT_DOORS = {
    "env": ["-p", "sandbox", "env"],
    "credential-process": ["-p", "sandbox", "credential-process"],
    "console": ["-p", "sandbox", "console", "--print"],
    "eks-token": ["-p", "sandbox", "eks-token", "--cluster", "demo"],
    # guard with no command starts $SHELL: an export of the credentials to whatever is typed.
    "shell": ["-p", "sandbox"],
}


@pytest.mark.parametrize("door", sorted(EXPORT_DOORS))
def test_a_deny_rule_on_exports_refuses_every_export_door(door, denied, run_guard, home, tmp_path):
    denied("export")
    ran = tmp_path / "shell-ran"
    shell = tmp_path / "shell"
    shell.write_text(f"#!/bin/sh\ntouch {ran}\n")
    shell.chmod(0o755)
    result = run_guard(*EXPORT_DOORS[door], "--confirm", "sandbox", env={"SHELL": str(shell)})
    refused(result, door)
    assert not ran.exists()
    (line,) = audit_lines(home)
    assert (line["decision"], line["outcome"], line["caller"]) == ("deny", "refused", "person")
    assert line["classification"] == "export"


@pytest.mark.parametrize(
    "severity,command",
    [
        ("destructive", ["terraform", "destroy"]),
        ("write", ["terraform", "apply"]),
        ("unknown", ["sh", "-c", "$X"]),
        ("read", ["terraform", "plan"]),
        ("export", ["printenv"]),
    ],
)
def test_a_deny_rule_on_a_commands_severity_refuses_the_run(severity, command, denied, run_guard, home, tmp_path):
    denied(severity)
    ran = tmp_path / "ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(f"#!/bin/sh\ntouch {ran}\n")
    fake.chmod(0o755)
    result = run_guard(
        "-p", "sandbox", "--confirm", "sandbox", "--", *command, env={"PATH": f"{bin_dir}:/usr/bin:/bin"}
    )
    refused(result, severity)
    assert not ran.exists()
    (line,) = audit_lines(home)
    assert (line["decision"], line["classification"], line["account_id"]) == ("deny", severity, SANDBOX)


def test_policy_explain_prints_what_the_gate_would_do(denied, run_guard):
    denied("destructive")
    result = run_guard("policy", "explain", "--account", SANDBOX, "--", "terraform", "destroy")
    assert result.returncode == 0, result.stderr
    assert "decision        deny" in result.stdout
    assert MESSAGE in result.stdout


def test_a_deny_rule_refuses_guard_check(denied, run_guard):
    denied("destructive")
    result = run_guard("check", "-p", "sandbox", "--json", "--", "terraform", "destroy")
    assert result.returncode == 77, result.stderr
    answer = json.loads(result.stdout)
    assert answer["decision"] == "deny" and answer["rule"]["message"] == MESSAGE


def test_a_deny_rule_refuses_the_agents_hook(denied, run_guard, home):
    denied("read")
    hook_input = json.dumps(
        {
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "aws s3 ls"},
            "cwd": str(home.path),
        }
    )
    result = run_guard("hook", "claude-code", env={"AWS_PROFILE": "sandbox"}, input=hook_input)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny" and MESSAGE in output["permissionDecisionReason"]
    (line,) = audit_lines(home)
    assert (line["decision"], line["caller"]) == ("deny", "agent:claude-code")
