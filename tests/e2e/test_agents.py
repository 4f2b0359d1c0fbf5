"""guard check and the agents' hooks: the gate's answer without running anything, for a person or
an AI agent, with no request on the warm path."""

import json
import os

import pytest

from guardtest import PROD, PROD_BLOCK, SANDBOX, STATIC_KEYS, audit_lines, made, reset, sso_world

CLAUDE = "claude-code"


@pytest.fixture
def prod_policy(home):
    def write(extra=""):
        path = home.path / ".config" / "guard" / "policy.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PROD_BLOCK + extra)
        path.chmod(0o600)
        return path

    return write


@pytest.fixture
def world(home, emulator, prod_policy):
    sso_world(home, emulator)
    prod_policy()


def check(run_guard, *args, env=None, input=None):
    return run_guard("check", *args, env=env, input=input)


# --- guard check ---------------------------------------------------------------------------------

CASES = [
    # command, classification, exit status, decision in a protected account
    (["aws", "s3", "ls"], "read", 0, "allow"),
    (["terraform", "destroy"], "destructive", 77, "confirm"),
    (["sh", "-c", "$X"], "unknown", 77, "confirm"),
    (["printenv"], "export", 77, "confirm"),
]


@pytest.mark.parametrize("command,severity,status,decision", CASES)
def test_check_in_a_protected_account(command, severity, status, decision, world, run_guard):
    plain = check(run_guard, "-p", "prod", "--", *command)
    assert plain.returncode == status, plain.stderr
    assert f"[{severity}]" in plain.stdout and "account 222222222222 (prod)" in plain.stdout
    result = check(run_guard, "-p", "prod", "--json", "--", *command)
    assert result.returncode == status, result.stderr
    answer = json.loads(result.stdout)
    assert answer["decision"] == decision
    assert answer["classification"] == severity
    assert answer["account"]["id"] == PROD and answer["account"]["protected"] is True
    assert answer["account"]["known_from"] == "configuration"
    assert answer["caller"] == "person"
    if decision != "allow":
        assert "default.toml" in answer["rule"]["file"] and answer["rule"]["line"] > 0


def test_check_names_the_rule_with_file_and_line(world, run_guard, prod_policy):
    path = prod_policy('\n[[rules]]\ntool = "aws"\ncommand = "s3 rb"\naction = "deny"\nmessage = "ask the platform team"\n')
    result = check(run_guard, "-p", "prod", "--json", "--", "aws", "s3", "rb", "s3://b")
    assert result.returncode == 77
    answer = json.loads(result.stdout)
    assert answer["decision"] == "deny"
    assert answer["rule"] == {"file": str(path), "line": 6, "message": "ask the platform team"}


def test_check_warm_makes_no_request(home, emulator, aws_counts, run_guard, prod_policy):
    sso_world(home, emulator)
    prod_policy()
    # Warm: the cache holds the verified identity (a run put it there).
    assert run_guard("-p", "prod", "--", "true").returncode == 0
    reset(emulator, aws_counts)
    result = check(run_guard, "-p", "prod", "--json", "--", "terraform", "destroy")
    assert result.returncode == 77
    assert json.loads(result.stdout)["account"]["known_from"] == "cache"
    # Cold, but the profile names its account: still no request.
    (home.path / ".cache" / "guard").rename(home.path / "old-cache")
    result = check(run_guard, "-p", "prod", "--json", "--", "aws", "s3", "ls")
    assert result.returncode == 0
    assert json.loads(result.stdout)["account"]["known_from"] == "configuration"
    assert made(emulator, aws_counts) == {}


def test_check_in_an_unprotected_account_allows(world, run_guard):
    for command in (["terraform", "destroy"], ["printenv"], ["sh", "-c", "$X"]):
        result = check(run_guard, "-p", "sandbox", "--json", "--", *command)
        assert result.returncode == 0, result.stdout
        answer = json.loads(result.stdout)
        assert answer["decision"] == "allow" and answer["account"]["protected"] is False


