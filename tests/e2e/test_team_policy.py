"""Policy as team code: plan rules, plan-first applies, `guard policy test`, change reasons and
freeze windows, end to end against the real binary, moto and the emulator.

A fake `terraform` records every call. `show -json FILE` prints FILE (the tests write plans in
terraform's JSON format); `plan ... -out=FILE` writes the plan named by $FAKE_TF_PLAN into FILE
(or fails when that is "failing"); `apply` only records that it ran."""

import json
import os
import sys
from pathlib import Path

import pytest

from guardtest import PROD, PROD_BLOCK, sso_world

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "policies" / "examples"

FAKE_TERRAFORM = """\
import json, os, pathlib, sys
log = pathlib.Path(os.environ["FAKE_TF_LOG"])
args = sys.argv[1:]
while args and args[0].startswith("-chdir="):
    os.chdir(args.pop(0).split("=", 1)[1])
def record(what):
    with log.open("a") as out:
        out.write(json.dumps(what) + "\\n")
record({"args": args, "key": "AWS_ACCESS_KEY_ID" in os.environ})
if args[:2] == ["show", "-json"]:
    sys.stdout.write(pathlib.Path(args[2]).read_text())
elif args and args[0] == "plan":
    plan = os.environ.get("FAKE_TF_PLAN", "")
    if plan == "failing":
        print("Error: Invalid reference", file=sys.stderr)
        sys.exit(1)
    for out in [a.split("=", 1)[1] for a in args if a.startswith("-out=")]:
        pathlib.Path(out).write_text(pathlib.Path(plan).read_text())
    print("Plan: 0 to add, 0 to change, 1 to destroy.")
elif args and args[0] == "apply":
    print("Apply complete!")
"""


def change(address, actions, before=None, after=None, rtype=None):
    return {
        "address": address,
        "type": rtype or address.split(".")[-2],
        "change": {"actions": actions, "before": before, "after": after},
    }


def plan_json(*changes):
    return json.dumps({"format_version": "1.2", "applyable": True, "resource_changes": list(changes)})


DELETE_DB = plan_json(
    change("aws_db_instance.main", ["delete"], {"deletion_protection": False}),
    change("aws_s3_bucket.assets", ["create"], None, {"bucket": "assets"}),
)


@pytest.fixture
def team(home, emulator, tmp_path):
    """prod protected and signed in, a fake terraform on PATH; returns a helper."""
    sso_world(home, emulator)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(f"#!{sys.executable}\n" + FAKE_TERRAFORM)
    script.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "terraform.log"

    class Team:
        env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}", "FAKE_TF_LOG": str(log)}
        dir = work

        @staticmethod
        def policy(extra=""):
            path = home.path / ".config" / "guard" / "policy.toml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(PROD_BLOCK + extra)
            path.chmod(0o600)
            return path

        @staticmethod
        def calls():
            return [json.loads(line)["args"] for line in log.read_text().splitlines()] if log.exists() else []

        @staticmethod
        def applied():
            return [args for args in Team.calls() if args and args[0] == "apply"]

        @staticmethod
        def audit():
            path = home.path / ".local" / "state" / "guard" / "audit.jsonl"
            return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return Team


# --- plan rules -----------------------------------------------------------------------------------

DENY_DB = """
[[plan_rules]]
address = "aws_db_instance.*"
actions = ["delete", "replace"]
action = "deny"
message = "databases are retired by a change request"
"""


def test_a_deny_plan_rule_refuses_the_apply_even_with_confirm(team, run_guard):
    path = team.policy(DENY_DB)
    (team.dir / "tfplan").write_text(DELETE_DB)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 77, result.stderr
    assert "databases are retired by a change request" in result.stderr
    assert f"plan rule at {path}:6 on aws_db_instance.main" in result.stderr
    assert team.applied() == []
    assert team.audit()[-1]["decision"] == "deny"


def test_without_the_rule_the_plan_asks_and_lists_the_delete_first(team, run_guard):
    team.policy()
    (team.dir / "tfplan").write_text(DELETE_DB)
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 77, result.stderr
    assert "needs confirmation" in result.stderr
    assert "aws_db_instance.main (delete)" in result.stderr
    assert team.applied() == []


def test_an_allow_rule_lets_a_replace_of_the_web_servers_through(team, run_guard):
    team.policy('\n[[plan_rules]]\naddress = "aws_instance.web"\nactions = ["replace"]\naction = "allow"\n')
    (team.dir / "tfplan").write_text(plan_json(change("aws_instance.web", ["delete", "create"], {"ami": "a"}, {"ami": "b"})))
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 0, result.stderr
    assert team.applied() == [["apply", "tfplan"]]
    line = team.audit()
    # A read in a protected account is not asked; the plan's summary still counts the replace.
    assert not line or line[-1]["decision"] == "allow"


