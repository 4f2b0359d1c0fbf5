"""Shared pieces of guard's end-to-end tests: accounts, configs and children that report back."""

import json
import sys
from datetime import datetime, timedelta, timezone

SANDBOX = "111111111111"
PROD = "222222222222"
START_URL = "https://d-1234567890.awsapps.com/start"
OTHER_START_URL = "https://d-0987654321.awsapps.com/start"

# A child that prints its environment as JSON on stdout.
PRINT_ENV = [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]

SSO_CONFIG = f"""\
[default]
region = us-east-1

[sso-session myorg]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile sandbox]
sso_session = myorg
sso_account_id = {SANDBOX}
sso_role_name = Admin
region = eu-west-1

[profile prod]
sso_session = myorg
sso_account_id = {PROD}
sso_role_name = Admin
region = eu-central-1
"""


def in_hours(hours):
    return datetime.now(timezone.utc) + timedelta(hours=hours)


def sign_in(home, emulator, session="myorg", token="token-myorg", hours=1, **cache):
    """A signed-in sso-session: the emulator knows the token and the CLI cache holds it."""
    emulator.add_token(token, expires_in=int(hours * 3600) if hours > 0 else 1)
    return home.write_sso_token(session, token, in_hours(hours), **cache)


def sso_world(home, emulator, config=SSO_CONFIG):
    """Two accounts behind one organization, signed in."""
    emulator.set_accounts(
        [
            {"accountId": SANDBOX, "accountName": "sandbox", "roles": ["Admin", "ReadOnly"]},
            {"accountId": PROD, "accountName": "prod", "roles": ["Admin"]},
        ]
    )
    home.write_config(config)
    return sign_in(home, emulator)


def child_env(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- sign-in -------------------------------------------------------------------------------------

# A $BROWSER that does what a person's browser does: load the authorize page, follow its redirect
# to guard's loopback listener, and keep the page guard answered with.
_FOLLOW = """\
import os, socket, sys, urllib.error, urllib.parse, urllib.request
if os.environ.get("BROWSER_PRECONNECT"):
    # As browsers do: a connection opened ahead, and never used.
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sys.argv[1]).query))
    idle = socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(query["redirect_uri"]).port))
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(sys.argv[1], timeout=20) as page:
        status, body = page.status, page.read().decode()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read().decode()
with open(sys.argv[0] + ".page", "a") as out:
    out.write(f"{status} {body}\\n")
"""

# A $BROWSER that forges the answer: it brings the real code back with another state, as a page
# of another site could.
_FORGE_STATE = """\
import sys, urllib.error, urllib.parse, urllib.request

class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), Stop)
try:
    opener.open(sys.argv[1], timeout=20)
    raise SystemExit("authorize did not redirect")
except urllib.error.HTTPError as error:
    location = error.headers["Location"]
url = urllib.parse.urlsplit(location)
query = dict(urllib.parse.parse_qsl(url.query))
query["state"] = "forged"
forged = url._replace(query=urllib.parse.urlencode(query)).geturl()
try:
    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(forged, timeout=20)
    status = 200
except urllib.error.HTTPError as error:
    status = error.code
with open(sys.argv[0] + ".page", "a") as out:
    out.write(f"{status}\\n")
"""


def browser(tmp_path, forge_state=False):
    """Path of an executable $BROWSER; what it saw lands in <path>.page."""
    path = tmp_path / ("forging-browser" if forge_state else "browser")
    path.write_text(f"#!{sys.executable}\n" + (_FORGE_STATE if forge_state else _FOLLOW))
    path.chmod(0o755)
    return path


def registration_cache_path(home, session, start_url=START_URL, region="us-east-1", scopes=("sso:account:access",)):
    """Where the AWS CLI caches the client registration of an sso-session (botocore's key)."""
    import hashlib

    key = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": list(scopes) if scopes is not None else None,
        "session_name": session,
    }
    digest = hashlib.sha1(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return home.aws / "sso" / "cache" / f"{digest}.json"


# --- shared by several test modules ------------------------------------------------------------


STATIC_KEYS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


ROLE_CHAIN = f"""\
[profile middle]
role_arn = arn:aws:iam::{SANDBOX}:role/Middle
source_profile = base

[profile prod]
role_arn = arn:aws:iam::{PROD}:role/Deploy
source_profile = middle
role_session_name = deploy-session
external_id = ext-123
duration_seconds = 1800
region = eu-central-1
"""


CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_SDK_LOAD_CONFIG",
    "AWS_CREDENTIAL_FILE",
    "GUARD_CONFIRM",
)


PROD_BLOCK = f"""\
[[accounts]]
id = "{PROD}"
name = "prod"
protected = true
"""


def audit_lines(home):
    path = home.path / ".local" / "state" / "guard" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


SESSION_ONLY = f"""\
[sso-session myorg]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


# A $BROWSER that opens what it is given, follows redirects as a browser does, and notes both.
BROWSER = """\
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1], timeout=20) as page:
    landed, status = page.geturl(), page.status
with open(sys.argv[0] + ".seen", "w") as out:
    json.dump({"argv": sys.argv[1:], "landed": landed, "status": status}, out)
"""


def federation_env(emulator):
    return {"AWS_ENDPOINT_URL_SIGNIN_FEDERATION": emulator.url + "/federation"}


LOOSENING = """\
# a colleague's convenience file
[protected]
write = "allow"
destructive = "allow"
unknown = "allow"
"""


def warnings(stderr):
    return [line for line in stderr.splitlines() if line.startswith("guard: warning:")]


def write_project(folder, text):
    policy = folder / ".guard.toml"
    policy.write_text(text)
    policy.chmod(0o644)
    return policy


def made(emulator, aws):
    """Every request guard made since the last reset, per operation."""
    counts = {name: n for name, n in emulator.counters().items() if n}
    counts.update(aws.counts())
    return counts


def reset(emulator, aws):
    emulator.reset_counters()
    aws.reset()