def test_check_stdin_reads_a_command_line_as_bash_does(world, run_guard):
    result = check(run_guard, "-p", "prod", "--json", "--stdin", input="cd infra && terraform destroy -auto-approve\n")
    assert result.returncode == 77
    assert json.loads(result.stdout)["classification"] == "destructive"
    read = check(run_guard, "-p", "prod", "--stdin", input="aws s3 ls | head\n")
    assert read.returncode == 0, read.stdout


def test_check_offline_without_a_known_account_needs_consent(home, run_guard, aws_counts, emulator):
    home.write_credentials(STATIC_KEYS)
    home.write_config("[profile base]\nregion = us-east-1\n")
    result = check(run_guard, "-p", "base", "--offline", "--json", "--", "aws", "s3", "ls")
    assert result.returncode == 77, result.stderr
    answer = json.loads(result.stdout)
    assert answer["decision"] == "confirm" and answer["account"]["known_from"] == "unknown"
    assert aws_counts.counts() == {}
    # Without --offline the request is made, and the account is known.
    result = check(run_guard, "-p", "base", "--json", "--", "aws", "s3", "ls")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["account"]["known_from"] == "verified"
    assert aws_counts.counts()["GetCallerIdentity"] == 1


def test_check_for_an_agent_follows_the_agents_table(world, run_guard):
    result = check(run_guard, "-p", "prod", "--agent", "ci-bot", "--json", "--", "printenv")
    assert result.returncode == 77
    answer = json.loads(result.stdout)
    assert answer["decision"] == "deny" and answer["caller"] == "agent:ci-bot"


# --- the Claude Code hook -----------------------------------------------------------------------


def hook_input(command, tool="Bash", cwd=None):
    return json.dumps(
        {
            "session_id": "abc123",
            "transcript_path": "/tmp/t.jsonl",
            "cwd": cwd or os.getcwd(),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": {"command": command, "description": "x"} if tool == "Bash" else {"file_path": "/x"},
            "tool_use_id": "toolu_01",
        }
    )


def hook(run_guard, command, env=None, tool="Bash", raw=None, cwd=None):
    result = run_guard("hook", CLAUDE, env=env, input=raw if raw is not None else hook_input(command, tool, cwd))
    assert result.returncode == 0, result.stderr
    if not result.stdout.strip():
        return None
    output = json.loads(result.stdout)["hookSpecificOutput"]
    assert output["hookEventName"] == "PreToolUse"
    return output


