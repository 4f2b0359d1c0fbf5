"""guard use: a sticky profile for every later run, below -p and the variables, above [default]."""

import json

import pytest

from guardtest import PRINT_ENV, PROD, SANDBOX, child_env, sso_world


def sticky_file(home):
    return home.path / ".local" / "state" / "guard" / "current"


def test_a_new_process_uses_the_sticky_profile(home, emulator, run_guard):
    sso_world(home, emulator)
    chosen = run_guard("use", "sandbox")
    assert chosen.returncode == 0, chosen.stderr
    assert "'sandbox' is sticky" in chosen.stderr
    assert sticky_file(home).read_text() == "sandbox\n"
    assert sticky_file(home).stat().st_mode & 0o777 == 0o600

    result = run_guard("--", *PRINT_ENV)
    env = child_env(result)
    assert env["GUARD_PROFILE"] == "sandbox" and env["GUARD_ACCOUNT_ID"] == SANDBOX
    assert f"guard: sandbox (sticky) · {SANDBOX} (sandbox) · " in result.stderr

    shown = run_guard("use")
    assert (shown.returncode, shown.stdout) == (0, "sandbox\n")


@pytest.mark.parametrize(
    "how, env, mark",
    [
        (["-p", "prod"], {}, None),
        ([], {"AWS_PROFILE": "prod"}, "AWS_PROFILE"),
        ([], {"AWS_DEFAULT_PROFILE": "prod"}, "AWS_DEFAULT_PROFILE"),
        ([], {"GUARD_PROFILE": "prod"}, "GUARD_PROFILE"),  # a guard shell's own profile
    ],
    ids=["flag", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "GUARD_PROFILE"],
)
def test_flag_and_variables_win_over_the_sticky_profile(home, emulator, run_guard, how, env, mark):
    sso_world(home, emulator)
    assert run_guard("use", "sandbox").returncode == 0
    result = run_guard(*how, "--", *PRINT_ENV, env=env)
    assert child_env(result)["GUARD_ACCOUNT_ID"] == PROD
    banner = next(line for line in result.stderr.splitlines() if line.startswith("guard: "))
    shown = f"prod ({mark})" if mark else "prod"
    assert banner.startswith(f"guard: {shown} · {PROD} (prod) · "), banner


