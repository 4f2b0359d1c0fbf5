"""guard eks-token: the token `aws eks get-token` makes, accepted by STS, cached, and run by kubectl."""

import base64
import datetime
import http.server
import json
import ssl
import stat
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from unittest import mock

import botocore.session
import pytest
from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator
from guardtest import SANDBOX, sso_world

_local_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def url_of(token):
    assert token.startswith("k8s-aws-v1.")
    encoded = token[len("k8s-aws-v1.") :]
    assert "=" not in encoded
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


def eks_token(run_guard, *args, env=None):
    result = run_guard("eks-token", *args, env=env)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["kind"] == "ExecCredential"
    assert document["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    return document


def ask_sts(url, cluster="demo"):
    """moto's answer to the presigned GET. moto routes a request to a service, and finds its caller,
    only by an Authorization header (it checks no signature either way), so the presigned
    parameters are repeated there in header form; the signature itself is checked against the AWS
    CLI's in test_token_is_byte_for_byte_the_aws_cli_one."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    authorization = (
        f"{query['X-Amz-Algorithm']} Credential={query['X-Amz-Credential']}, "
        f"SignedHeaders={query['X-Amz-SignedHeaders']}, Signature={query['X-Amz-Signature']}"
    )
    request = urllib.request.Request(url, headers={"x-k8s-aws-id": cluster, "Authorization": authorization})
    with _local_opener.open(request, timeout=10) as response:
        return response.read().decode()


def test_token_is_a_presigned_get_caller_identity_that_sts_accepts(home, emulator, run_guard, moto_url):
    sso_world(home, emulator)
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    document = eks_token(run_guard, "--cluster", "demo", "-p", "sandbox")
    url = urllib.parse.urlsplit(url_of(document["status"]["token"]))
    assert f"{url.scheme}://{url.netloc}" == moto_url
    query = dict(urllib.parse.parse_qsl(url.query))
    assert query["Action"] == "GetCallerIdentity"
    assert query["Version"] == "2011-06-15"
    assert query["X-Amz-Expires"] == "60"
    assert query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id"
    assert query["X-Amz-Credential"].endswith("/eu-west-1/sts/aws4_request")
    assert query["X-Amz-Security-Token"]
    expires = datetime.datetime.strptime(document["status"]["expirationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    expires = expires.replace(tzinfo=datetime.timezone.utc)
    assert before + datetime.timedelta(minutes=14) <= expires <= before + datetime.timedelta(minutes=14, seconds=5)
    # The signed request is one STS answers: with the profile's account.
    answer = ask_sts(url.geturl())
    assert f"<Account>{SANDBOX}</Account>" in answer


def test_token_is_byte_for_byte_the_aws_cli_one(run_guard, moto_url):
    keys = {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEY123456",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjE+/token==",
    }
    inside_a_run = {"GUARD_PROFILE": "sandbox", "GUARD_ACCOUNT_ID": SANDBOX, **keys}
    token = eks_token(run_guard, "--cluster", "demo", "-r", "eu-west-1", env=inside_a_run)["status"]["token"]
    signed_at = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url_of(token)).query))["X-Amz-Date"]
    moment = datetime.datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ")

    # The AWS CLI's own code, at the same second, with the same keys and endpoint.
    session = botocore.session.get_session()
    sts = session.create_client(
        "sts",
        region_name="eu-west-1",
        endpoint_url=moto_url,
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=keys["AWS_SESSION_TOKEN"],
    )
    STSClientFactory(session)._register_k8s_aws_id_handlers(sts)
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
        expected = TokenGenerator(sts).get_token("demo")
    assert url_of(token) == url_of(expected)
    assert token == expected


def test_second_call_is_served_from_the_cache(home, emulator, aws_counts, run_guard):
    sso_world(home, emulator)
    first = eks_token(run_guard, "--cluster", "demo", "-p", "sandbox")
    assert aws_counts.counts().get("GetCallerIdentity") == 1
    aws_counts.reset()
    emulator.reset_counters()
    # A new signature would carry a new X-Amz-Date: the same token means the cached one.
    time.sleep(1.1)
    second = eks_token(run_guard, "--cluster", "demo", "-p", "sandbox")
    assert second == first
    assert aws_counts.counts() == {}
    assert not any(emulator.counters().values())
    cached = list((home.path / ".cache" / "guard" / "derived").iterdir())
    assert len(cached) == 1
    assert stat.S_IMODE(cached[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(cached[0].parent.stat().st_mode) == 0o700
    # Another cluster or region is another token.
    other = eks_token(run_guard, "--cluster", "other", "-p", "sandbox")
    assert other["status"]["token"] != first["status"]["token"]
    # Clearing the profile's credentials clears what was made from them.
    assert run_guard("cache", "clear", "-p", "sandbox").returncode == 0
    assert list((home.path / ".cache" / "guard" / "derived").iterdir()) == []


def test_inside_a_run_it_signs_with_the_runs_credentials(home, emulator, aws_counts, run_guard, guard_bin, moto_url):
    sso_world(home, emulator)
    assert run_guard("-q", "-p", "sandbox", "--", "true").returncode == 0
    aws_counts.reset()
    script = f"{guard_bin} eks-token --cluster demo -p sandbox && env"
    result = run_guard("-q", "-p", "sandbox", "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    child = dict(line.split("=", 1) for line in result.stdout[result.stdout.rindex("}") + 2 :].splitlines() if "=" in line)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url_of(document["status"]["token"])).query))
    assert query["X-Amz-Credential"].startswith(child["AWS_ACCESS_KEY_ID"] + "/")
    assert query["X-Amz-Credential"].endswith("/eu-west-1/sts/aws4_request")
    assert aws_counts.counts() == {}
    assert not (home.path / ".cache" / "guard" / "derived").exists()

    # Another profile's cluster is not signed with this run's credentials.
    script = f"{guard_bin} eks-token --cluster demo -p prod"
    refused = run_guard("-q", "-p", "sandbox", "--", "sh", "-c", script)
    assert refused.returncode == 77
    assert "inside `guard -p sandbox`" in refused.stderr
    assert "ASIA" not in refused.stderr


AWS_KUBECONFIG = """\
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {ca}
    server: {server}
  name: arn:aws:eks:eu-west-1:111111111111:cluster/demo
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:111111111111:cluster/demo
    user: arn:aws:eks:eu-west-1:111111111111:cluster/demo
  name: demo
current-context: demo
kind: Config
preferences: {{}}
users:
# written by aws eks update-kubeconfig
- name: someone-else
  user:
    token: not-guards
- name: arn:aws:eks:eu-west-1:111111111111:cluster/demo
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - demo
      - --output
      - json
      command: aws
      env:
      - name: AWS_PROFILE
        value: sandbox
    # a comment after the exec
- name: last
  user:
    username: me
"""


def test_write_kubeconfig_replaces_only_the_exec(home, emulator, run_guard, guard_bin, tmp_path):
    sso_world(home, emulator)
    config = tmp_path / "kube" / "config"
    config.parent.mkdir()
    original = AWS_KUBECONFIG.format(ca="LS0tLS1CRUdJTi0tLS0t", server="https://ABC.gr7.eu-west-1.eks.amazonaws.com")
    config.write_text(original)
    config.chmod(0o640)
    env = {"KUBECONFIG": f"{config}:{tmp_path / 'second'}"}
    result = run_guard("eks-token", "--write-kubeconfig", "--cluster", "demo", "-p", "sandbox", env=env)
    assert result.returncode == 0, result.stderr
    edited = config.read_text()
    head = original[: original.index("    exec:\n")]
    tail = original[original.index("    # a comment after the exec\n") :]
    assert edited.startswith(head) and edited.endswith(tail)
    assert edited[len(head) : len(edited) - len(tail)] == (
        "    exec:\n"
        "      apiVersion: client.authentication.k8s.io/v1beta1\n"
        f'      command: "{guard_bin}"\n'
        "      args:\n"
        '      - "eks-token"\n'
        '      - "--cluster"\n'
        '      - "demo"\n'
        '      - "-p"\n'
        '      - "sandbox"\n'
        '      - "-r"\n'
        '      - "eu-west-1"\n'
        "      interactiveMode: Never\n"
    )
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert not (tmp_path / "second").exists()
    # Once more changes nothing.
    assert run_guard("eks-token", "--write-kubeconfig", "--cluster", "demo", "-p", "sandbox", env=env).returncode == 0
    assert config.read_text() == edited


def test_write_kubeconfig_refuses_a_file_it_cannot_edit(home, emulator, run_guard, tmp_path):
    sso_world(home, emulator)
    config = tmp_path / "config"
    config.write_text('{"apiVersion": "v1", "users": []}\n')
    result = run_guard("eks-token", "--write-kubeconfig", "--cluster", "demo", "-p", "sandbox", env={"KUBECONFIG": str(config)})
    assert result.returncode == 78
    assert f"{config}:1:" in result.stderr
    assert config.read_text() == '{"apiVersion": "v1", "users": []}\n'


class _Recorder(http.server.BaseHTTPRequestHandler):
    tokens = []

    def do_GET(self):
        self.tokens.append(self.headers.get("Authorization"))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _self_signed(directory):
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-stub")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def kube_stub(tmp_path):
    cert, key = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _Recorder.tokens = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert, _Recorder.tokens
    server.shutdown()
    server.server_close()


def test_kubectl_sends_the_token(home, emulator, run_guard, clean_env, kube_stub, tmp_path):
    server, cert, tokens = kube_stub
    sso_world(home, emulator)
    config = home.path / ".kube" / "config"
    config.parent.mkdir()
    ca = base64.b64encode(cert.read_bytes()).decode()
    config.write_text(AWS_KUBECONFIG.format(ca=ca, server=server))
    result = run_guard("eks-token", "--write-kubeconfig", "--cluster", "demo", "-p", "sandbox")
    assert result.returncode == 0, result.stderr
    kubectl = subprocess.run(
        ["kubectl", "get", "--raw", "/api/guard-test"], env=clean_env, capture_output=True, text=True, timeout=60
    )
    assert kubectl.returncode == 0, kubectl.stderr
    assert json.loads(kubectl.stdout) == {"ok": True}
    cached = eks_token(run_guard, "--cluster", "demo", "-p", "sandbox")["status"]["token"]
    assert tokens and set(tokens) == {f"Bearer {cached}"}