def test_hook_read_in_prod_is_allowed_and_names_the_account(world, run_guard, home):
    output = hook(run_guard, "aws s3 ls", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "allow"
    assert "222222222222 (prod)" in output["permissionDecisionReason"]
    (line,) = audit_lines(home)
    assert (line["caller"], line["decision"], line["account_id"]) == ("agent:claude-code", "allow", PROD)


def test_hook_terraform_destroy_in_prod_asks(world, run_guard, home):
    output = hook(run_guard, "terraform destroy", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "ask"
    reason = output["permissionDecisionReason"]
    assert "222222222222 (prod)" in reason and "terraform destroy" in reason
    (line,) = audit_lines(home)
    assert line["caller"] == "agent:claude-code" and line["outcome"] == "consent left to the caller"


def test_hook_agents_deny_rule_denies_with_its_message(world, run_guard, prod_policy, home):
    prod_policy('\n[agents]\ndestructive = "deny"\n\n[[rules]]\ntool = "aws"\ncommand = "s3 rb"\naction = "deny"\nmessage = "buckets go through the platform team"\n')
    output = hook(run_guard, "aws s3 rb s3://data", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "deny"
    assert "buckets go through the platform team" in output["permissionDecisionReason"]
    output = hook(run_guard, "terraform destroy", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "deny"
    assert [(l["decision"], l["caller"]) for l in audit_lines(home)] == [("deny", "agent:claude-code")] * 2


def test_hook_env_in_prod_is_denied(world, run_guard):
    output = hook(run_guard, "env", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "deny"
    assert "export" in output["permissionDecisionReason"]


def test_hook_judges_the_profile_the_command_line_names(world, run_guard):
    # The agent's environment names sandbox; the command picks prod for itself.
    for command in ("AWS_PROFILE=prod terraform destroy", "aws --profile prod s3 rb s3://b"):
        output = hook(run_guard, command, env={"AWS_PROFILE": "sandbox"})
        assert output is not None and output["permissionDecision"] == "ask", command
        assert "222222222222 (prod)" in output["permissionDecisionReason"]
    assert hook(run_guard, "terraform destroy", env={"AWS_PROFILE": "sandbox"}) is None


def test_hook_reads_the_line_as_bash_and_zsh_both_would(world, run_guard):
    # Claude Code runs the user's shell (often zsh, whatever SHELL says): unless
    # CLAUDE_CODE_SHELL names it, a line is read only where bash and zsh agree. zsh's `>!`
    # writes the next word (bash writes a file named `!`): unknown, so the agent asks.
    line = "echo x >! notes.txt"
    output = hook(run_guard, line, env={"AWS_PROFILE": "prod", "SHELL": "/bin/bash"})
    assert output["permissionDecision"] == "ask", output
    assert ">!" in output["permissionDecisionReason"]
    output = hook(run_guard, "cat /proc/<1->/environ", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "ask" and "<1->" in output["permissionDecisionReason"]
    # With CLAUDE_CODE_SHELL naming bash, bash's reading: a file named `!` is written.
    output = hook(run_guard, line, env={"AWS_PROFILE": "prod", "CLAUDE_CODE_SHELL": "/bin/bash"})
    assert output["permissionDecision"] == "allow", output
    # A shell guard does not read (fish) is unknown.
    output = hook(run_guard, "aws s3 ls", env={"AWS_PROFILE": "prod", "CLAUDE_CODE_SHELL": "/usr/bin/fish"})
    assert output["permissionDecision"] == "ask", output
    # A plain read stays a read under zsh's reading.
    output = hook(run_guard, "aws s3 ls | head", env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "allow", output


def test_hook_an_unreadable_choice_of_profile_is_an_unknown_account(world, run_guard):
    # Red team R7: the AWS CLI takes `--prof` for `--profile`; a loop, `read`, `unset`,
    # `env -u`, a moved config or HOME, or a line guard cannot read that runs a tool
    # (`source`) may reach prod from a sandbox session.
    output = hook(run_guard, "aws s3 rb s3://b --prof prod", env={"AWS_PROFILE": "sandbox"})
    assert output["permissionDecision"] == "ask" and "222222222222 (prod)" in output["permissionDecisionReason"]
    for line in (
        "for AWS_PROFILE in prod; do aws s3 rb s3://b; done",
        "unset AWS_PROFILE; aws s3 rb s3://b",
        "AWS_CONFIG_FILE=/tmp/other aws s3 rb s3://b",
        "source prod.env; aws s3 rb s3://b",
    ):
        output = hook(run_guard, line, env={"AWS_PROFILE": "sandbox"})
        assert output is not None and output["permissionDecision"] == "ask", line
        assert "an account guard does not know" in output["permissionDecisionReason"], output
    # A line that reads the variable, or runs no tool, stays the session's.
    output = hook(run_guard, "echo $AWS_PROFILE", env={"AWS_PROFILE": "sandbox"})
    assert output["permissionDecision"] == "allow" and "profile sandbox" in output["permissionDecisionReason"]
    assert hook(run_guard, "./build.sh", env={"AWS_PROFILE": "sandbox"}) is None


def test_hook_ignores_other_tools(world, run_guard):
    assert hook(run_guard, None, tool="Write", env={"AWS_PROFILE": "prod"}) is None


@pytest.mark.parametrize("raw", ["", "not json", "{}", '{"tool_name": "Bash", "tool_input": {}}', "[1,2"])
def test_hook_garbage_is_denied(world, run_guard, raw):
    output = hook(run_guard, None, raw=raw, env={"AWS_PROFILE": "prod"})
    assert output["permissionDecision"] == "deny"
    assert output["permissionDecisionReason"]


def test_hook_missing_profile_is_denied(world, run_guard):
    output = hook(run_guard, "aws s3 ls", env={"AWS_PROFILE": "nope"})
    assert output["permissionDecision"] == "deny"
    assert "nope" in output["permissionDecisionReason"]


def test_hook_unreachable_sts_is_denied(home, run_guard):
    # Long-term keys name no account: only STS can say, and it does not answer.
    home.write_credentials(STATIC_KEYS)
    home.write_config("[profile base]\nregion = us-east-1\n")
    output = hook(run_guard, "aws s3 ls", env={"AWS_PROFILE": "base", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"})
    assert output["permissionDecision"] == "deny"
    assert "could not decide" in output["permissionDecisionReason"]


# --- guard hook install --------------------------------------------------------------------------


def settings(home):
    return home.path / ".claude" / "settings.json"


def test_install_creates_the_settings_file(home, run_guard, guard_bin):
    result = run_guard("hook", "install", CLAUDE)
    assert result.returncode == 0, result.stderr
    written = json.loads(settings(home).read_text())
    (group,) = written["hooks"]["PreToolUse"]
    assert group["matcher"] == "Bash"
    assert group["hooks"][0]["command"] == f"{guard_bin} hook claude-code || exit 2"


def test_install_keeps_every_other_byte_and_runs_once(home, run_guard):
    path = settings(home)
    path.parent.mkdir()
    original = (
        '{\n    "model": "opus",\n    "hooks": {\n        "PreToolUse": [\n'
        '            { "matcher": "Edit", "hooks": [ { "type": "command", "command": "lint" } ] }\n'
        '        ],\n        "Stop": []\n    },\n    "env": { "A": "1" }\n}\n'
    )
    path.write_text(original)
    assert run_guard("hook", "install", CLAUDE).returncode == 0
    edited = path.read_text()
    # What was there is there byte for byte; only guard's entry is new.
    head, added_and_rest = edited.split('"PreToolUse": [', 1)
    assert head == original.split('"PreToolUse": [', 1)[0]
    assert added_and_rest.endswith(original.split('"PreToolUse": [', 1)[1])
    assert len(json.loads(edited)["hooks"]["PreToolUse"]) == 2
    again = run_guard("hook", "install", CLAUDE)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert path.read_text() == edited


def test_install_project_and_print(home, run_guard, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    assert run_guard("hook", "install", CLAUDE, "--project", cwd=project).returncode == 0
    assert json.loads((project / ".claude" / "settings.json").read_text())["hooks"]["PreToolUse"]
    printed = run_guard("hook", "install", CLAUDE, "--print")
    assert json.loads(printed.stdout)["hooks"]["PreToolUse"][0]["matcher"] == "Bash"
    assert not settings(home).exists()


def test_install_refuses_a_file_it_cannot_read(home, run_guard):
    path = settings(home)
    path.parent.mkdir()
    path.write_text("{ not json")
    result = run_guard("hook", "install", CLAUDE)
    assert result.returncode == 78 and "not changed" in result.stderr
    assert path.read_text() == "{ not json"


def test_hook_with_keys_in_the_environment_does_not_trust_aws_profile(world, run_guard):
    # The AWS CLI uses these keys whatever AWS_PROFILE says: their account is not known.
    keys = {"AWS_PROFILE": "sandbox", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
    output = hook(run_guard, "aws s3 rb s3://b", env=keys)
    assert output["permissionDecision"] == "ask"
    assert "AWS_ACCESS_KEY_ID" in output["permissionDecisionReason"]
    # Inside a guard shell the keys are the ones guard verified for that account.
    shell = {**keys, "AWS_PROFILE": None, "GUARD_PROFILE": "sandbox", "GUARD_ACCOUNT_ID": SANDBOX}
    assert hook(run_guard, "aws s3 rb s3://b", env=shell) is None
