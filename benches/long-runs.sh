#!/usr/bin/env bash
# What `--server` and saved-plan reading cost, against moto and the Identity Center emulator on
# loopback:
#   - the credential server's per-request latency, warm (the cache holds the credentials): a
#     child asks the endpoint N times, each on a new connection as the SDKs' container providers
#     do, and prints the median, the 90th percentile and the minimum;
#   - what `show -json` adds to `terraform apply tfplan` in a protected account, with hyperfine:
#     an apply of a saved plan (show runs, the plan is judged) against an apply without one (no
#     show), both confirmed with --confirm and audited, with a `terraform` that is a few lines of
#     sh (`show` prints the fixture, `apply` does nothing), so that the difference is guard's.
#
# Usage: benches/long-runs.sh [N]   (GUARD_BIN=... to time another build; needs hyperfine,
#   moto_server, python3, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-500}
for tool in hyperfine moto_server python3 curl; do
  command -v "$tool" >/dev/null || { echo "benches/long-runs.sh needs $tool" >&2; exit 69; }
done
if [ -z "${GUARD_BIN:-}" ]; then
  cargo build --release --locked --quiet
  GUARD_BIN="$PWD/target/release/guard"
fi
guard=$GUARD_BIN
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready_url() { for _ in $(seq 300); do grep -q READY "$1" 2>/dev/null && break; sleep 0.1; done; sed -n 's/^READY //p' "$1"; }

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto="http://127.0.0.1:$moto_port"
for _ in $(seq 300); do curl -sf "$moto/moto-api/" >/dev/null && break; sleep 0.1; done
python3 emulator/identity_center.py --port 0 --sts-endpoint "$moto" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator=$(ready_url "$work/emulator.out")
admin() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$emulator/_admin/$1" >/dev/null; }
admin accounts '{"accounts":[{"accountId":"111111111111","accountName":"sandbox","roles":["Admin"]},{"accountId":"222222222222","accountName":"prod","roles":["Admin"]}]}'
admin tokens '{"accessToken":"bench-token","expiresIn":28800}'

export HOME="$work/home"
mkdir -p "$HOME/.aws/sso/cache" "$HOME/.config/guard" "$work/bin" "$work/tf"
cat >"$HOME/.aws/config" <<'EOF'
[sso-session myorg]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1

[profile sandbox]
sso_session = myorg
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1

[profile prod]
sso_session = myorg
sso_account_id = 222222222222
sso_role_name = Admin
region = eu-west-1
EOF
python3 - "$HOME" <<'PY'
import hashlib, json, sys, datetime
path = f"{sys.argv[1]}/.aws/sso/cache/{hashlib.sha1(b'myorg').hexdigest()}.json"
expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump({"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1",
           "accessToken": "bench-token", "expiresAt": expires}, open(path, "w"))
PY
chmod -R go-rwx "$HOME"
printf '[[accounts]]\nid = "222222222222"\nname = "prod"\nprotected = true\n' >"$HOME/.config/guard/policy.toml"
export AWS_ENDPOINT_URL_STS="$moto" AWS_ENDPOINT_URL_IAM="$moto" AWS_ENDPOINT_URL_SSO="$emulator" \
  AWS_ENDPOINT_URL_SSO_OIDC="$emulator" AWS_EC2_METADATA_DISABLED=true NO_COLOR=1 GUARD_QUIET=1
"$guard" -p sandbox -- true
"$guard" -p prod -- true

cat >"$work/client.py" <<'PY'
import http.client, os, statistics, sys, time, urllib.parse
url = urllib.parse.urlsplit(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
headers = {"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
times = []
for i in range(int(sys.argv[1]) + 20):
    start = time.perf_counter()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", url.path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200, response.status
    if i >= 20:  # the first asks warm the page cache
        times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"server request, warm: {statistics.median(times):.2f} ms median, "
      f"{times[int(len(times) * 0.9)]:.2f} ms p90, {times[0]:.2f} ms min ({len(times)} requests)")
PY
"$guard" -p sandbox --server -- python3 "$work/client.py" "$requests"

cat >"$work/bin/terraform" <<'EOF'
#!/bin/sh
case "$1" in
  show) exec cat "$3" ;;
  *) exit 0 ;;
esac
EOF
chmod +x "$work/bin/terraform"
cp tests/e2e/plans/creates.json "$work/tf/tfplan"
cd "$work/tf"
export PATH="$work/bin:$PATH"
# Without consent the reason shows that the plan was read.
"$guard" -p prod -- terraform apply tfplan 2>&1 | grep -o 'the plan [a-z0-9 ,]*' || true
hyperfine -N --warmup 10 --runs 300 --export-json "$work/plan.json" "${@:2}" \
  -n "apply tfplan (show -json read)" "$guard -p prod --confirm prod -- terraform apply tfplan" \
  -n "apply, no plan (no show)" "$guard -p prod --confirm prod -- terraform apply" \
  -n "terraform show -json tfplan alone" "terraform show -json tfplan"
python3 - "$work/plan.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r["times"] for r in json.load(open(sys.argv[1]))["results"]}
median = {name: statistics.median(times) * 1000 for name, times in results.items()}
low = {name: min(times) * 1000 for name, times in results.items()}
with_show, without = "apply tfplan (show -json read)", "apply, no plan (no show)"
print(f"show -json adds {median[with_show] - median[without]:.2f} ms median "
      f"({low[with_show] - low[without]:.2f} ms between minimums) to an apply")
PY
