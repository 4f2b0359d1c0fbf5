"""What guard does on a terminal: the profile picker, the MFA prompt and sign-in, on a pseudo-terminal."""

import sys

import pexpect

from guardtest import OTHER_START_URL, PROD, SANDBOX, SSO_CONFIG, browser, sso_world


def test_picker_lists_profiles_and_runs_the_chosen_one(home, emulator, spawn):
    sso_world(home, emulator, config=SSO_CONFIG.replace("[default]\nregion = us-east-1\n", ""))
    child = spawn("--", sys.executable, "-c", "import os; print('ACCOUNT=' + os.environ['GUARD_ACCOUNT_ID'])")
    child.expect("AWS profile")
    child.send("prod")
    child.expect("prod")
    child.send("\r")
    child.expect(f"ACCOUNT={PROD}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_picker_escape_runs_nothing(home, emulator, spawn):
    sso_world(home, emulator, config=SSO_CONFIG.replace("[default]\nregion = us-east-1\n", ""))
    child = spawn("--", "echo", "SHOULD-NOT-RUN")
    child.expect("AWS profile")
    child.send("\x1b")
    child.expect(pexpect.EOF)
    child.close()
    assert "SHOULD-NOT-RUN" not in child.before
    assert child.exitstatus == 77


MFA_CONFIG = f"""\
[profile mfa]
role_arn = arn:aws:iam::{PROD}:role/Mfa
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/alice
"""
KEYS = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = moto-secret\n"


def test_mfa_code_is_asked_on_the_terminal(home, spawn):
    home.write_credentials(KEYS)
    home.write_config(MFA_CONFIG)
    child = spawn("-p", "mfa", "--", sys.executable, "-c", "import os; print('ACCOUNT=' + os.environ['GUARD_ACCOUNT_ID'])")
    child.expect("MFA code for arn:aws:iam::111111111111:mfa/alice")
    child.sendline("123456")
    child.expect(f"ACCOUNT={PROD}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_mfa_prompt_interrupted_runs_nothing(home, spawn):
    home.write_credentials(KEYS)
    home.write_config(MFA_CONFIG)
    child = spawn("-p", "mfa", "--", "echo", "SHOULD-NOT-RUN")
    child.expect("MFA code")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert "SHOULD-NOT-RUN" not in child.before
    assert child.exitstatus == 77


def test_mfa_code_is_asked_once_per_session(home, spawn):
    home.write_credentials(KEYS)
    home.write_config(MFA_CONFIG)
    show = [sys.executable, "-c", "import os; print('ACCOUNT=' + os.environ['GUARD_ACCOUNT_ID'])"]
    child = spawn("-p", "mfa", "--", *show)
    child.expect("MFA code")
    child.sendline("123456")
    child.expect(f"ACCOUNT={PROD}")
    child.expect(pexpect.EOF)
    child.close()
    # The credentials the code opened are cached: the next run asks nothing.
    child = spawn("-p", "mfa", "--", *show)
    index = child.expect(["MFA code", f"ACCOUNT={PROD}"])
    assert index == 1, "asked for the MFA code again"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


# --- sign-in on the terminal -----------------------------------------------------------------------

SHOW_ACCOUNT = [sys.executable, "-c", "import os; print('ACCOUNT=' + os.environ['GUARD_ACCOUNT_ID'])"]


def test_run_signs_in_inline_with_the_browser_and_carries_on(home, emulator, spawn, tmp_path):
    emulator.set_accounts([{"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]}])
    home.write_config(SSO_CONFIG)
    child = spawn("-p", "sandbox", "--", *SHOW_ACCOUNT, env={"BROWSER": str(browser(tmp_path))})
    child.expect("not signed in to sso-session 'myorg'; signing in now")
    child.expect("signing in to sso-session 'myorg'")
    child.expect(f"ACCOUNT={SANDBOX}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert home.read_sso_token("myorg")["refreshToken"]
    assert emulator.counters()["Authorize"] == 1


def test_run_signs_in_inline_with_a_device_code_over_ssh(home, emulator, spawn):
    sso_world(home, emulator)
    emulator.expire("token-myorg")  # the portal turns the cached token down: sign in again
    child = spawn("-p", "prod", "--", *SHOW_ACCOUNT, env={"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"})
    child.expect("did not accept your sign-in")
    child.expect(r"approve code ([A-Z]{4}-[A-Z]{4})")
    user_code = child.match.group(1)
    emulator.device("approve", user_code=user_code)
    child.expect(f"ACCOUNT={PROD}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert emulator.counters()["StartDeviceAuthorization"] == 1


def test_login_picks_among_several_sessions(home, emulator, spawn, tmp_path):
    home.write_config(
        SSO_CONFIG + f"\n[sso-session other]\nsso_start_url = {OTHER_START_URL}\nsso_region = us-east-1\n"
    )
    child = spawn("login", env={"BROWSER": str(browser(tmp_path))})
    child.expect("sso-session")
    child.send("other")
    child.expect("other")
    child.send("\r")
    child.expect("signed in to sso-session 'other'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert home.read_sso_token("other")["startUrl"] == OTHER_START_URL
    assert not home.sso_token_path("myorg").exists()
