#!/usr/bin/env python3
"""IAM Identity Center emulator for the tests, the benchmarks and scripts/demo.

One HTTP server answers:
  * the SSO portal API (GetRoleCredentials, ListAccounts, ListAccountRoles, Logout),
  * the SSO OIDC API (RegisterClient, StartDeviceAuthorization, CreateToken) and the
    browser side of sign-in (GET /authorize for authorization code + PKCE, GET /device
    for the device-code verification page),
  * the console's federation endpoint (GET /federation: getSigninToken, then login), as
    signin.aws.amazon.com/federation answers it,
  * an admin API under /_admin/ with which tests seed and steer its state.

Role credentials are minted by AssumeRole against moto, so moto's STS and IAM treat them
as credentials of the assigned account.

    python identity_center.py --port 0 --sts-endpoint http://127.0.0.1:5000

prints "READY http://127.0.0.1:PORT" once it listens, and nothing else on stdout.
"""

import argparse
import base64
import datetime
import hashlib
import json
import secrets
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
KNOWN_GRANTS = (DEVICE_CODE_GRANT, "refresh_token", "authorization_code")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
AUTH_CODE_SECONDS = 600

DEFAULT_CONFIG = {
    # DurationSeconds of the AssumeRole behind GetRoleCredentials. Below STS's minimum of 900 the
    # role is assumed for 900 s and the answer claims the shorter life (for credential refresh tests).
    "roleCredentialSeconds": 3600,
    "accessTokenSeconds": 28800,  # expiresIn of CreateToken (8 hours, as AWS)
    "pageSize": 2,  # small, so that clients must follow nextToken
    "rotateRefreshTokens": False,  # True: a refresh token stops working once used
    "deviceCodeSeconds": 600,  # expiresIn of StartDeviceAuthorization
    "deviceInterval": 1,  # AWS answers 1 too; keeps polling tests fast
    "deviceAutoApprovePolls": None,  # K: answer pending K times, then approve; None: wait for admin
    "defaultUser": "alice",  # user of tokens issued by sign-in flows
    "denyAuthorize": False,  # True: /authorize redirects back with error=access_denied
    "clientSecretSeconds": 90 * 86400,  # client registrations last 90 days, as AWS
    # {"<asked account>": "<account the credentials really belong to>"}: a misconfigured
    # permission set, so tests can see a client refuse credentials of the wrong account.
    "mintAccounts": {},
}

COUNTED_OPERATIONS = (
    "GetRoleCredentials",
    "ListAccounts",
    "ListAccountRoles",
    "Logout",
    "RegisterClient",
    "StartDeviceAuthorization",
    "CreateToken",
    "Authorize",
)

# error type -> (OAuth "error" code, HTTP status), from the sso-oidc service model
OIDC_ERRORS = {
    "AccessDeniedException": ("access_denied", 400),
    "AuthorizationPendingException": ("authorization_pending", 400),
    "ExpiredTokenException": ("expired_token", 400),
    "InternalServerException": ("server_error", 500),
    "InvalidClientException": ("invalid_client", 401),
    "InvalidClientMetadataException": ("invalid_client_metadata", 400),
    "InvalidGrantException": ("invalid_grant", 400),
    "InvalidRedirectUriException": ("invalid_redirect_uri", 400),
    "InvalidRequestException": ("invalid_request", 400),
    "InvalidScopeException": ("invalid_scope", 400),
    "SlowDownException": ("slow_down", 400),
    "UnauthorizedClientException": ("unauthorized_client", 400),
    "UnsupportedGrantTypeException": ("unsupported_grant_type", 400),
}


# --- errors -------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: status, the x-amzn-ErrorType name, and the JSON body."""

    def __init__(self, status, error_type, body):
        super().__init__(f"{error_type}: {body}")
        self.status = status
        self.error_type = error_type
        self.body = body


class BadInput(Exception):
    """Malformed request; answered as InvalidRequestException in the shape of the API it hit."""


def portal_error(status, error_type, message):
    return ApiError(status, error_type, {"message": message})