def test_the_sticky_profile_wins_over_default_and_clear_forgets_it(home, emulator, run_guard):
    sso_world(home, emulator)
    home.write_config(home.aws.joinpath("config").read_text().replace("[default]\nregion = us-east-1\n", "[default]\nsso_session = myorg\nsso_account_id = " + PROD + "\nsso_role_name = Admin\n"))
    assert child_env(run_guard("--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == PROD  # [default] alone
    assert run_guard("use", "sandbox").returncode == 0
    assert child_env(run_guard("--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == SANDBOX

    cleared = run_guard("use", "--clear")
    assert cleared.returncode == 0 and "forgot the sticky profile 'sandbox'" in cleared.stderr
    assert not sticky_file(home).exists()
    result = run_guard("--", *PRINT_ENV)
    assert child_env(result)["GUARD_ACCOUNT_ID"] == PROD
    assert "guard: default · " in result.stderr
    again = run_guard("use", "--clear")
    assert again.returncode == 0 and "no sticky profile" in again.stderr
    shown = run_guard("use")
    assert shown.returncode == 0 and shown.stdout == "" and "no sticky profile" in shown.stderr


def test_profiles_marks_the_sticky_one(home, emulator, run_guard):
    sso_world(home, emulator)
    assert run_guard("use", "prod").returncode == 0
    table = run_guard("profiles").stdout
    assert any(line.split()[:2] == ["s", "prod"] for line in table.splitlines()), table
    assert not any(line.split()[:2] == ["s", "sandbox"] for line in table.splitlines()), table
    assert "s sticky (guard use)" in table
    rows = {row["name"]: row for row in json.loads(run_guard("profiles", "--json").stdout)}
    assert rows["prod"]["sticky"] and not rows["sandbox"]["sticky"]


def test_unknown_profiles_say_where_they_came_from(home, emulator, run_guard):
    sso_world(home, emulator)
    refused = run_guard("use", "prdo")
    assert refused.returncode == 78 and "no profile named 'prdo'" in refused.stderr
    assert "did you mean prod" in refused.stderr
    assert not sticky_file(home).exists()

    sticky_file(home).parent.mkdir(parents=True)
    sticky_file(home).write_text("retired\n")
    sticky_file(home).chmod(0o600)
    result = run_guard("--", "echo", "SHOULD-NOT-RUN")
    assert result.returncode == 78 and "SHOULD-NOT-RUN" not in result.stdout
    assert "no profile named 'retired' (the sticky profile, set with `guard use`)" in result.stderr
    assert "guard use --clear" in result.stderr

    from_var = run_guard("--", "echo", "SHOULD-NOT-RUN", env={"AWS_PROFILE": "nosuch"})
    assert from_var.returncode == 78 and "(from $AWS_PROFILE)" in from_var.stderr


@pytest.mark.parametrize("content, mode", [("sandbox\n", 0o622), ("", 0o600), ("two\nlines\n", 0o600)])
def test_a_sticky_record_others_could_write_or_that_is_damaged_is_refused(home, emulator, run_guard, content, mode):
    sso_world(home, emulator)
    sticky_file(home).parent.mkdir(parents=True)
    sticky_file(home).write_text(content)
    sticky_file(home).chmod(mode)
    result = run_guard("--", "echo", "SHOULD-NOT-RUN")
    assert result.returncode == 78 and "SHOULD-NOT-RUN" not in result.stdout
    assert str(sticky_file(home)) in result.stderr and "guard use --clear" in result.stderr
    # -p does not read it at all, and --clear removes it.
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert run_guard("use", "--clear").returncode == 0 and not sticky_file(home).exists()


def test_use_says_when_this_shell_overrides_it(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("use", "sandbox", env={"AWS_PROFILE": "prod"})
    assert result.returncode == 0
    assert "$AWS_PROFILE=prod wins over 'sandbox'" in result.stderr and "unset AWS_PROFILE" in result.stderr
    assert run_guard("use", "-p", "prod").returncode == 64


# --- a project's profile ---------------------------------------------------------------------------


def project(tmp_path, text='profile = "prod"\n'):
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / ".guard.toml").write_text(text)
    return repo


def test_a_project_profile_counts_only_once_trusted(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    assert run_guard("use", "sandbox").returncode == 0
    repo = project(tmp_path)

    untrusted = run_guard("--", *PRINT_ENV, cwd=repo / "src")
    assert child_env(untrusted)["GUARD_ACCOUNT_ID"] == SANDBOX  # the sticky one, not the file's
    assert "names profile 'prod', but" in untrusted.stderr and "guard policy trust" in untrusted.stderr
    assert "guard: sandbox (sticky) · " in untrusted.stderr

    assert run_guard("policy", "trust", cwd=repo).returncode == 0
    trusted = run_guard("--", *PRINT_ENV, cwd=repo / "src")
    assert child_env(trusted)["GUARD_ACCOUNT_ID"] == PROD  # a project's choice beats the sticky one
    assert f"guard: prod (.guard.toml) · {PROD} (prod) · " in trusted.stderr
    assert "warning" not in trusted.stderr

    # -p and the variables still win over it.
    assert child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV, cwd=repo))["GUARD_ACCOUNT_ID"] == SANDBOX
    by_var = run_guard("--", *PRINT_ENV, cwd=repo, env={"AWS_PROFILE": "sandbox"})
    assert child_env(by_var)["GUARD_ACCOUNT_ID"] == SANDBOX

    # One byte changed: the trust lapses, and with it the choice.
    (repo / ".guard.toml").write_text('profile = "prod"  \n')
    changed = run_guard("--", *PRINT_ENV, cwd=repo)
    assert child_env(changed)["GUARD_ACCOUNT_ID"] == SANDBOX
    assert "has changed since you trusted it" in changed.stderr


def test_a_trusted_project_naming_an_unknown_profile_says_where(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    repo = project(tmp_path, '# ours\nprofile = "prdo"\n')
    assert run_guard("policy", "trust", cwd=repo).returncode == 0
    result = run_guard("--", "echo", "SHOULD-NOT-RUN", cwd=repo)
    assert result.returncode == 78 and "SHOULD-NOT-RUN" not in result.stdout
    assert f"no profile named 'prdo' (from profile = at {repo / '.guard.toml'}:2)" in result.stderr


def test_a_profile_in_the_users_own_policy_is_an_error(home, emulator, run_guard):
    sso_world(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('profile = "prod"\n')
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 78
    assert "profile is read only from a project's .guard.toml" in result.stderr and "guard use" in result.stderr
