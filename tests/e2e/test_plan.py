"""Saved terraform plans read before they are applied, in a protected account.

A fake `terraform` (and `tofu`) answers `show -json PLANFILE` by printing the plan file, which
the tests fill with fixtures in terraform's JSON plan format (tests/e2e/plans/, format_version
1.2); `apply` only records that it ran, so a test can tell that a refused apply never did."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from guardtest import PROD, PROD_BLOCK, sso_world

PLANS = Path(__file__).parent / "plans"


# As terraform: -chdir=DIR first; `show` refuses flags it does not define (TF_CLI_ARGS would add
# apply's); a plan file named "failing" makes show fail the way a corrupt plan does.
FAKE_TERRAFORM = """\
import json, os, pathlib, sys
log = pathlib.Path(os.environ["FAKE_TF_LOG"])
args = sys.argv[1:]
while args and args[0].startswith("-chdir="):
    os.chdir(args.pop(0).split("=", 1)[1])
def record(what):
    with log.open("a") as out:
        out.write(json.dumps(what) + "\\n")
if args[:2] == ["show", "-json"]:
    record({"ran": "show", "args": args, "cwd": os.getcwd(),
            "key": "AWS_ACCESS_KEY_ID" in os.environ, "account": os.environ.get("GUARD_ACCOUNT_ID"),
            "tf_cli_args": os.environ.get("TF_CLI_ARGS")})
    if os.environ.get("TF_CLI_ARGS"):
        sys.exit("flag provided but not defined: " + os.environ["TF_CLI_ARGS"])
    plan = pathlib.Path(args[2])
    if plan.name == "failing" or not plan.exists():
        print("Error: Failed to load plan file", file=sys.stderr)
        print("The given plan file does not have a valid format.", file=sys.stderr)
        sys.exit(1)
    sys.stdout.write(plan.read_text())
elif args and args[0] == "apply":
    record({"ran": "apply", "args": args, "cwd": os.getcwd()})
    print("Apply complete!")
else:
    record({"ran": args[0] if args else "", "args": args})
