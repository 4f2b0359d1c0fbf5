"""`guard console`: a console sign-in link from the verified credentials, against the federation
stub of the emulator (GET /federation: getSigninToken, then login)."""

import json
import sys
from urllib.parse import parse_qs, urlsplit

from guardtest import BROWSER, PROD_BLOCK, STATIC_KEYS, federation_env, sso_world


def signin_tokens(emulator):
    return emulator._call("GET", "signin_tokens")["signinTokens"]


def sessions(emulator):
    """The Session JSON of every getSigninToken the stub was asked."""
    return [
        json.loads(r["query"]["Session"])
        for r in emulator.requests()
        if r["path"] == "/federation" and r["query"].get("Action") == "getSigninToken"
    ]


def secrets_of(emulator):
    found = []
    for session in sessions(emulator):
        found += [session["sessionKey"], session["sessionToken"]]
    return found + list(signin_tokens(emulator))


def audit_text(home):
    path = home.path / ".local" / "state" / "guard" / "audit.jsonl"
    return path.read_text() if path.exists() else ""


def test_print_prints_the_sign_in_link_on_stdout_only(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("console", "-p", "sandbox", "--print", env=federation_env(emulator))
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert link.startswith(emulator.url + "/federation?Action=login&")
    query = parse_qs(urlsplit(link).query)
    assert query["Issuer"] == ["guard"]
    assert query["Destination"] == ["https://console.aws.amazon.com/console/home?region=eu-west-1"]
    (token,) = query["SigninToken"]
    assert token in signin_tokens(emulator)
    (session,) = sessions(emulator)
    assert session["sessionId"].startswith("ASIA")
    for secret in secrets_of(emulator):
        assert secret not in result.stderr
    assert "sandbox" in result.stderr  # the banner


def test_the_browser_gets_a_one_time_address_that_leads_to_the_console(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\n" + BROWSER)
    browser.chmod(0o755)
    env = {**federation_env(emulator), "BROWSER": str(browser)}
    result = run_guard("console", "-p", "sandbox", "--service", "s3", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    seen = json.loads((tmp_path / "browser.seen").read_text())
    (opened,) = seen["argv"]
    # The browser's command line has a loopback address, not the link.
    assert opened.startswith("http://127.0.0.1:") and "SigninToken" not in opened
    assert seen["status"] == 200
    landed = parse_qs(urlsplit(seen["landed"]).query)
    (token,) = landed["SigninToken"]
    assert signin_tokens(emulator)[token]["logins"] == ["https://console.aws.amazon.com/s3/home?region=eu-west-1"]
    for secret in secrets_of(emulator):
        assert secret not in result.stderr
    # One time only.
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(opened, timeout=5)
        raise AssertionError("the one-time address answered twice")
    except (urllib.error.URLError, ConnectionError):
        pass


def test_no_browser_says_to_print(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("console", "-p", "sandbox", env=federation_env(emulator))
    assert result.returncode == 69
    assert "--print" in result.stderr


def test_destinations_are_checked(home, emulator, run_guard):
    sso_world(home, emulator)
    bad = run_guard("console", "-p", "sandbox", "--print", "--destination", "https://evil.example/", env=federation_env(emulator))
    assert bad.returncode == 64
    bad = run_guard("console", "-p", "sandbox", "--print", "--service", "s3/../x", env=federation_env(emulator))
    assert bad.returncode == 64
    url = "https://eu-west-1.console.aws.amazon.com/lambda/home"
    good = run_guard("console", "-p", "sandbox", "--print", "--destination", url, env=federation_env(emulator))
    assert good.returncode == 0, good.stderr
    assert parse_qs(urlsplit(good.stdout.strip()).query)["Destination"] == [url]


def test_in_a_protected_account_it_is_an_export_and_never_logged(home, emulator, run_guard):
    sso_world(home, emulator)
    policy = home.path / ".config" / "guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(PROD_BLOCK)
    refused = run_guard("console", "-p", "prod", "--print", env=federation_env(emulator))
    assert refused.returncode == 77, refused.stderr
    assert refused.stdout == ""
    assert signin_tokens(emulator) == {}
    allowed = run_guard("console", "-p", "prod", "--print", "--confirm", "prod", env=federation_env(emulator))
    assert allowed.returncode == 0, allowed.stderr
    lines = [json.loads(line) for line in audit_text(home).splitlines()]
    assert [(line["classification"], line["outcome"]) for line in lines] == [("export", "refused"), ("export", "allowed")]
    assert lines[-1]["argv"] == ["guard", "-p", "prod", "console"]
    for secret in secrets_of(emulator) + [allowed.stdout.strip()]:
        assert secret not in audit_text(home)
        assert secret not in allowed.stderr


def test_long_term_keys_get_a_federation_token_first(home, emulator, run_guard, aws_counts):
    home.write_credentials(STATIC_KEYS)
    home.write_config("[profile base]\nregion = us-east-1\n")
    result = run_guard("console", "-p", "base", "--print", env=federation_env(emulator))
    assert result.returncode == 0, result.stderr
    assert aws_counts.counts().get("GetFederationToken") == 1
    (session,) = sessions(emulator)
    # moto answers with fixed example keys; the session token shows it is the federation token.
    assert session["sessionToken"]