def oidc_error(error_type, description):
    code, status = OIDC_ERRORS[error_type]
    return ApiError(status, error_type, {"error": code, "error_description": description})


def unauthorized():
    # The message AWS gives for unknown, expired and logged-out tokens alike.
    return portal_error(401, "UnauthorizedException", "Session token not found or invalid")


def invalid_request(family, message):
    if family == "oidc":
        return oidc_error("InvalidRequestException", message)
    return portal_error(400, "InvalidRequestException", message)


# --- input helpers ------------------------------------------------------------------


def require_str(body, key):
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadInput(f"{key} is required and must be a non-empty string")
    return value


def optional_str(body, key, default=None):
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadInput(f"{key} must be a string")
    return value


def optional_int(body, key, default=None):
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{key} must be an integer")
    return value


def str_list(body, key):
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{key} must be a list of strings")
    return value


def random_token(prefix):
    return prefix + secrets.token_urlsafe(32)


def random_user_code():
    letters = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, so no accidental words, as AWS does
    pick = [secrets.choice(letters) for _ in range(8)]
    return "".join(pick[:4]) + "-" + "".join(pick[4:])


def pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def reserved_role_name(role_name):
    """Name of the IAM role Identity Center provisions for a permission set.

    The suffix is random in AWS but fixed per permission set; a hash keeps it stable
    across runs so that tests can predict ARNs.
    """
    suffix = hashlib.sha256(role_name.encode()).hexdigest()[:16]
    return f"AWSReservedSSO_{role_name}_{suffix}"


def reserved_role_arn(account_id, role_name):
    return f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{reserved_role_name(role_name)}"


def known(table, key, label):
    if key not in table:
        raise BadInput(f"unknown {label}")
    return table[key]


def config_value_ok(key, value):
    if key not in DEFAULT_CONFIG:
        return False
    if key == "defaultUser":
        return isinstance(value, str) and bool(value)
    if key == "deviceAutoApprovePolls" and value is None:
        return True
    if key == "mintAccounts":
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if isinstance(DEFAULT_CONFIG[key], bool):
        return isinstance(value, bool)
    minimum = 1 if key == "pageSize" else 0  # a page of 0 would never end
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def redirect_matches(registered, actual):
    """RFC 8252: for loopback redirect URIs the port is chosen at sign-in time, so ignore it."""
    reg, act = urlsplit(registered), urlsplit(actual)
    if reg.hostname in LOOPBACK_HOSTS and act.hostname == reg.hostname:
        return (reg.scheme, reg.path) == (act.scheme, act.path)
    return registered == actual


def with_query(url, params):
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def encode_next_token(offset):
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_next_token(token):
    try:
        label, offset = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if label == "offset" and int(offset) >= 0:
            return int(offset)
    except ValueError:  # bad base64, bad UTF-8, wrong field count or not a number
        pass
    raise BadInput("Invalid next token")


# --- HTTP plumbing ------------------------------------------------------------------


class Request:
    def __init__(self, method, path, query, headers, body, base_url):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.base_url = base_url

    def param(self, name):
        values = self.query.get(name)
        return values[0] if values else None

    def require_param(self, name):
        value = self.param(name)
        if not value:
            raise BadInput(f"query parameter {name} is required")
        return value

    def json(self):
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except ValueError:  # includes UnicodeDecodeError
            raise BadInput("body is not valid JSON") from None
        if not isinstance(value, dict):
            raise BadInput("body must be a JSON object")
        return value


