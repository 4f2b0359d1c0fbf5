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