def test_an_attribute_rule_catches_deletion_protection_switched_off(team, run_guard):
    team.policy(
        '\n[[plan_rules]]\ntype = "aws_db_instance"\nattribute = "deletion_protection"\nfrom = true\nto = false\naction = "deny"\nmessage = "keep it on"\n'
    )
    off = plan_json(change("aws_db_instance.main", ["update"], {"deletion_protection": True}, {"deletion_protection": False}))
    (team.dir / "tfplan").write_text(off)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 77 and "keep it on" in result.stderr, result.stderr
    on = plan_json(change("aws_db_instance.main", ["update"], {"deletion_protection": False}, {"deletion_protection": True}))
    (team.dir / "tfplan").write_text(on)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 0, result.stderr


def test_explain_shows_each_matched_change_with_its_rule(team, run_guard):
    path = team.policy(DENY_DB)
    (team.dir / "tfplan").write_text(DELETE_DB)
    result = run_guard("policy", "explain", "-p", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 0, result.stderr
    assert f"aws_db_instance.main (delete): deny by the plan rule at {path}:6" in result.stdout
    assert "decision        deny" in result.stdout


def test_an_untrusted_project_file_keeps_deny_plan_rules_and_drops_allow_ones(team, run_guard):
    team.policy()
    (team.dir / ".guard.toml").write_text(DENY_DB + '\n[[plan_rules]]\naddress = "aws_s3_bucket.*"\naction = "allow"\n')
    (team.dir / "tfplan").write_text(DELETE_DB)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "tfplan", env=team.env, cwd=team.dir)
    assert result.returncode == 77, result.stderr
    assert "databases are retired" in result.stderr
    check = run_guard("policy", "check", env=team.env, cwd=team.dir)
    assert "plan rule allow address=aws_s3_bucket.*" in check.stdout, check.stdout


# --- plan-first applies ---------------------------------------------------------------------------

PLAN_FIRST = '\n[terraform]\nplan_first = true\n'


def test_plan_first_plans_decides_on_the_plan_and_applies_that_file(team, run_guard, tmp_path):
    team.policy(PLAN_FIRST)
    planned = tmp_path / "planned.json"
    planned.write_text(DELETE_DB)
    env = {**team.env, "FAKE_TF_PLAN": str(planned)}
    result = run_guard(
        "-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "-var", "x=1", "-auto-approve", env=env, cwd=team.dir
    )
    assert result.returncode == 0, result.stderr
    calls = team.calls()
    assert [c[0] for c in calls] == ["plan", "show", "apply"], calls
    plan, show, apply = calls
    assert plan[:3] == ["plan", "-var", "x=1"] and plan[3].startswith("-out=") and len(plan) == 4
    saved = plan[3].split("=", 1)[1]
    assert show == ["show", "-json", saved]
    assert apply == ["apply", saved]
    assert not Path(saved).exists() and not Path(saved).parent.exists()
    line = team.audit()[-1]
    assert line["plan"]["destroyed"] == ["aws_db_instance.main"]


def test_plan_first_declined_runs_only_the_plan(team, run_guard, tmp_path):
    team.policy(PLAN_FIRST)
    planned = tmp_path / "planned.json"
    planned.write_text(DELETE_DB)
    result = run_guard("-p", "prod", "--", "terraform", "apply", env={**team.env, "FAKE_TF_PLAN": str(planned)}, cwd=team.dir)
    assert result.returncode == 77, result.stderr
    assert "aws_db_instance.main (delete)" in result.stderr
    assert [c[0] for c in team.calls()] == ["plan", "show"]
    saved = team.calls()[0][-1].split("=", 1)[1]
    assert not Path(saved).parent.exists()


def test_plan_first_with_a_failing_plan_stops_with_its_status(team, run_guard):
    team.policy(PLAN_FIRST)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", env={**team.env, "FAKE_TF_PLAN": "failing"}, cwd=team.dir)
    assert result.returncode == 1, result.stderr
    assert [c[0] for c in team.calls()] == ["plan"]


def test_plan_first_refuses_what_it_cannot_split(team, run_guard):
    team.policy(PLAN_FIRST)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "-frobnicate", env=team.env, cwd=team.dir)
    assert result.returncode == 77
    assert "-frobnicate" in result.stderr
    assert team.calls() == []


# --- guard policy test ----------------------------------------------------------------------------


