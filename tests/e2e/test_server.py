"""`guard --server`: a credential endpoint that outlives the credentials a run starts with.

The children are real SDK users (boto3, the AWS CLI) and plain HTTP clients; credentials come
from the Identity Center emulator, made to expire within seconds."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pexpect

from guardtest import SANDBOX, in_hours, sign_in, sso_world

# Calls GetCallerIdentity for longer than the credentials live; prints what it saw as JSON.
LONG_RUN = textwrap.dedent(
    """\
    import json, os, sys, time
    import boto3
    sts = boto3.client("sts")
    deadline = time.monotonic() + float(sys.argv[1])
    calls, accounts, keys = 0, set(), set()
    while time.monotonic() < deadline:
        accounts.add(sts.get_caller_identity()["Account"])
        keys.add(sts._request_signer._credentials.get_frozen_credentials().access_key)
        calls += 1
        time.sleep(0.5)
    static = [n for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN") if n in os.environ]
    print(json.dumps({"calls": calls, "accounts": sorted(accounts), "keys": len(keys), "static": static}))
    """
)

# Asks the endpoint as an attacker and as an SDK would; prints the answers as JSON.
PROBE = textwrap.dedent(
    """\
    import json, os, socket, urllib.error, urllib.parse, urllib.request
    url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    def ask(headers, target=url):
        try:
            with opener.open(urllib.request.Request(target, headers=headers), timeout=10) as r:
                return [r.status, r.read().decode()]
        except urllib.error.HTTPError as e:
            return [e.code, e.read().decode()]
    port = urllib.parse.urlsplit(url).port
    try:
        socket.create_connection(("127.0.0.2", port), timeout=2).close()
        elsewhere = "connected"
    except OSError:
        elsewhere = "refused"
    print(json.dumps({
        "url": url,
        "token": token,
        "none": ask({}),
        "wrong": ask({"Authorization": "0" * len(token)}),
        "short": ask({"Authorization": token[:-1]}),
        "right": ask({"Authorization": token}),
        "other_path": ask({"Authorization": token}, url.rsplit("/", 1)[0] + "/other"),
        "elsewhere": elsewhere,
    }))
    """
)


def short_lived(emulator, seconds=20):
    emulator.config(roleCredentialSeconds=seconds)


def test_a_run_longer_than_its_credentials_keeps_working(home, emulator, run_guard):
    sso_world(home, emulator)
    short_lived(emulator)
    result = run_guard(
        "-p", "sandbox", "--server", "--min-ttl", "14s", "--", sys.executable, "-c", LONG_RUN, "26", timeout=90
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["accounts"] == [SANDBOX]
    assert seen["static"] == []
    assert seen["calls"] >= 20
    # 20 s credentials replaced once 14 s are left: a new set every ~6 s of a 26 s run.
    assert emulator.counters()["GetRoleCredentials"] >= 2
    assert seen["keys"] >= 2
    assert "server mode" in result.stderr.splitlines()[0]


def test_guard_server_env_variable_turns_it_on(home, emulator, run_guard):
    sso_world(home, emulator)
    script = "import json, os; print(json.dumps(dict(os.environ)))"
    result = run_guard("-p", "sandbox", "--", sys.executable, "-c", script, env={"GUARD_SERVER": "1"})
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
    assert len(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]) == 32  # 128 bits, hex
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"):
        assert name not in env, name
    assert env["GUARD_ACCOUNT_ID"] == SANDBOX
    assert env["AWS_REGION"] == "eu-west-1"


def test_the_endpoint_answers_only_its_token_and_only_on_loopback(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--server", "--", sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["none"] == [403, ""]
    assert probe["wrong"] == [403, ""]
    assert probe["short"] == [403, ""]
    assert probe["other_path"][0] == 404
    assert probe["elsewhere"] == "refused"
    status, body = probe["right"]
    assert status == 200
    creds = json.loads(body)
    assert set(creds) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    assert creds["AccessKeyId"] and creds["SecretAccessKey"] and creds["Token"]
    # Nothing secret on guard's own output.
    for secret in (probe["token"], creds["SecretAccessKey"], creds["Token"]):
        assert secret not in result.stderr


def test_the_aws_cli_as_the_child(home, emulator, run_guard):
    sso_world(home, emulator)
    result = run_guard("-p", "sandbox", "--server", "--", "aws", "sts", "get-caller-identity", "--output", "text")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == SANDBOX


def test_exit_status_is_the_childs(home, emulator, run_guard):
    sso_world(home, emulator)
    assert run_guard("-p", "sandbox", "--server", "--", "sh", "-c", "exit 7").returncode == 7
    assert run_guard("-p", "sandbox", "--server", "--", "sh", "-c", "kill -KILL $$").returncode == 128 + 9


def _start(guard_bin, clean_env, tmp_path, child):
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [str(guard_bin), "-p", "sandbox", "--server", "--", sys.executable, "-c", child, str(ready)],
        env=clean_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the child did not start"
        time.sleep(0.05)
    return process


def test_sigterm_reaches_the_child_and_its_status_is_guards(home, emulator, guard_bin, clean_env, tmp_path):
    sso_world(home, emulator)
    child = textwrap.dedent(
        """\
        import pathlib, signal, sys, time
        def stop(number, frame):
            print("child got", signal.Signals(number).name, flush=True)
            sys.exit(42)
        for name in ("SIGTERM", "SIGHUP", "SIGWINCH"):
            signal.signal(getattr(signal, name), stop if name == "SIGTERM" else lambda n, f: print("child got", signal.Signals(n).name, flush=True))
        pathlib.Path(sys.argv[1]).touch()
        time.sleep(30)
        time.sleep(30)
        """
    )
    process = _start(guard_bin, clean_env, tmp_path, child)
    process.send_signal(signal.SIGHUP)
    process.send_signal(signal.SIGWINCH)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 42, err
    assert out.splitlines() == ["child got SIGHUP", "child got SIGWINCH", "child got SIGTERM"]


def test_a_child_ended_by_the_forwarded_signal_gives_128_plus_n(home, emulator, guard_bin, clean_env, tmp_path):
    sso_world(home, emulator)
    child = "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(30)"
    process = _start(guard_bin, clean_env, tmp_path, child)
    os.kill(process.pid, signal.SIGINT)
    process.communicate(timeout=20)
    assert process.returncode == 128 + signal.SIGINT


def test_an_expired_sign_in_is_an_error_naming_the_login_command(home, emulator, guard_bin, clean_env, tmp_path):
    sso_world(home, emulator)
    child = textwrap.dedent(
        """\
        import json, os, pathlib, sys, time, urllib.error, urllib.request
        ready = pathlib.Path(sys.argv[1])
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]},
        )
        def ask():
            try:
                with opener.open(request, timeout=20) as r:
                    return [r.status, ""]
            except urllib.error.HTTPError as e:
                return [e.code, e.read().decode()]
        answers = [ask()]
        for step in ("expired", "signed-in"):
            ready.touch()
            go = ready.with_suffix("." + step)
            while not go.exists():
                time.sleep(0.05)
            answers.append(ask())
            if step == "expired":
                answers.append(ask())
        print(json.dumps(answers))
        """
    )
    process = _start(guard_bin, clean_env, tmp_path, child)
    ready = tmp_path / "ready"
    # The sign-in expires and the cached credentials are gone: the next ask needs a new sign-in.
    ready.unlink()
    home.write_sso_token("myorg", "token-myorg", in_hours(-1))
    subprocess.run([str(guard_bin), "cache", "clear"], env=clean_env, check=True, capture_output=True)
    (tmp_path / "ready.expired").touch()
    deadline = time.monotonic() + 20
    while not ready.exists():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    sign_in(home, emulator, token="token-again")
    (tmp_path / "ready.signed-in").touch()
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    first, expired, again, signed_in = json.loads(out)
    assert first[0] == 200
    assert expired[0] == 503 and again[0] == 503
    assert "guard login --sso-session myorg" in expired[1]
    assert signed_in[0] == 200
    lines = [line for line in err.splitlines() if "guard login --sso-session myorg" in line]
    assert len(lines) == 1, err
    assert "token-myorg" not in err and "token-again" not in err


def test_long_term_keys_are_refused_under_server(home, run_guard, tmp_path):
    home.write_credentials(
        """\
        [default]
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        """
    )
    marker = tmp_path / "ran"
    result = run_guard("--server", "--", "touch", marker)
    assert result.returncode == 64, result.stderr
    assert "long-term keys" in result.stderr
    assert not marker.exists()


def test_ctrl_c_at_the_terminal_reaches_the_child(home, emulator, spawn):
    sso_world(home, emulator)
    child = textwrap.dedent(
        """\
        import signal, time
        # Taken one by one, so that two interrupts cannot merge into one handler call.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        print("ready", flush=True)
        seen = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if signal.sigtimedwait({signal.SIGINT}, 0.05) is not None:
                seen.append(1)
        print("interrupts", len(seen), flush=True)
        """
    )
    guard = spawn("-p", "sandbox", "--server", "--", sys.executable, "-c", child)
    guard.expect("ready")
    # The terminal interrupts its whole foreground group; guard must not add a second one.
    guard.sendintr()
    guard.expect(r"interrupts (\d+)")
    assert guard.match.group(1) == "1"
    guard.expect(pexpect.EOF)
    guard.close()
    assert guard.exitstatus == 0
