"""What guard does on a terminal: the profile picker and the MFA prompt, on a pseudo-terminal."""

import sys

import pexpect

from guardtest import PROD, SSO_CONFIG, sso_world


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
