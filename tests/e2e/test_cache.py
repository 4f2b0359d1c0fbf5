"""The credential cache end to end: what a warm run asks of AWS (nothing), what a cold one asks,
and how the cache keeps itself correct. Requests are counted at the Identity Center emulator
(portal) and at the counting proxy in front of moto (STS, IAM)."""

import json
import stat
import subprocess

from guardtest import (
    OTHER_START_URL,
    PRINT_ENV,
    PROD,
    ROLE_CHAIN,
    SANDBOX,
    SSO_CONFIG,
    STATIC_KEYS,
    child_env,
    made,
    reset,
    sign_in,
    sso_world,
)


def cache_dir(home):
    return home.path / ".cache" / "guard"


def entries(home):
    return sorted((cache_dir(home) / "credentials").glob("*.json"))


def test_warm_run_makes_no_request(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    first = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    reset(emulator, aws_counts)
    result = run_guard("-p", "sandbox", "--", *PRINT_ENV)
    second = child_env(result)
    assert made(emulator, aws_counts) == {}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"):
        assert first[name] == second[name], name
    assert second["GUARD_ACCOUNT_NAME"] == "sandbox" and second["GUARD_ACCOUNT_ID"] == SANDBOX
    assert result.stderr.startswith("guard: sandbox · 111111111111 (sandbox) · Admin · alice · ")


def test_cold_sso_run_is_two_requests_once_the_account_name_is_known(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    # The very first run also looks up the account's name, which is then kept for a day.
    assert made(emulator, aws_counts) == {
        "GetRoleCredentials": 1,
        "GetCallerIdentity": 1,
        "ListAccountAliases": 1,
        "ListAccounts": 1,
    }
    assert run_guard("cache", "clear", "-p", "sandbox").returncode == 0
    reset(emulator, aws_counts)
    result = run_guard("-p", "sandbox", "--", *PRINT_ENV)
    assert made(emulator, aws_counts) == {"GetRoleCredentials": 1, "GetCallerIdentity": 1}
    assert child_env(result)["GUARD_ACCOUNT_NAME"] == "sandbox"


def test_cold_chain_is_one_request_per_role_and_one_identity_check(home, aws_counts, run_guard):
    home.write_credentials(STATIC_KEYS)
    home.write_config(ROLE_CHAIN)
    assert child_env(run_guard("-p", "prod", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == PROD
    assert aws_counts.counts() == {"AssumeRole": 2, "GetCallerIdentity": 1, "ListAccountAliases": 1}
    aws_counts.reset()
    assert run_guard("-p", "prod", "--", "true").returncode == 0
    assert aws_counts.counts() == {}
    # Clearing by the base profile clears every level built on its keys.
    assert run_guard("cache", "clear", "-p", "base").stdout == "removed 2 cached credential sets\n"
    assert child_env(run_guard("-p", "prod", "--", *PRINT_ENV))["GUARD_ACCOUNT_ID"] == PROD
    assert aws_counts.counts() == {"AssumeRole": 2, "GetCallerIdentity": 1}


def test_a_chain_reuses_the_cached_level_it_shares(home, aws_counts, run_guard):
    home.write_credentials(STATIC_KEYS)
    home.write_config(ROLE_CHAIN)
    assert run_guard("-p", "middle", "--", "true").returncode == 0
    aws_counts.reset()
    # prod is middle plus one role: only that role is assumed.
    assert run_guard("-p", "prod", "--", "true").returncode == 0
    assert aws_counts.counts()["AssumeRole"] == 1


def test_expiry_within_the_minimum_ttl_triggers_one_refetch_then_refuses(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    emulator.config(roleCredentialSeconds=900)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    reset(emulator, aws_counts)
    # 15 minutes left, 10 required by default: still good.
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert made(emulator, aws_counts) == {}
    before = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    # 16 minutes required, and the portal gives 15 each time: one more fetch, then refused.
    refused = run_guard("-p", "sandbox", "--", *PRINT_ENV, env={"GUARD_MIN_TTL": "16m"})
    assert refused.returncode == 69 and "less than --min-ttl" in refused.stderr and refused.stdout == ""
    assert made(emulator, aws_counts) == {"GetRoleCredentials": 2}
    reset(emulator, aws_counts)
    # Longer sessions from the portal: one fetch is enough.
    emulator.config(roleCredentialSeconds=3600)
    assert child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV, env={"GUARD_MIN_TTL": "16m"})) != before
    assert made(emulator, aws_counts) == {"GetRoleCredentials": 1, "GetCallerIdentity": 1}
    reset(emulator, aws_counts)
    assert run_guard("--min-ttl", "1000", "-p", "sandbox", "--", "true").returncode == 0
    assert made(emulator, aws_counts) == {}


def test_bad_minimum_ttl_is_a_usage_error(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--", "true", env={"GUARD_MIN_TTL": "soon"})
    assert result.returncode == 64 and "10m" in result.stderr


def test_editing_the_profile_invalidates_and_other_edits_do_not(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    reset(emulator, aws_counts)
    home.write_config(SSO_CONFIG.replace("region = eu-central-1", "region = us-west-2\noutput = json"))
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert made(emulator, aws_counts) == {}
    edited = SSO_CONFIG.replace(
        f"sso_account_id = {SANDBOX}\nsso_role_name = Admin", f"sso_account_id = {SANDBOX}\nsso_role_name = ReadOnly"
    )
    home.write_config(edited)
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 0, result.stderr
    assert " · ReadOnly · alice · " in result.stderr
    assert made(emulator, aws_counts)["GetRoleCredentials"] == 1


def test_twenty_concurrent_cold_runs_fetch_once(home, emulator, aws_counts, guard_bin, clean_env):
    sso_world(home, emulator)
    runs = [
        subprocess.Popen(
            [str(guard_bin), "-q", "-p", "sandbox", "--", *PRINT_ENV],
            env=clean_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(20)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0] * 20, [err for _, err in outputs]
    keys = {json.loads(out)["AWS_ACCESS_KEY_ID"] for out, _ in outputs}
    assert len(keys) == 1
    counts = made(emulator, aws_counts)
    assert counts["GetRoleCredentials"] == 1 and counts["GetCallerIdentity"] == 1


def test_damaged_entries_are_ignored_with_a_warning_and_replaced(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    (entry,) = entries(home)
    whole = entry.read_bytes()
    secret = json.loads(whole)["secret_access_key"]
    for damage in (whole[: len(whole) // 2], b"{not json", b"", json.dumps({"version": 1}).encode()):
        entry.write_bytes(damage)
        reset(emulator, aws_counts)
        result = run_guard("-p", "sandbox", "--", "true")
        assert result.returncode == 0, result.stderr
        assert "warning: ignoring the damaged cache entry" in result.stderr and str(entry) in result.stderr
        assert secret not in result.stderr
        assert made(emulator, aws_counts)["GetRoleCredentials"] == 1
        reset(emulator, aws_counts)
        assert run_guard("-p", "sandbox", "--", "true").returncode == 0
        assert made(emulator, aws_counts) == {}


def test_cache_is_private(home, emulator, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    for folder in (cache_dir(home), cache_dir(home) / "credentials", cache_dir(home) / "accounts"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = list((cache_dir(home)).rglob("*.*"))
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # Names reveal nothing: hashes of the settings, and account IDs.
    assert all("sandbox" not in path.name and "Admin" not in path.name for path in files)


def test_an_entry_others_can_read_is_not_trusted(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    (entry,) = entries(home)
    entry.chmod(0o644)
    reset(emulator, aws_counts)
    result = run_guard("-p", "sandbox", "--", "true")
    assert result.returncode == 0 and "not a private file" in result.stderr
    assert made(emulator, aws_counts)["GetRoleCredentials"] == 1
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_xdg_cache_home_is_honoured(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    xdg = tmp_path / "xdg-cache"
    assert run_guard("-p", "sandbox", "--", "true", env={"XDG_CACHE_HOME": str(xdg)}).returncode == 0
    assert list((xdg / "guard" / "credentials").glob("*.json"))
    assert not cache_dir(home).exists()


def test_unusable_cache_folder_means_no_cache_and_a_warning(home, emulator, aws_counts, run_guard, tmp_path):
    sso_world(home, emulator)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {"XDG_CACHE_HOME": str(blocker)}
    for _ in range(2):
        reset(emulator, aws_counts)
        result = run_guard("-p", "sandbox", "--", *PRINT_ENV, env=env)
        assert child_env(result)["GUARD_ACCOUNT_ID"] == SANDBOX
        assert result.stderr.count("warning: the credential cache is off for this run") == 1
        assert made(emulator, aws_counts)["GetRoleCredentials"] == 1


def test_fresh_fetches_new_credentials_and_caches_them(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    old = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    reset(emulator, aws_counts)
    new = child_env(run_guard("--fresh", "-p", "sandbox", "--", *PRINT_ENV))
    assert new["AWS_ACCESS_KEY_ID"] != old["AWS_ACCESS_KEY_ID"]
    assert made(emulator, aws_counts) == {"GetRoleCredentials": 1, "GetCallerIdentity": 1}
    reset(emulator, aws_counts)
    again = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    assert again["AWS_ACCESS_KEY_ID"] == new["AWS_ACCESS_KEY_ID"]
    assert made(emulator, aws_counts) == {}


def test_verify_asks_sts_again_without_fetching(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    old = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    reset(emulator, aws_counts)
    new = child_env(run_guard("--verify", "-p", "sandbox", "--", *PRINT_ENV))
    assert made(emulator, aws_counts) == {"GetCallerIdentity": 1}
    assert new["AWS_ACCESS_KEY_ID"] == old["AWS_ACCESS_KEY_ID"]


def test_verify_replaces_credentials_sts_rejects(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    old = child_env(run_guard("-p", "sandbox", "--", *PRINT_ENV))
    reset(emulator, aws_counts)
    aws_counts.reject("GetCallerIdentity")
    result = run_guard("--verify", "-p", "sandbox", "--", *PRINT_ENV)
    new = child_env(result)
    assert "rejected the cached credentials" in result.stderr
    assert new["AWS_ACCESS_KEY_ID"] != old["AWS_ACCESS_KEY_ID"]
    assert made(emulator, aws_counts) == {"GetCallerIdentity": 2, "GetRoleCredentials": 1}


def test_signing_out_retires_cached_credentials(home, emulator, run_guard, tmp_path):
    token = sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    token.unlink()  # what `aws sso logout` does
    marker = tmp_path / "ran"
    result = run_guard("-p", "sandbox", "--", "touch", str(marker))
    assert result.returncode == 78 and "guard login --sso-session myorg" in result.stderr
    assert not marker.exists()


def test_cache_clear(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    for profile in ("sandbox", "prod"):
        assert run_guard("-p", profile, "--", "true").returncode == 0
    assert run_guard("cache", "clear", "-p", "prod").stdout == "removed 1 cached credential set\n"
    reset(emulator, aws_counts)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert made(emulator, aws_counts) == {}
    result = run_guard("cache", "clear")
    assert result.returncode == 0 and result.stdout == "removed 1 cached credential set\n"
    assert entries(home) == [] and not list((cache_dir(home) / "accounts").iterdir())
    assert run_guard("cache", "clear").stdout == "removed 0 cached credential sets\n"


def test_whoami_and_env_share_the_cache(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    assert run_guard("whoami", "-p", "sandbox").returncode == 0
    reset(emulator, aws_counts)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    assert run_guard("env", "-p", "sandbox").returncode == 0
    assert made(emulator, aws_counts) == {}


def test_static_keys_are_not_copied_into_the_cache(home, aws_counts, run_guard):
    home.write_credentials(STATIC_KEYS)
    assert run_guard("-p", "base", "--", "true").returncode == 0
    assert entries(home) == []
    aws_counts.reset()
    # Long-term keys are checked on every run; their account's name is remembered.
    assert run_guard("-p", "base", "--", "true").returncode == 0
    assert aws_counts.counts() == {"GetCallerIdentity": 1}


def test_credential_process_output_is_cached_when_it_expires(home, aws_counts, run_guard, tmp_path):
    calls = tmp_path / "calls"
    script = tmp_path / "creds.sh"
    script.write_text(
        f"""#!/bin/sh
echo run >> {calls}
echo '{{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "x", "Expiration": "2099-01-01T00:00:00Z"}}'
"""
    )
    script.chmod(0o755)
    home.write_config(f"[profile proc]\ncredential_process = {script}\n")
    for _ in range(3):
        assert run_guard("-p", "proc", "--", "true").returncode == 0
    assert calls.read_text() == "run\n"
    assert aws_counts.counts() == {"GetCallerIdentity": 1, "ListAccountAliases": 1}


def test_guard_inside_a_guard_shell_uses_the_cache(home, emulator, aws_counts, run_guard, guard_bin):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--", "true").returncode == 0
    reset(emulator, aws_counts)
    inner = [str(guard_bin), "--", *PRINT_ENV]
    env = child_env(run_guard("-p", "sandbox", "--", *inner))
    assert env["GUARD_PROFILE"] == "sandbox"
    assert made(emulator, aws_counts) == {}


def test_logout_removes_the_cached_credentials_of_that_sign_in_only(home, emulator, aws_counts, run_guard):
    other = "333333333333"
    emulator.set_accounts(
        [
            {"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin"]},
            {"accountId": other, "accountName": "other", "roles": ["Admin"]},
        ]
    )
    home.write_config(
        SSO_CONFIG
        + f"""
[sso-session other]
sso_start_url = {OTHER_START_URL}
sso_region = us-east-1

[profile other-prod]
sso_session = other
sso_account_id = {other}
sso_role_name = Admin
"""
    )
    sign_in(home, emulator, session="myorg", token="tok-a")
    sign_in(home, emulator, session="other", token="tok-b", start_url=OTHER_START_URL)
    for profile in ("sandbox", "other-prod"):
        assert run_guard("-p", profile, "--", "true").returncode == 0
    assert len(entries(home)) == 2
    result = run_guard("logout", "--sso-session", "myorg")
    assert result.returncode == 0, result.stderr
    assert len(entries(home)) == 1
    reset(emulator, aws_counts)
    assert run_guard("-p", "other-prod", "--", "true").returncode == 0
    assert made(emulator, aws_counts) == {}
