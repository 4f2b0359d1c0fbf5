"""guard populate and guard profiles end to end: profiles for every account and role, written
into a config file whose every other byte is kept."""

import json
import stat
import subprocess
import sys
import time

from guardtest import PRINT_ENV, PROD, SANDBOX, SESSION_ONLY, START_URL, browser, child_env, in_hours, sign_in


# Comments, odd spacing, tabs, ':' separators, sub-properties, and no newline at the end.
ODD_CONFIG = (
    "# my AWS config: hands off!\n"
    "[default]\n"
    "region=us-east-1\n"
    "s3 =\n"
    "    max_concurrent_requests = 20\n"
    "\n"
    "\n"
    ";  old-style comment\n"
    "[sso-session   myorg ]\n"
    "sso_start_url   =\t" + START_URL + "\n"
    "sso_region: us-east-1\n"
    "   \n"
    "[profile  hand-made]   \n"
    "sso_session = myorg\n"
    "sso_account_id = " + SANDBOX + "\n"
    "sso_role_name = Admin   # not a comment to botocore\n"
    "region = eu-west-1"
)

MANY_ACCOUNTS = [
    {"accountId": SANDBOX, "accountName": "Sandbox", "roles": ["Admin", "ReadOnly", "Billing"]},
    {"accountId": PROD, "accountName": "Prod", "roles": ["Admin"]},
    {"accountId": "333333333333", "accountName": "Shared Services", "roles": ["Admin"]},
    {"accountId": "444444444444", "accountName": "Log Archive", "roles": ["ReadOnly"]},
    {"accountId": "555555555555", "accountName": "Audit", "roles": ["ReadOnly"]},
]
EXPECTED = {
    "sandbox-admin": (SANDBOX, "Admin"),
    "sandbox-readonly": (SANDBOX, "ReadOnly"),
    "sandbox-billing": (SANDBOX, "Billing"),
    "prod-admin": (PROD, "Admin"),
    "shared-services-admin": ("333333333333", "Admin"),
    "log-archive-readonly": ("444444444444", "ReadOnly"),
    "audit-readonly": ("555555555555", "ReadOnly"),
}


def config_text(home):
    return (home.aws / "config").read_bytes()


def backups(home):
    return sorted(home.aws.glob("config.guard-backup-*"))


def profiles_json(run_guard):
    result = run_guard("profiles", "--json")
    assert result.returncode == 0, result.stderr
    return {p["name"]: p for p in json.loads(result.stdout)}


def test_new_user_journey(home, emulator, run_guard, tmp_path):
    """Only an [sso-session]: login, populate, profiles, then a command under a generated profile."""
    emulator.set_accounts(MANY_ACCOUNTS[:2])
    home.write_config(SESSION_ONLY)
    assert run_guard("login", env={"BROWSER": str(browser(tmp_path))}).returncode == 0
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    listing = run_guard("profiles")
    assert listing.returncode == 0, listing.stderr
    assert "sandbox-admin" in listing.stdout and "signed in, 7h 59m left" in listing.stdout
    aws = run_guard("-p", "sandbox-admin", "--", sys.executable, "-m", "awscli", "sts", "get-caller-identity")
    assert aws.returncode == 0, aws.stderr
    assert json.loads(aws.stdout)["Account"] == SANDBOX


def test_populate_follows_every_page(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS)  # the emulator answers 2 items a page
    home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    profiles = profiles_json(run_guard)
    generated = {n: (p["account_id"], p["role"]) for n, p in profiles.items() if p["kind"] == "sso"}
    assert generated == EXPECTED
    assert profiles["shared-services-admin"]["account_name"] == "Shared Services"
    assert profiles["audit-readonly"]["region"] == "us-east-1"
    calls = [r for r in emulator.requests() if r["operation"] in ("ListAccounts", "ListAccountRoles")]
    assert sum(r["operation"] == "ListAccounts" for r in calls) == 3
    sandbox_pages = [r for r in calls if r["query"].get("account_id") == SANDBOX]
    assert len(sandbox_pages) == 2
    env = child_env(run_guard("-p", "log-archive-readonly", "--", *PRINT_ENV))
    assert env["GUARD_ACCOUNT_ID"] == "444444444444"


