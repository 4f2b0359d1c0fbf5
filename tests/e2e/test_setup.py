"""guard setup: from a start URL to every account as a profile, against the emulator."""

import pexpect
import pytest

from guardtest import OTHER_START_URL, PROD, SANDBOX, START_URL

ACCOUNTS = [
    {"accountId": SANDBOX, "accountName": "Sandbox", "roles": ["Admin", "ReadOnly"]},
    {"accountId": PROD, "accountName": "Prod", "roles": ["Admin"]},
]
SCRIPTED = ["--start-url", START_URL, "--region", "us-east-1", "--sso-session", "myorg"]


@pytest.fixture
def org(emulator):
    emulator.set_accounts(ACCOUNTS)
    emulator.config(deviceAutoApprovePolls=0)  # the person approves the code at once
    return emulator


def config_path(home):
    return home.aws / "config"


def test_scripted_setup_writes_the_session_and_every_profile(home, org, run_guard):
    result = run_guard("setup", *SCRIPTED, "--default", "sandbox-admin")
    assert result.returncode == 0, result.stderr
    text = config_path(home).read_text()
    assert text.startswith(
        f"[sso-session myorg]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    for name in ("sandbox-admin", "sandbox-readonly", "prod-admin"):
        assert f"[profile {name}]\n" in text
    assert "signed in to sso-session 'myorg'" in result.stderr
    assert "sandbox-admin" in result.stdout and "signed in" in result.stdout  # the profiles table
    sticky = home.path / ".local" / "state" / "guard" / "current"
    assert sticky.read_text() == "sandbox-admin\n"
    # and it works: the sticky profile, verified
    run = run_guard("--", "true")
    assert run.returncode == 0 and f"guard: sandbox-admin (sticky) · {SANDBOX} (Sandbox)" in run.stderr


def test_the_same_organization_again_adds_only_new_assignments(home, org, run_guard):
    assert run_guard("setup", *SCRIPTED).returncode == 0
    before = config_path(home).read_bytes()
    backups = sorted(home.aws.glob("config.guard-backup-*"))

    again = run_guard("setup", *SCRIPTED)
    assert again.returncode == 0, again.stderr
    assert "already has [sso-session myorg]" in again.stderr and "already signed in" in again.stderr
    assert "the profiles are up to date" in again.stderr
    assert config_path(home).read_bytes() == before
    assert sorted(home.aws.glob("config.guard-backup-*")) == backups

    org.set_accounts([*ACCOUNTS, {"accountId": "333333333333", "accountName": "QA", "roles": ["Admin"]}])
    third = run_guard("setup", "--start-url", START_URL + "/")  # pasted with a slash: same org
    assert third.returncode == 0, third.stderr
    after = config_path(home).read_text()
    assert after.startswith(before.decode()) and "[profile qa-admin]" in after
    assert after.count("[sso-session") == 1


def test_a_second_organization_gets_a_second_session(home, org, run_guard):
    home.write_config("# mine\n[default]\nregion = eu-west-1\n")
    assert run_guard("setup", *SCRIPTED).returncode == 0
    first = config_path(home).read_text()
    assert first.startswith("# mine\n[default]\nregion = eu-west-1\n\n[sso-session myorg]\n")
    second = run_guard(
        "setup", "--start-url", OTHER_START_URL, "--region", "eu-west-1", "--sso-session", "other",
        "--template", "{sso_session}-{account_name}-{role_name}",
    )
    assert second.returncode == 0, second.stderr
    text = config_path(home).read_text()
    assert text.startswith(first)
    assert f"[sso-session other]\nsso_start_url = {OTHER_START_URL}\nsso_region = eu-west-1\n" in text
    assert "[profile other-sandbox-admin]" in text


@pytest.mark.parametrize(
    "args, words",
    [
        (["--start-url", "https://login.example.com/start", "--region", "us-east-1", "--sso-session", "x"],
         "is not an IAM Identity Center start URL"),
        (["--start-url", "http://d-1234567890.awsapps.com/start", "--region", "us-east-1", "--sso-session", "x"],
         "must start with https://"),
        (["--start-url", START_URL, "--region", "eu-wst-1", "--sso-session", "x"], "did you mean eu-west-1?"),
        (["--start-url", START_URL, "--region", "us-east-1", "--sso-session", "my org"], "cannot name an sso-session"),
        (["--start-url", START_URL, "--sso-session", "x"], "needs --region REGION"),
        (["--region", "us-east-1"], "needs --start-url URL"),
    ],
    ids=["not-identity-center", "http", "no-such-region", "bad-name", "no-region", "no-url"],
)
def test_bad_values_are_refused_before_anything_is_written(home, org, run_guard, args, words):
    home.write_config("[default]\nregion = eu-west-1\n")
    before = config_path(home).read_bytes()
    result = run_guard("setup", *args)
    assert result.returncode == 64, result.stderr
    assert words in result.stderr
    assert config_path(home).read_bytes() == before
    assert not list(home.aws.glob("config.guard-backup-*"))
    assert sum(org.counters().values()) == 0


def test_a_name_taken_by_another_organization_is_refused(home, org, run_guard):
    assert run_guard("setup", *SCRIPTED).returncode == 0
    before = config_path(home).read_bytes()
    result = run_guard("setup", "--start-url", OTHER_START_URL, "--region", "us-east-1", "--sso-session", "myorg")
    assert result.returncode == 64 and "already an [sso-session myorg] for another start URL" in result.stderr
    assert config_path(home).read_bytes() == before


def test_interactive_setup_asks_and_rejects_a_wrong_region(home, org, spawn):
    child = spawn("setup")
    child.expect("IAM Identity Center start URL")
    child.sendline("")
    child.expect("must start with https://")
    child.sendline("https://example.com/start")
    child.expect("is not an IAM Identity Center start URL")
    child.sendline(START_URL)
    child.expect(r"Name for this sso-session \[d-1234567890\]")
    child.sendline("")
    child.expect(r"IAM Identity Center region \[us-east-1\]")
    child.sendline("eu-wst-1")
    child.expect("did you mean eu-west-1")
    child.sendline("us-east-1")
    child.expect("signed in to sso-session 'd-1234567890'")
    child.expect("added: prod-admin, sandbox-admin, sandbox-readonly")
    child.expect("Make one of them sticky")
    child.sendline("sandbox-nope")
    child.expect("no profile named 'sandbox-nope'")
    child.sendline("sandbox-readonly")
    child.expect("'sandbox-readonly' is sticky")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    text = config_path(home).read_text()
    assert f"[sso-session d-1234567890]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n" in text
    assert (home.path / ".local" / "state" / "guard" / "current").read_text() == "sandbox-readonly\n"


def test_setup_protect_writes_protected_accounts_as_guard_protect_does(home, org, run_guard):
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(f'[[accounts]]\nid = "{PROD}"\nname = "prod"\nprotected = true\n')
    policy.chmod(0o600)
    result = run_guard("setup", *SCRIPTED, "--protect")
    assert result.returncode == 0, result.stderr
    text = config_path(home).read_text()
    assert "[profile prod-admin.guard-source]\n" in text
    assert "credential-process --caller -p prod-admin.guard-source" in text
    assert "[profile sandbox-admin]\nsso_session" in text
    run = run_guard("-p", "prod-admin", "--", "true")  # guard itself resolves the kept settings
    assert run.returncode == 0 and f"· {PROD} (" in run.stderr, run.stderr