class Response:
    def __init__(self, status=200, body=b"", headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def json_response(value, status=200):
    return Response(status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def error_response(error):
    response = json_response(error.body, error.status)
    response.headers["x-amzn-ErrorType"] = error.error_type
    return response


def redirect_response(location):
    return Response(302, b"", {"Location": location})


# --- the service --------------------------------------------------------------------


class IdentityCenter:
    """All state, guarded by one lock; handlers run on the server's threads."""

    def __init__(self, sts_client):
        self.sts = sts_client
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.config = dict(DEFAULT_CONFIG)
            self.accounts = []  # [{"accountId", "accountName", "emailAddress", "roles"}]
            self.access_tokens = {}  # token -> {"user", "expiresAt", "revoked"}
            self.refresh_tokens = {}  # token -> {"clientId", "user", "revoked"}
            self.clients = {}  # clientId -> {"clientSecret", "grantTypes", "redirectUris", "scopes", "expiresAt"}
            self.devices = {}  # deviceCode -> device authorization; dicts keep creation order
            self.auth_codes = {}  # code -> {"clientId", "redirectUri", "codeChallenge", "user", "expiresAt"}
            self.denied = set()  # {(accountId, roleName)}
            self.counters = dict.fromkeys(COUNTED_OPERATIONS, 0)
            self.requests = deque(maxlen=500)
            self.signin_tokens = {}  # SigninToken -> {"sessionId", "logins": [destination, ...]}

    def count(self, operation):
        with self.lock:
            if operation in self.counters:
                self.counters[operation] += 1

    def record(self, operation, request, response):
        with self.lock:
            self.requests.append(
                {
                    "operation": operation,
                    "method": request.method,
                    "path": request.path,
                    "query": {k: v[0] for k, v in request.query.items()},
                    "status": response.status,
                    "errorType": response.headers.get("x-amzn-ErrorType"),
                    "time": time.time(),
                }
            )

    # --- portal ---

    def _user_for(self, request):
        token = request.headers.get("x-amz-sso_bearer_token")
        record = self.access_tokens.get(token)
        if not token or record is None or record["revoked"] or record["expiresAt"] <= time.time():
            raise unauthorized()
        return record["user"]

    def _assigned_roles(self, account_id):
        for account in self.accounts:
            if account["accountId"] == account_id:
                return account["roles"]
        return []

    def _page(self, request, items, key):
        size = self.config["pageSize"]
        if request.param("max_result") is not None:
            try:
                size = int(request.param("max_result"))
            except ValueError:
                raise BadInput("max_result must be an integer") from None
            if not 1 <= size <= 100:
                raise BadInput("max_result must be between 1 and 100")
        start = decode_next_token(request.param("next_token")) if request.param("next_token") else 0
        result = {key: items[start : start + size]}
        if start + size < len(items):
            result["nextToken"] = encode_next_token(start + size)
        return json_response(result)

    def get_role_credentials(self, request):
        role = request.require_param("role_name")
        account_id = request.require_param("account_id")
        with self.lock:
            user = self._user_for(request)
            if role not in self._assigned_roles(account_id) or (account_id, role) in self.denied:
                raise portal_error(403, "ForbiddenException", "No access")
            seconds = self.config["roleCredentialSeconds"]
            minted_account = self.config["mintAccounts"].get(account_id, account_id)
        # Outside the lock: a slow moto must not stall the other requests.
        answer = self.sts.assume_role(
            RoleArn=reserved_role_arn(minted_account, role), RoleSessionName=user, DurationSeconds=max(seconds, 900)
        )
        creds = answer["Credentials"]
        if seconds < 900:
            creds["Expiration"] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
        return json_response(
            {
                "roleCredentials": {
                    "accessKeyId": creds["AccessKeyId"],
                    "secretAccessKey": creds["SecretAccessKey"],
                    "sessionToken": creds["SessionToken"],
                    "expiration": int(creds["Expiration"].timestamp() * 1000),  # botocore gives aware datetimes
                }
            }
        )

    def list_accounts(self, request):
        with self.lock:
            self._user_for(request)
            items = [
                {key: account[key] for key in ("accountId", "accountName", "emailAddress")}
                for account in self.accounts
            ]
            return self._page(request, items, "accountList")

    def list_account_roles(self, request):
        account_id = request.require_param("account_id")
        with self.lock:
            self._user_for(request)
            items = [{"roleName": role, "accountId": account_id} for role in self._assigned_roles(account_id)]
            return self._page(request, items, "roleList")

    def logout(self, request):
        with self.lock:
            self._user_for(request)
            self.access_tokens[request.headers["x-amz-sso_bearer_token"]]["revoked"] = True
        return Response(200)

    # --- OIDC ---

    def register_client(self, request):
        body = request.json()
        require_str(body, "clientName")
        if require_str(body, "clientType") != "public":
            raise oidc_error("InvalidClientMetadataException", "clientType must be public")
        grants = str_list(body, "grantTypes")
        unknown = sorted(set(grants) - set(KNOWN_GRANTS))
        if unknown:
            raise oidc_error("UnsupportedGrantTypeException", f"unsupported grant types: {unknown}")
        redirect_uris = str_list(body, "redirectUris")
        if "authorization_code" in grants and not redirect_uris:
            raise oidc_error("InvalidRedirectUriException", "authorization_code needs redirectUris")
        now = int(time.time())
        client_id = random_token("cid-")
        answer = {
            "clientId": client_id,
            "clientSecret": random_token("csecret-"),
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": now + self.config["clientSecretSeconds"],
        }
        if "authorization_code" in grants:
            answer["authorizationEndpoint"] = request.base_url + "/authorize"
            answer["tokenEndpoint"] = request.base_url + "/token"
        with self.lock:
            self.clients[client_id] = {
                "clientSecret": answer["clientSecret"],
                "grantTypes": grants,
                "redirectUris": redirect_uris,
                "scopes": str_list(body, "scopes"),
                "expiresAt": answer["clientSecretExpiresAt"],
            }
        return json_response(answer)

    def _client(self, client_id, client_secret):
        client = self.clients.get(client_id)
        if client is None or client["clientSecret"] != client_secret:
            raise oidc_error("InvalidClientException", "Invalid client credentials")
        if client["expiresAt"] <= time.time():
            raise oidc_error("InvalidClientException", "Client registration has expired")
        return client

    def start_device_authorization(self, request):
        body = request.json()
        client_id = require_str(body, "clientId")
        client_secret = require_str(body, "clientSecret")
        start_url = require_str(body, "startUrl")
        with self.lock:
            self._client(client_id, client_secret)
            device = {
                "deviceCode": random_token("dc-"),
                "userCode": random_user_code(),
                "clientId": client_id,
                "startUrl": start_url,
                "status": "pending",  # pending | approved | denied | expired | redeemed
                "expiresAt": time.time() + self.config["deviceCodeSeconds"],
                "slowDowns": 0,  # SlowDownException answers still to give
                "pendingAnswers": 0,
                "polls": 0,
                "user": None,
            }
            self.devices[device["deviceCode"]] = device
            verification_uri = request.base_url + "/device"
            return json_response(
                {
                    "deviceCode": device["deviceCode"],
                    "userCode": device["userCode"],
                    "verificationUri": verification_uri,
                    "verificationUriComplete": with_query(verification_uri, {"user_code": device["userCode"]}),
                    "expiresIn": self.config["deviceCodeSeconds"],
                    "interval": self.config["deviceInterval"],
                }
            )

    def create_token(self, request):
        body = request.json()
        client_id = require_str(body, "clientId")
        client_secret = require_str(body, "clientSecret")
        grant = require_str(body, "grantType")
        redeemers = {
            DEVICE_CODE_GRANT: self._redeem_device_code,
            "refresh_token": self._redeem_refresh_token,
            "authorization_code": self._redeem_auth_code,
        }
        with self.lock:
            client = self._client(client_id, client_secret)
            if grant not in redeemers:
                raise oidc_error("UnsupportedGrantTypeException", f"unsupported grant type {grant}")
            # A client registered without grant types is a legacy device-code client.
            if grant not in (client["grantTypes"] or [DEVICE_CODE_GRANT]):
                raise oidc_error("UnauthorizedClientException", f"client may not use {grant}")
            user = redeemers[grant](client_id, body)
            return json_response(self._issue_tokens(client_id, client, user))

    def _issue_tokens(self, client_id, client, user):
        seconds = self.config["accessTokenSeconds"]
        access_token = random_token("aoa")
        self.access_tokens[access_token] = {"user": user, "expiresAt": time.time() + seconds, "revoked": False}
        answer = {"accessToken": access_token, "tokenType": "Bearer", "expiresIn": seconds}
        # As AWS: only clients registered for the refresh_token grant get refresh tokens,
        # which is why legacy (device-code only) sign-ins cannot be refreshed.
        if "refresh_token" in client["grantTypes"]:
            refresh_token = random_token("aor")
            self.refresh_tokens[refresh_token] = {"clientId": client_id, "user": user, "revoked": False}
            answer["refreshToken"] = refresh_token
        return answer

    def _redeem_device_code(self, client_id, body):
        device = self.devices.get(require_str(body, "deviceCode"))
        if device is None or device["clientId"] != client_id or device["status"] == "redeemed":
            raise oidc_error("InvalidGrantException", "Invalid device code provided")
        device["polls"] += 1
        if device["status"] == "expired" or device["expiresAt"] <= time.time():
            device["status"] = "expired"
            raise oidc_error("ExpiredTokenException", "Device code has expired")
        if device["status"] == "denied":
            raise oidc_error("AccessDeniedException", "Authorization was denied")
        if device["slowDowns"] > 0:
            device["slowDowns"] -= 1
            raise oidc_error("SlowDownException", "Client is polling too fast")
        auto_after = self.config["deviceAutoApprovePolls"]
        if device["status"] == "pending" and auto_after is not None and device["pendingAnswers"] >= auto_after:
            device["status"] = "approved"
        if device["status"] == "pending":
            device["pendingAnswers"] += 1
            raise oidc_error("AuthorizationPendingException", "Authorization is still pending")
        device["status"] = "redeemed"
        return device["user"] or self.config["defaultUser"]

    def _redeem_refresh_token(self, client_id, body):
        record = self.refresh_tokens.get(require_str(body, "refreshToken"))
        if record is None or record["revoked"] or record["clientId"] != client_id:
            raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
        if self.config["rotateRefreshTokens"]:
            record["revoked"] = True
        return record["user"]

    def _redeem_auth_code(self, client_id, body):
        code = require_str(body, "code")
        redirect_uri = require_str(body, "redirectUri")
        verifier = require_str(body, "codeVerifier")
        grant = self.auth_codes.pop(code, None)  # single use, even when the exchange fails
        if grant is None or grant["clientId"] != client_id or grant["expiresAt"] <= time.time():
            raise oidc_error("InvalidGrantException", "Invalid authorization code provided")
        if redirect_uri != grant["redirectUri"]:
            raise oidc_error("InvalidGrantException", "redirectUri does not match the authorization request")
        if pkce_challenge(verifier) != grant["codeChallenge"]:
            raise oidc_error("InvalidGrantException", "codeVerifier does not match the code challenge")
        return grant["user"]

    def authorize(self, request):
        """The browser page of the authorization code flow; the user approves at once."""
        client_id = request.require_param("client_id")
        redirect_uri = request.require_param("redirect_uri")
        with self.lock:
            client = self.clients.get(client_id)
            if client is None or "authorization_code" not in client["grantTypes"]:
                raise oidc_error("InvalidClientException", "Unknown client or not an authorization code client")
            if not any(redirect_matches(r, redirect_uri) for r in client["redirectUris"]):
                raise oidc_error("InvalidRedirectUriException", "redirect_uri is not registered")
            # From here on errors go back to the client through the redirect, as OAuth says.
            state = {"state": request.param("state")} if request.param("state") is not None else {}
            if request.param("response_type") != "code":
                return redirect_response(with_query(redirect_uri, {"error": "unsupported_response_type", **state}))
            challenge = request.param("code_challenge")
            if not challenge or request.param("code_challenge_method") != "S256":
                return redirect_response(with_query(redirect_uri, {"error": "invalid_request", **state}))
            if self.config["denyAuthorize"]:
                return redirect_response(with_query(redirect_uri, {"error": "access_denied", **state}))
            code = random_token("code-")
            self.auth_codes[code] = {
                "clientId": client_id,
                "redirectUri": redirect_uri,
                "codeChallenge": challenge,
                "user": self.config["defaultUser"],
                "expiresAt": time.time() + AUTH_CODE_SECONDS,
            }
            return redirect_response(with_query(redirect_uri, {"code": code, **state}))

    def verify_device(self, request):
        """The verification page of the device flow: visiting it approves the user code."""
        user_code = request.require_param("user_code")
        with self.lock:
            device = self._find_device({"userCode": user_code})
            if device["status"] == "pending":
                device["status"] = "approved"
            return Response(200, f"Device {user_code}: {device['status']}\n".encode(), {"Content-Type": "text/plain"})

    # --- admin ---

    def admin_reset(self, request):
        self.reset()
        return json_response({})

    def admin_set_accounts(self, request):
        accounts = request.json().get("accounts")
        if not isinstance(accounts, list) or not all(isinstance(a, dict) for a in accounts):
            raise BadInput("accounts must be a list of objects")
        parsed = []
        for account in accounts:
            account_id = require_str(account, "accountId")
            name = optional_str(account, "accountName", f"account-{account_id}")
            parsed.append(
                {
                    "accountId": account_id,
                    "accountName": name,
                    "emailAddress": optional_str(account, "emailAddress", f"{name}@example.com"),
                    "roles": str_list(account, "roles"),
                }
            )
        with self.lock:
            self.accounts = parsed
        return json_response({"accounts": parsed})

    def admin_add_token(self, request):
        body = request.json()
        token = require_str(body, "accessToken")
        with self.lock:
            self.access_tokens[token] = {
                "user": optional_str(body, "user", self.config["defaultUser"]),
                "expiresAt": time.time() + optional_int(body, "expiresIn", 3600),
                "revoked": False,
            }
        return json_response({})

    def admin_add_refresh_token(self, request):
        """Registers a refresh token, and its client when a secret is given (tests seed both into the cache)."""
        body = request.json()
        token = require_str(body, "refreshToken")
        client_id = require_str(body, "clientId")
        secret = optional_str(body, "clientSecret")
        with self.lock:
            if secret is not None:
                self.clients[client_id] = {
                    "clientSecret": secret,
                    "grantTypes": list(KNOWN_GRANTS),
                    "redirectUris": ["http://127.0.0.1/oauth/callback"],
                    "scopes": ["sso:account:access"],
                    "expiresAt": time.time() + self.config["clientSecretSeconds"],
                }
            elif client_id not in self.clients:
                raise BadInput("clientSecret is required for an unknown clientId")
            self.refresh_tokens[token] = {
                "clientId": client_id,
                "user": optional_str(body, "user", self.config["defaultUser"]),
                "revoked": False,
            }
        return json_response({})

    def admin_list_tokens(self, request):
        with self.lock:
            return json_response(
                {
                    "accessTokens": [{"accessToken": t, **r} for t, r in self.access_tokens.items()],
                    "refreshTokens": [{"refreshToken": t, **r} for t, r in self.refresh_tokens.items()],
                }
            )

    def admin_expire(self, request):
        """Expires the named access token and revokes the named refresh token; {} expires every access token."""
        body = request.json()
        access_token = optional_str(body, "accessToken")
        refresh_token = optional_str(body, "refreshToken")
        with self.lock:
            if access_token is None and refresh_token is None:
                expiring = list(self.access_tokens)
            else:
                expiring = [access_token] if access_token is not None else []
            for token in expiring:
                known(self.access_tokens, token, "accessToken")["expiresAt"] = time.time() - 1
            if refresh_token is not None:
                known(self.refresh_tokens, refresh_token, "refreshToken")["revoked"] = True
        return json_response({})

    def admin_deny(self, request):
        body = request.json()
        with self.lock:
            self.denied.add((require_str(body, "accountId"), require_str(body, "roleName")))
        return json_response({})

    def admin_get_config(self, request):
        with self.lock:
            return json_response(self.config)

    def admin_set_config(self, request):
        body = request.json()
        for key, value in body.items():
            if not config_value_ok(key, value):
                raise BadInput(f"bad config value {key}={value!r}")
        with self.lock:
            self.config.update(body)
            return json_response(self.config)

    def _find_device(self, body):
        """The device authorization named by userCode or deviceCode, else the latest one."""
        user_code = optional_str(body, "userCode")
        device_code = optional_str(body, "deviceCode")
        for device in reversed(list(self.devices.values())):
            if device_code is not None and device["deviceCode"] != device_code:
                continue
            if user_code is not None and device["userCode"] != user_code:
                continue
            return device
        raise BadInput("no such device authorization")

    def admin_device(self, request):
        body = request.json()
        action = require_str(body, "action")
        count = optional_int(body, "count", 1)
        if count < 1:
            raise BadInput("count must be at least 1")
        statuses = {"approve": "approved", "deny": "denied", "expire": "expired"}
        if action not in statuses and action != "slow_down":
            raise BadInput("action must be approve, deny, expire or slow_down")
        with self.lock:
            device = self._find_device(body)
            if action == "slow_down":
                device["slowDowns"] += count
            else:
                device["status"] = statuses[action]
            if action == "approve":
                device["user"] = optional_str(body, "user", device["user"])
            return json_response(device)

    def admin_list_devices(self, request):
        with self.lock:
            return json_response({"devices": list(self.devices.values())})

    def admin_counters(self, request):
        with self.lock:
            return json_response(self.counters)

    def admin_reset_counters(self, request):
        with self.lock:
            self.counters = dict.fromkeys(COUNTED_OPERATIONS, 0)
            self.requests.clear()
        return json_response({})

    def admin_requests(self, request):
        with self.lock:
            return json_response({"requests": list(self.requests)})


    # --- console federation ---

    def federation(self, request):
        """getSigninToken takes the session's credentials as JSON; login takes the token it gave."""
        action = request.query.get("Action", [""])[0]
        if action == "getSigninToken":
            try:
                session = json.loads(request.query.get("Session", [""])[0])
            except ValueError:
                raise BadInput("Session is not JSON") from None
            keys = ("sessionId", "sessionKey", "sessionToken")
            if not isinstance(session, dict) or not all(isinstance(session.get(k), str) and session[k] for k in keys):
                raise BadInput("Session needs sessionId, sessionKey and sessionToken")
            token = "signin-" + secrets.token_hex(16)
            with self.lock:
                self.signin_tokens[token] = {"sessionId": session["sessionId"], "logins": []}
            return json_response({"SigninToken": token})
        if action == "login":
            token = request.query.get("SigninToken", [""])[0]
            destination = request.query.get("Destination", [""])[0]
            with self.lock:
                record = self.signin_tokens.get(token)
                if record is None:
                    raise BadInput("unknown SigninToken")
                record["logins"].append(destination)
            return Response(200, b"<html><body>AWS Management Console</body></html>", {"Content-Type": "text/html"})
        raise BadInput(f"unknown Action {action!r}")

    def admin_signin_tokens(self, request):
        with self.lock:
            return json_response({"signinTokens": self.signin_tokens})


# (method, path) -> (API family for error shapes, operation name, handler)
ROUTES = {
    ("GET", "/federation/credentials"): ("portal", "GetRoleCredentials", IdentityCenter.get_role_credentials),
    ("GET", "/assignment/accounts"): ("portal", "ListAccounts", IdentityCenter.list_accounts),
    ("GET", "/assignment/roles"): ("portal", "ListAccountRoles", IdentityCenter.list_account_roles),
    ("POST", "/logout"): ("portal", "Logout", IdentityCenter.logout),
    ("POST", "/client/register"): ("oidc", "RegisterClient", IdentityCenter.register_client),
    ("POST", "/device_authorization"): ("oidc", "StartDeviceAuthorization", IdentityCenter.start_device_authorization),
    ("POST", "/token"): ("oidc", "CreateToken", IdentityCenter.create_token),
    ("GET", "/authorize"): ("oidc", "Authorize", IdentityCenter.authorize),
    ("GET", "/device"): ("oidc", "VerifyDevice", IdentityCenter.verify_device),
    ("POST", "/_admin/reset"): ("admin", "AdminReset", IdentityCenter.admin_reset),
    ("POST", "/_admin/accounts"): ("admin", "AdminAccounts", IdentityCenter.admin_set_accounts),
    ("POST", "/_admin/tokens"): ("admin", "AdminTokens", IdentityCenter.admin_add_token),
    ("GET", "/_admin/tokens"): ("admin", "AdminTokens", IdentityCenter.admin_list_tokens),
    ("POST", "/_admin/refresh_tokens"): ("admin", "AdminRefreshTokens", IdentityCenter.admin_add_refresh_token),
    ("POST", "/_admin/expire"): ("admin", "AdminExpire", IdentityCenter.admin_expire),
    ("POST", "/_admin/deny"): ("admin", "AdminDeny", IdentityCenter.admin_deny),
    ("GET", "/_admin/config"): ("admin", "AdminConfig", IdentityCenter.admin_get_config),
    ("POST", "/_admin/config"): ("admin", "AdminConfig", IdentityCenter.admin_set_config),
    ("GET", "/_admin/device"): ("admin", "AdminDevice", IdentityCenter.admin_list_devices),
    ("POST", "/_admin/device"): ("admin", "AdminDevice", IdentityCenter.admin_device),
    ("GET", "/_admin/counters"): ("admin", "AdminCounters", IdentityCenter.admin_counters),
    ("POST", "/_admin/counters/reset"): ("admin", "AdminCounters", IdentityCenter.admin_reset_counters),
    ("GET", "/_admin/requests"): ("admin", "AdminRequests", IdentityCenter.admin_requests),
    ("GET", "/federation"): ("portal", "Federation", IdentityCenter.federation),
    ("GET", "/_admin/signin_tokens"): ("admin", "AdminSigninTokens", IdentityCenter.admin_signin_tokens),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs expect; every answer has a Content-Length
    server_version = "IdentityCenterEmulator/1"

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def log_message(self, format, *args):
        """Silenced: requests are listed by GET /_admin/requests instead."""

    def _handle(self, method):
        center = self.server.center
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True  # the stream is out of step: don't read another request
            self._send(error_response(portal_error(400, "InvalidRequestException", "malformed request body")))
            return
        query = parse_qs(url.query, keep_blank_values=True)
        request = Request(method, url.path, query, self.headers, body, self._base_url())
        family, operation, handler = ROUTES.get((method, url.path), ("admin", "Unknown", None))
        center.count(operation)
        try:
            if handler is None:
                raise portal_error(404, "UnknownOperationException", f"no operation {method} {url.path}")
            response = handler(center, request)
        except BadInput as error:
            response = error_response(invalid_request(family, str(error)))
        except ApiError as error:
            response = error_response(error)
        except Exception as error:  # a bug here, or moto failing: answer, and show why on stderr
            traceback.print_exc()
            response = error_response(portal_error(500, "InternalServerException", repr(error)))
        center.record(operation, request, response)
        self._send(response)

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length)

    def _read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)  # ValueError on garbage
            if size == 0:
                while self.rfile.readline().strip():  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # CRLF after each chunk

    def _base_url(self):
        # Links handed out (authorize, device pages) use the address the client used.
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return f"http://{host}"

    def _send(self, response):
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)


def make_server(host, port, sts_endpoint):
    sts = boto3.client(
        "sts",
        endpoint_url=sts_endpoint,
        region_name="us-east-1",
        # moto accepts any key; these map to its default account, which may assume any role.
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.center = IdentityCenter(sts)
    return server


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--sts-endpoint", required=True, help="moto server URL, e.g. http://127.0.0.1:5000")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.sts_endpoint)
    host, port = server.server_address[:2]
    print(f"READY http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
