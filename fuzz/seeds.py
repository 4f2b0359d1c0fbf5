#!/usr/bin/env python3
"""Writes fuzz/corpus/<target>/seed-*: seed inputs for every fuzz target, taken from the tests
(their configs and policies, the classifier corpus, the plan files) and from the file formats
the tests write. scripts/fuzz runs it before fuzzing, so the seeds follow the tests."""

import hashlib
import json
import pathlib
import sys
import tomllib

REPO = pathlib.Path(__file__).resolve().parents[1]
SEEDS = REPO / "fuzz" / "corpus"
sys.path.insert(0, str(REPO / "tests" / "e2e"))
import guardtest  # noqa: E402  (a plain module of constants and helpers)


def write(target, data):
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    data = data.encode() if isinstance(data, str) else data
    (folder / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)


def main():
    # Old seeds go; what the fuzzer found and kept in the corpus stays.
    for old in SEEDS.glob("*/seed-*"):
        old.unlink()

    configs = [guardtest.SSO_CONFIG]
    for module in ("test_populate", "test_run"):
        text = (REPO / "tests" / "e2e" / f"{module}.py").read_text()
        # Every triple-quoted config in the test module that holds a section header.
        for chunk in text.split('"""')[1::2]:
            if "[profile " in chunk or "[default]" in chunk or "[sso-session " in chunk:
                configs.append(chunk.replace("{", "").replace("}", ""))
    configs.append(
        "[default]\nregion=us-east-1\ns3 =\n    max_concurrent_requests = 20\n; c\n"
        "[profile  a ]\nrole_arn: arn:aws:iam::111111111111:role/R\nsource_profile = a\n"
        "[profile b]\ncredential_process = guard credential-process -p b\n"
    )
    for config in configs:
        write("config", config)

    for policy in sorted((REPO / "policies").glob("*.toml")):
        write("policy", policy.read_text())
    for module in ("test_policy", "test_trust"):
        path = REPO / "tests" / "e2e" / f"{module}.py"
        if path.exists():
            for chunk in path.read_text().split('"""')[1::2]:
                if "=" in chunk and "[" in chunk:
                    write("policy", chunk)

    cases = [
        case
        for path in sorted((REPO / "tests" / "corpus").glob("*.toml"))
        for case in tomllib.loads(path.read_text())["case"]
    ]
    for case in cases:
        argv = case["argv"]
        write("classify", b"\x01" + "\0".join(argv).encode())
        if len(argv) >= 3 and argv[1] in ("-c", "-lc", "-ec"):
            write("classify", b"\x00" + argv[2].encode())

    token = {
        "startUrl": guardtest.START_URL,
        "region": "us-east-1",
        "accessToken": "token",
        "expiresAt": "2030-01-01T00:00:00Z",
    }
    write("sso_token", json.dumps(token))
    token.update(
        clientId="client",
        clientSecret="secret",
        registrationExpiresAt="2030-01-01T00:00:00Z",
        refreshToken="refresh",
        expiresAt="2030-01-01T00:00:00UTC",
    )
    write("sso_token", json.dumps(token))

    registration = {
        "clientId": "client",
        "clientSecret": "secret",
        "expiresAt": "2030-01-01T00:00:00Z",
        "scopes": ["sso:account:access"],
        "grantTypes": ["authorization_code", "refresh_token"],
    }
    write("registration", json.dumps(registration))

    entry = {
        "version": 1,
        "profiles": ["sandbox"],
        "sso_session": "myorg",
        "access_key_id": "ASIAEXAMPLE",
        "secret_access_key": "secret",
        "session_token": "token",
        "expiration": "2030-01-01T00:00:00Z",
        "identity": {"account": guardtest.SANDBOX, "arn": "arn:aws:sts::111111111111:assumed-role/A/b", "user_id": "X"},
        "account_name": "sandbox",
    }
    write("cache_entry", json.dumps(entry))
    write("cache_entry", json.dumps({**entry, "identity": None, "session_token": None}))

    document = {"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "s"}
    write("credential_process", json.dumps(document))
    write("credential_process", json.dumps({**document, "SessionToken": "t", "Expiration": "2030-01-01T00:00:00Z"}))

    for plan in sorted((REPO / "tests" / "e2e" / "plans").glob("*.json")):
        write("plan", plan.read_bytes())


if __name__ == "__main__":
    main()
