"""What guard's lean start-up (a fixed-address executable with its own entry point, see build.rs
and src/main.rs) must keep: the system resolver, the home directory from the user database,
signals as a command expects them, and output written out at exit."""

import os
import pwd
import uuid

from guardtest import STATIC_KEYS, sso_world

def test_host_names_resolve_through_the_system_resolver(home, run_guard, moto_url):
    home.write_credentials(STATIC_KEYS)
    by_name = moto_url.replace("127.0.0.1", "localhost")
    result = run_guard("whoami", "-p", "base", "--json", env={"AWS_ENDPOINT_URL_STS": by_name, "AWS_ENDPOINT_URL_IAM": by_name})
    assert result.returncode == 0, result.stderr
    assert '"account_id"' in result.stdout


def test_without_home_the_user_database_names_it(run_guard):
    own_home = pwd.getpwuid(os.getuid()).pw_dir
    missing = f"guard-test-{uuid.uuid4().hex}"
    env = {"HOME": None, "AWS_CONFIG_FILE": f"~/{missing}/config", "AWS_SHARED_CREDENTIALS_FILE": f"~/{missing}/credentials"}
    result = run_guard("profiles", env=env)
    assert result.returncode == 0, result.stderr
    assert f"{own_home}/{missing}/config" in result.stdout + result.stderr


def test_the_command_gets_the_default_sigpipe(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-q", "-p", "sandbox", "--", "grep", "^SigIgn", "/proc/self/status")
    assert result.returncode == 0, result.stderr
    ignored = int(result.stdout.split()[1], 16)
    assert not ignored & (1 << (13 - 1)), result.stdout


def test_output_without_a_final_newline_is_written_out(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("env", "-q", "-p", "sandbox", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("}")
