#!/usr/bin/env bash
# Times guard's run path with hyperfine against moto and the Identity Center emulator on
# loopback, and prints the release binary's size. Usage: benches/run.sh [hyperfine options]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "benches/run.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 69; }

cargo build --release --locked --quiet
guard="$PWD/target/release/guard"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto="http://127.0.0.1:$moto_port"
for _ in $(seq 100); do curl -sf "$moto/moto-api/" >/dev/null && break; sleep 0.1; done

python3 tests/emulator/identity_center.py --port 0 --sts-endpoint "$moto" >"$work/emulator.out" 2>"$work/emulator.log" &
for _ in $(seq 100); do grep -q READY "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
emulator=$(sed -n 's/^READY //p' "$work/emulator.out")

admin() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$emulator/_admin/$1" >/dev/null; }
admin accounts '{"accounts":[{"accountId":"111111111111","accountName":"sandbox","roles":["Admin"]}]}'
admin tokens '{"accessToken":"bench-token","expiresIn":28800}'

export HOME="$work/home" NO_COLOR=1
mkdir -p "$HOME/.aws/sso/cache"
cat >"$HOME/.aws/config" <<CONFIG
[sso-session myorg]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1

[profile sandbox]
sso_session = myorg
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1
CONFIG
expires=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)
cache="$HOME/.aws/sso/cache/$(printf myorg | sha1sum | cut -d' ' -f1).json"
printf '{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1","accessToken":"bench-token","expiresAt":"%s"}' "$expires" >"$cache"
chmod 600 "$cache"

export AWS_ENDPOINT_URL_STS="$moto" AWS_ENDPOINT_URL_IAM="$moto" AWS_ENDPOINT_URL_SSO="$emulator" AWS_ENDPOINT_URL_SSO_OIDC="$emulator"
hyperfine --warmup 3 --runs 30 -N "$@" \
  --command-name 'true' 'true' \
  --command-name 'guard -p sandbox -- true (cold)' "$guard -q -p sandbox -- true" \
  --command-name 'aws sts get-caller-identity (AWS CLI v1)' "aws --profile sandbox sts get-caller-identity"

curl -sf "$emulator/_admin/counters"; echo
echo "release binary: $(stat -c %s "$guard") bytes"