def test_every_other_byte_is_kept_and_backed_up(home, emulator, run_guard):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "Sandbox", "roles": ["Admin"]}, MANY_ACCOUNTS[1]])
    path = home.aws / "config"
    path.write_text(ODD_CONFIG)
    path.chmod(0o640)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    after = path.read_text()
    assert after.startswith(ODD_CONFIG + "\n\n[profile prod-admin]\n")
    assert after[len(ODD_CONFIG) :] == (
        "\n\n[profile prod-admin]\nsso_session = myorg\nsso_account_id = 222222222222\nsso_role_name = Admin\n"
        "region = us-east-1\nguard_account_name = Prod\nguard_populated_from = myorg\n"
        "\n[profile sandbox-admin]\nsso_session = myorg\nsso_account_id = 111111111111\nsso_role_name = Admin\n"
        "region = us-east-1\nguard_account_name = Sandbox\nguard_populated_from = myorg\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    [backup] = backups(home)
    assert backup.read_text() == ODD_CONFIG
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # The hand-made profile of the same account and role is the person's, and stays.
    assert "[profile  hand-made]   \n" in after


def test_second_run_changes_nothing(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS)
    (home.aws / "config").write_text(ODD_CONFIG)
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    first = config_text(home)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr
    assert config_text(home) == first
    assert len(backups(home)) == 1


def test_dry_run_prints_the_diff_and_writes_nothing(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[:1])
    (home.aws / "config").write_text(ODD_CONFIG)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- ")
    assert "+[profile sandbox-billing]\n" in result.stdout and "+guard_populated_from = myorg\n" in result.stdout
    # The file's last line gains the newline it lacked; no line of it is removed or changed.
    removed = [line for line in result.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == ["-region = eu-west-1"] and "\\ No newline at end of file" in result.stdout
    assert "would be added: sandbox-admin, sandbox-billing, sandbox-readonly" in result.stderr
    assert config_text(home) == ODD_CONFIG.encode()
    assert backups(home) == []


def test_prune_removes_only_its_own_stale_profiles(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[:2])
    home.write_config(
        SESSION_ONLY
        + f"""
[sso-session other]
sso_start_url = https://d-0987654321.awsapps.com/start
sso_region = us-east-1

[profile other-prod-admin]
sso_session = other
sso_account_id = {PROD}
sso_role_name = Admin
guard_populated_from = other

[profile mine]
# my own profile for the prod admin role
sso_session = myorg
sso_account_id = {PROD}
sso_role_name = Admin
"""
    )
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    populated = config_text(home).decode()
    assert "[profile prod-admin]" in populated

    # Prod is no longer assigned: without --prune its profile is only reported.
    emulator.set_accounts(MANY_ACCOUNTS[:1])
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    assert "no longer assigned" in result.stderr and "prod-admin" in result.stderr
    assert config_text(home).decode() == populated

    result = run_guard("populate", "--sso-session", "myorg", "--prune")
    assert result.returncode == 0, result.stderr
    assert "removed: prod-admin" in result.stderr
    after = config_text(home).decode()
    assert "[profile prod-admin]" not in after
    assert "[profile other-prod-admin]" in after and "[profile mine]" in after
    assert "# my own profile for the prod admin role" in after
    assert after == populated.replace(
        "\n[profile prod-admin]\nsso_session = myorg\nsso_account_id = 222222222222\nsso_role_name = Admin\n"
        "region = us-east-1\nguard_account_name = Prod\nguard_populated_from = myorg\n",
        "",
    )


def test_names_are_stable_and_the_persons_edits_are_kept(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[1:2])
    home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    path = home.aws / "config"
    path.write_text(path.read_text().replace("\nregion = us-east-1", "\nregion = ap-south-1  # mine"))

    # A renamed account keeps its profile's name; only the keys populate owns follow.
    emulator.set_accounts([{**MANY_ACCOUNTS[1], "accountName": "Production", "roles": ["Admin", "ReadOnly"]}])
    result = run_guard("populate", "--sso-session", "myorg", "--template", "{account_id}-{role_name}")
    assert result.returncode == 0, result.stderr
    assert "updated: prod-admin" in result.stderr and "added: 222222222222-readonly" in result.stderr
    text = path.read_text()
    assert "guard_account_name = Production\n" in text and "[profile production-admin]" not in text
    assert "region = ap-south-1  # mine" in text
    again = run_guard("populate", "--sso-session", "myorg")
    assert "up to date" in again.stderr and path.read_text() == text


def test_profiles_written_by_hand_are_never_overwritten(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[1:2])
    config = SESSION_ONLY + "\n[profile prod-admin]\nregion = eu-west-1\n"
    home.write_config(config)
    sign_in(home, emulator)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 78
    assert "prod-admin" in result.stderr and "--template" in result.stderr
    assert config_text(home) == config.encode()


def test_bad_template_and_unknown_session(home, run_guard):
    home.write_config(SESSION_ONLY)
    result = run_guard("populate", "--sso-session", "myorg", "--template", "{account}")
    assert result.returncode == 64 and "unknown field {account}" in result.stderr
    result = run_guard("populate", "--sso-session", "nope")
    assert result.returncode == 78 and "the sso-sessions are: myorg" in result.stderr
    assert run_guard("populate", "--sso-session", "myorg", "-p", "x").returncode == 64
    assert run_guard("profiles", "-p", "x").returncode == 64


def test_populate_without_sign_in_names_the_login_command(home, emulator, run_guard):
    home.write_config(SESSION_ONLY)
    result = run_guard("populate", "--sso-session", "myorg")
    assert result.returncode == 78
    assert "guard login --sso-session myorg" in result.stderr


# --- guard profiles --------------------------------------------------------------------------------

EVERY_KIND = SESSION_ONLY + f"""
[sso-session lapsed]
sso_start_url = https://d-0987654321.awsapps.com/start
sso_region = eu-west-1

[sso-session never]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[default]
region = us-east-1
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = not-a-real-secret

[profile settings-only]
region = eu-north-1

[profile sso]
sso_session = myorg
sso_account_id = {SANDBOX}
sso_role_name = Admin
region = eu-west-1

[profile expired]
sso_session = lapsed
sso_account_id = {PROD}
sso_role_name = Admin

[profile out]
sso_session = never
sso_account_id = {PROD}
sso_role_name = Admin

[profile role]
role_arn = arn:aws:iam::{PROD}:role/Deploy
source_profile = sso

[profile process]
credential_process = /bin/false

[profile web]
role_arn = arn:aws:iam::{PROD}:role/Web
web_identity_token_file = /tmp/token
"""


def test_profiles_shows_kind_account_role_and_sign_in(home, emulator, run_guard):
    home.write_config(EVERY_KIND)
    sign_in(home, emulator, hours=2)
    home.write_sso_token("lapsed", "old", in_hours(-1))
    # No network: endpoints that answer nothing must not matter.
    dead = {k: "http://127.0.0.1:9" for k in ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC")}
    result = run_guard("profiles", "--json", env={**dead, "AWS_PROFILE": "role"})
    assert result.returncode == 0, result.stderr
    rows = {p["name"]: p for p in json.loads(result.stdout)}
    summary = {n: (p["kind"], p["sso_session"], p["account_id"], p["role"], p["sign_in"]) for n, p in rows.items()}
    assert summary == {
        "default": ("static", None, None, None, "n/a"),
        "settings-only": ("none", None, None, None, "n/a"),
        "sso": ("sso", "myorg", SANDBOX, "Admin", "signed_in"),
        "expired": ("sso", "lapsed", PROD, "Admin", "expired"),
        "out": ("sso", "never", PROD, "Admin", "not_signed_in"),
        "role": ("role", "myorg", PROD, "Deploy", "signed_in"),
        "process": ("process", None, None, None, "n/a"),
        "web": ("web identity", None, PROD, "Web", "n/a"),
    }
    assert rows["default"]["default"] and rows["role"]["current"]
    assert all(p["error"] is None for p in rows.values())
    assert not rows["sso"]["current"] and rows["sso"]["region"] == "eu-west-1"
    assert rows["sso"]["sign_in_expires_at"].startswith("20")
    assert sum(emulator.counters().values()) == 0

    table = run_guard("profiles", env={**dead, "AWS_PROFILE": "role"})
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["PROFILE", "KIND", "SSO-SESSION", "ACCOUNT", "NAME", "ROLE", "REGION", "SIGN-IN"]
    role_line = next(line for line in lines if " role " in line)
    assert role_line.startswith("*") and "signed in, 1h 59m left" in role_line
    assert next(line for line in lines if "expired " in line).rstrip().endswith("expired")
    assert "not signed in" in next(line for line in lines if line.split()[:1] == ["out"])
    assert next(line for line in lines if "default" in line).startswith("d")


def test_profiles_reports_a_damaged_token_cache(home, emulator, run_guard):
    home.write_config(EVERY_KIND)
    sign_in(home, emulator).write_text("{not json")
    rows = profiles_json(run_guard)
    assert rows["sso"]["sign_in"] == "damaged" and "damaged" in rows["sso"]["error"]


def test_profiles_is_fast(home, emulator, run_guard):
    home.write_config(EVERY_KIND)
    started = time.monotonic()
    assert run_guard("profiles").returncode == 0
    assert time.monotonic() - started < 1.0


def test_profiles_of_a_populated_config_show_account_names(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[2:3])
    home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    row = profiles_json(run_guard)["shared-services-admin"]
    assert row["account_name"] == "Shared Services" and row["sso_session"] == "myorg"


def test_nothing_to_list(home, run_guard):
    result = run_guard("profiles")
    assert result.returncode == 0 and "no profiles" in result.stderr


def test_profiles_mark_accounts_the_policy_protects(home, emulator, run_guard, tmp_path):
    emulator.set_accounts(MANY_ACCOUNTS[2:4])
    home.write_config(EVERY_KIND)
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    policy = tmp_path / "policy.toml"
    policy.write_text(
        f'[[accounts]]\nid = "{PROD}"\nprotected = true\n\n'
        '[[accounts]]\nmatch_name = "Log*"\nprotected = true\n'
    )
    result = run_guard("profiles", "--json", "--policy", policy)
    assert result.returncode == 0, result.stderr
    protected = {p["name"]: p["protected"] for p in json.loads(result.stdout)}
    assert protected["expired"] is True and protected["role"] is True and protected["web"] is True
    assert protected["log-archive-readonly"] is True  # by the portal name populate recorded
    # Offline, the name of the "sso" profile's account is unknown, and a name pattern protects:
    # guard errs on the protected side rather than lift protection it cannot rule out.
    assert protected["sso"] is True and protected["shared-services-admin"] is False
    assert protected["process"] is None
    table = run_guard("profiles", "--policy", policy).stdout.splitlines()
    assert next(line for line in table if line.split()[1:2] == ["expired"]).startswith("!")
    assert "! a protected account" in table[-1]

    policy.write_text("[[accounts]]\nnope = 1\n")
    broken = run_guard("profiles", "--policy", policy)
    assert broken.returncode == 78 and "policy.toml" in broken.stderr


def test_protect_writes_protected_accounts_as_guard_protect_does(home, emulator, run_guard, clean_env):
    emulator.set_accounts(MANY_ACCOUNTS[:2])
    home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(f'[[accounts]]\nid = "{PROD}"\nname = "prod"\nprotected = true\n')
    policy.chmod(0o600)
    result = run_guard("populate", "--sso-session", "myorg", "--protect")
    assert result.returncode == 0, result.stderr
    assert "protected (aws --profile asks guard first): prod-admin" in result.stderr
    text = config_text(home).decode()
    assert "[profile prod-admin.guard-source]" in text
    assert "credential-process --caller -p prod-admin.guard-source" in text
    assert "[profile sandbox-admin]\nsso_session" in text  # not protected: as populate writes it
    # Again, with --prune: the protected profile is populate's still, and nothing changes.
    again = run_guard("populate", "--sso-session", "myorg", "--protect", "--prune")
    assert again.returncode == 0, again.stderr
    assert config_text(home).decode() == text
    # The real AWS CLI with the protected profile: a read runs without a question.
    aws = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--output", "json"],
        env={**clean_env, "AWS_PROFILE": "prod-admin"},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    assert aws.returncode == 0, aws.stderr
    assert json.loads(aws.stdout)["Account"] == PROD


def test_prune_keeps_a_protected_profile_even_with_populate_s_mark(home, emulator, run_guard):
    emulator.set_accounts(MANY_ACCOUNTS[:2])
    home.write_config(SESSION_ONLY)
    sign_in(home, emulator)
    assert run_guard("populate", "--sso-session", "myorg").returncode == 0
    protected = run_guard("protect", "prod-admin")
    assert protected.returncode == 0, protected.stderr
    # As guard protect wrote it before it left populate's mark with the kept settings.
    config = home.aws / "config"
    config.write_text(config.read_text() + "guard_populated_from = myorg\n")
    before = config.read_bytes()
    pruned = run_guard("populate", "--sso-session", "myorg", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "removed" not in pruned.stderr
    assert config.read_bytes() == before