def test_the_shipped_example_passes(run_guard):
    result = run_guard(
        "policy", "test", "--policy", EXAMPLES / "team.toml", EXAMPLES / "team.test.toml", env={"XDG_CONFIG_HOME": "/nonexistent"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "14 passed, 0 failed" in result.stdout


def test_a_failing_case_is_reported_with_the_deciding_rule(run_guard, tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text(PROD_BLOCK + '\n[[rules]]\ntool = "aws"\ncommand = "s3 rb"\naction = "deny"\nmessage = "no"\n')
    cases = tmp_path / "cases.toml"
    cases.write_text(
        '[[case]]\nname = "rb is fine"\ncommand = ["aws", "s3", "rb", "s3://x"]\naccount = "prod"\ndecision = "allow"\n\n'
        '[[case]]\ncommand = "aws s3 ls"\naccount = "prod"\ndecision = "allow"\nclassification = "read"\n'
    )
    result = run_guard("policy", "test", "--policy", policy, cases)
    assert result.returncode == 1, result.stderr
    assert f"FAIL {cases}:1 rb is fine" in result.stdout
    assert "  - decision        allow\n  + decision        deny" in result.stdout
    assert f"rule at {policy}:6: no" in result.stdout
    assert "1 passed, 1 failed" in result.stdout
    as_json = run_guard("policy", "test", "--policy", policy, "--json", cases)
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [line["passed"] for line in lines] == [False, True]


def test_a_malformed_test_file_names_its_line(run_guard, tmp_path):
    cases = tmp_path / "cases.toml"
    cases.write_text('[[case]]\ncommand = ["true"]\naccount = "111111111111"\ndecision = "maybe"\n')
    result = run_guard("policy", "test", cases)
    assert result.returncode == 78
    assert f"{cases}:4:" in result.stderr


# --- change reasons -------------------------------------------------------------------------------

REASONS = '\n[protected]\nreason_pattern = "^(INC|CHG)-[0-9]+"\n'


def test_a_missing_reason_is_refused_with_the_pattern(team, run_guard):
    team.policy(REASONS)
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "destroy", env=team.env, cwd=team.dir)
    assert result.returncode == 77
    assert "/^(INC|CHG)-[0-9]+/" in result.stderr and "none was given" in result.stderr
    wrong = run_guard("-p", "prod", "--confirm", "prod", "--reason", "cleanup", "--", "terraform", "destroy", env=team.env, cwd=team.dir)
    assert wrong.returncode == 77 and "does not match" in wrong.stderr
    assert team.calls() == []


def test_a_matching_reason_is_recorded_in_the_audit_line(team, run_guard):
    team.policy(REASONS)
    result = run_guard(
        "-p", "prod", "--confirm", "prod", "--", "terraform", "destroy", env={**team.env, "GUARD_REASON": "CHG-42"}, cwd=team.dir
    )
    assert result.returncode == 0, result.stderr
    assert team.calls() == [["destroy"]]
    assert team.audit()[-1]["change_reason"] == "CHG-42"
    # Reads need none.
    assert run_guard("-p", "prod", "--", "terraform", "plan", env=team.env, cwd=team.dir).returncode == 0


# --- freezes --------------------------------------------------------------------------------------


def test_a_fixed_freeze_that_contains_now_denies(team, run_guard):
    team.policy('\n[[freezes]]\nfrom = "2020-01-01T00:00:00Z"\nuntil = "2099-01-01T00:00:00Z"\nmessage = "frozen for the test"\n')
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", env=team.env, cwd=team.dir)
    assert result.returncode == 77
    assert "frozen for the test" in result.stderr
    assert run_guard("-p", "prod", "--", "terraform", "plan", env=team.env, cwd=team.dir).returncode == 0
    check = run_guard("policy", "check", env=team.env)
    assert "ACTIVE now" in check.stdout


def test_a_weekly_freeze_is_in_force_on_its_days(team, run_guard):
    every_day = '\n[[freezes]]\ndays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\ntimezone = "Europe/Berlin"\naction = "confirm"\nrequire_reason = true\n'
    team.policy(every_day)
    # An unprotected account is frozen too when the freeze is not scoped: guard asks there.
    result = run_guard("-p", "sandbox", "--", "terraform", "apply", env=team.env, cwd=team.dir)
    assert result.returncode == 77
    assert "change reason" in result.stderr
    result = run_guard("-p", "sandbox", "--confirm", "sandbox", "--reason", "planned", "--", "terraform", "apply", env=team.env, cwd=team.dir)
    assert result.returncode == 0, result.stderr


def test_an_untrusted_project_file_may_add_a_freeze(team, run_guard):
    team.policy()
    (team.dir / ".guard.toml").write_text('[[freezes]]\nfrom = "2020-01-01T00:00:00Z"\nuntil = "2099-01-01T00:00:00Z"\naccounts = ["prod"]\nmessage = "the repo is frozen"\n')
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", env=team.env, cwd=team.dir)
    assert result.returncode == 77
    assert "the repo is frozen" in result.stderr
    assert PROD in result.stderr