"""


@pytest.fixture
def workdir(home, emulator, tmp_path):
    """prod protected, a fake terraform on PATH; returns (env, dir, log)."""
    sso_world(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(PROD_BLOCK)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("terraform", "tofu"):
        script = bin_dir / name
        script.write_text(f"#!{sys.executable}\n" + FAKE_TERRAFORM)
        script.chmod(0o755)
    log = tmp_path / "terraform.log"
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}", "FAKE_TF_LOG": str(log)}
    return env, work, log


def save_plan(work, fixture, name="tfplan"):
    shutil.copy(PLANS / f"{fixture}.json", work / name)


def ran(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def applied(log):
    return [entry for entry in ran(log) if entry["ran"] == "apply"]


def audit(home):
    path = home.path / ".local" / "state" / "guard" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_plan_that_deletes_is_destructive_and_lists_what_it_destroys(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "delete")
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77, result.stderr
    assert "aws_s3_bucket.logs (delete: delete_because_no_resource_config)" in result.stderr
    assert "destroys or replaces 1 resource" in result.stderr
    assert "creates 1, updates 1, deletes 1" in result.stderr
    assert applied(log) == []
    show = ran(log)[0]
    assert show["args"] == ["show", "-json", "tfplan"] and show["cwd"] == str(work)
    assert show["key"] and show["account"] == PROD
    line = audit(home)[-1]
    assert line["classification"] == "destructive" and line["outcome"] == "refused"
    assert line["plan"]["destroyed"] == ["aws_s3_bucket.logs"]
    assert (line["plan"]["create"], line["plan"]["update"], line["plan"]["delete"]) == (1, 1, 1)


def test_confirmed_the_plan_is_applied_and_audited(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "delete")
    result = run_guard("-p", "prod", "--confirm", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert [entry["args"] for entry in applied(log)] == [["apply", "tfplan"]]
    line = audit(home)[-1]
    assert line["outcome"] == "allowed" and line["plan"]["destroyed"] == ["aws_s3_bucket.logs"]


@pytest.mark.parametrize(
    "fixture, address",
    [
        ("replace-delete-first", "aws_db_instance.main (replace: replace_because_cannot_update)"),
        ("replace-create-first", "aws_lb.front (replace: replace_by_request)"),
    ],
)
def test_a_replacement_either_way_is_destructive(home, run_guard, workdir, fixture, address):
    env, work, log = workdir
    save_plan(work, fixture)
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert address in result.stderr
    assert applied(log) == []
    assert audit(home)[-1]["plan"]["replace"] == 1


def test_the_prompt_lists_ten_addresses_and_a_count(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "many-deletes")
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert "destroys or replaces 12 resources" in result.stderr
    assert "module.old.aws_s3_object.file[9] (delete), and 2 more" in result.stderr
    assert "file[10]" not in result.stderr
    assert len(audit(home)[-1]["plan"]["destroyed"]) == 12


def test_a_plan_that_only_creates_is_a_write(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "creates")
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert "the plan creates 2, and destroys nothing" in result.stderr
    assert audit(home)[-1]["classification"] == "write"
    assert applied(log) == []


@pytest.mark.parametrize("fixture", ["no-ops", "empty"])
def test_a_plan_of_no_ops_is_a_read_and_runs(home, run_guard, workdir, fixture):
    env, work, log = workdir
    save_plan(work, fixture)
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert len(applied(log)) == 1


def test_forget_is_a_write_that_destroys_nothing(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "forget")
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert "updates 1, forgets 1, and destroys nothing" in result.stderr
    assert "leaves them in place" in result.stderr
    assert audit(home)[-1]["classification"] == "write"


@pytest.mark.parametrize(
    "fixture, why",
    [
        ("deferred", "defers 1 change(s)"),
        ("unapplyable", "not applyable"),
        ("errored", "errored"),
        ("malformed", "not a plan in JSON (the text ends too early)"),
    ],
)
def test_what_guard_cannot_read_is_unknown(home, run_guard, workdir, fixture, why):
    env, work, log = workdir
    save_plan(work, fixture)
    result = run_guard("-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert why in result.stderr
    assert audit(home)[-1]["classification"] == "unknown"
    assert "plan" not in audit(home)[-1]
    assert applied(log) == []


def test_a_failing_show_is_unknown_and_its_error_is_shown(home, run_guard, workdir):
    env, work, log = workdir
    (work / "failing").write_text("not a plan")
    result = run_guard("-p", "prod", "--", "terraform", "apply", "failing", env=env, cwd=work)
    assert result.returncode == 77
    assert "Failed to load plan file" in result.stderr
    assert result.stderr.index("guard: prod") < result.stderr.index("Failed to load plan file")
    assert "`terraform show -json failing` failed (exit status: 1)" in result.stderr
    assert applied(log) == []


def test_chdir_and_tf_cli_args_are_honoured(home, run_guard, workdir):
    env, work, log = workdir
    (work / "infra").mkdir()
    save_plan(work / "infra", "delete")
    save_plan(work, "no-ops")  # the wrong plan, in the wrong directory
    extra = {**env, "TF_CLI_ARGS": "-input=false"}
    result = run_guard("-p", "prod", "--", "terraform", "-chdir=infra", "apply", "tfplan", env=extra, cwd=work)
    assert result.returncode == 77
    assert "aws_s3_bucket.logs" in result.stderr
    show = ran(log)[0]
    assert show["args"] == ["show", "-json", "tfplan"] and show["cwd"] == str(work / "infra")
    assert show["tf_cli_args"] is None
    # The plan file can come from TF_CLI_ARGS_apply too, as terraform reads it.
    log.unlink()
    extra = {**env, "TF_CLI_ARGS_apply": "-input=false tfplan"}
    result = run_guard("-p", "prod", "--", "terraform", "-chdir=infra", "apply", env=extra, cwd=work)
    assert result.returncode == 77
    assert "aws_s3_bucket.logs" in result.stderr
    assert applied(log) == []


def test_tofu_plans_are_read_too(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "delete")
    result = run_guard("-p", "prod", "--", "tofu", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert "tofu apply tfplan: the plan destroys or replaces 1 resource" in result.stderr


def test_policy_explain_reads_the_plan(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "delete")
    result = run_guard("policy", "explain", "-p", "prod", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "destructive" in result.stdout
    assert "aws_s3_bucket.logs" in result.stdout
    assert applied(log) == []


def test_apply_without_a_plan_suggests_the_two_step_form(home, run_guard, workdir):
    env, work, log = workdir
    result = run_guard("-p", "prod", "--", "terraform", "apply", env=env, cwd=work)
    assert result.returncode == 77
    assert "terraform plan -out=tfplan, then guard -p prod -- terraform apply tfplan" in result.stderr
    assert ran(log) == []


def test_outside_protected_accounts_no_plan_is_read(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "delete")
    result = run_guard("-p", "sandbox", "--", "terraform", "apply", "tfplan", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert [entry["ran"] for entry in ran(log)] == ["apply"]


def test_a_plan_inside_a_shell_stays_unknown(home, run_guard, workdir):
    env, work, log = workdir
    save_plan(work, "no-ops")
    result = run_guard("-p", "prod", "--", "sh", "-c", "terraform apply tfplan", env=env, cwd=work)
    assert result.returncode == 77
    assert "guard cannot see what it changes" in result.stderr
    assert ran(log) == []
