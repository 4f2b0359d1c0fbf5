#!/usr/bin/env bash
# guard check and guard hook claude-code, warm: the account comes from the cache's verified
# identity (or the profile's configuration), so no request is made. Measures the instructions of
# each (callgrind: the same whatever the machine's load), counts the requests (none), and times
# them with hyperfine unless BENCH_TIMES=0. Prints a Markdown table.
#
# Targets (issue 19): warm check at most 1.5 ms and 600k instructions.
#
# Usage: benches/check.sh [hyperfine options]     GUARD_BIN=path skips the release build.
#   (needs valgrind, moto_server, python3, curl; hyperfine for the times)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in valgrind moto_server python3 curl; do
  command -v "$tool" >/dev/null || { echo "benches/check.sh needs $tool (see docs/performance.md)" >&2; exit 69; }
done

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${GUARD_BIN:-}" ]; then
  guard=$GUARD_BIN
else
  cargo build --release --locked --quiet
  # Copied, as `cargo install` does (benches/run.sh says why).
  cp target/release/guard "$work/guard"
  guard="$work/guard"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready_url() { for _ in $(seq 300); do grep -q READY "$1" 2>/dev/null && break; sleep 0.1; done; sed -n 's/^READY //p' "$1"; }

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto="http://127.0.0.1:$moto_port"
for _ in $(seq 300); do curl -sf "$moto/moto-api/" >/dev/null && break; sleep 0.1; done
python3 emulator/identity_center.py --port 0 --sts-endpoint "$moto" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator=$(ready_url "$work/emulator.out")
python3 emulator/counting_proxy.py --port 0 --upstream "$moto" >"$work/proxy.out" 2>"$work/proxy.log" &
proxy=$(ready_url "$work/proxy.out")

admin() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$emulator/_admin/$1" >/dev/null; }
admin accounts '{"accounts":[{"accountId":"222222222222","accountName":"prod","roles":["Admin"]}]}'
admin tokens '{"accessToken":"bench-token","expiresIn":28800}'
reset_counts() { admin counters/reset '{}'; curl -sf -X POST "$proxy/_counter/reset" >/dev/null; }
counts() {
  python3 - "$(curl -sf "$emulator/_admin/counters")" "$(curl -sf "$proxy/_counter/counts")" <<'PY'
import json, sys
merged = {k: v for part in sys.argv[1:] for k, v in json.loads(part).items() if v}
print(", ".join(f"{k} {v}" for k, v in sorted(merged.items())) or "none")
PY
}

export HOME="$work/home" NO_COLOR=1 AWS_PROFILE=prod
mkdir -p "$HOME/.aws/sso/cache" "$HOME/.config/guard"
printf '[sso-session myorg]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\n[profile prod]\nsso_session = myorg\nsso_account_id = 222222222222\nsso_role_name = Admin\nregion = us-east-1\n' >"$HOME/.aws/config"
expires=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)
token="$HOME/.aws/sso/cache/$(printf myorg | sha1sum | cut -d' ' -f1).json"
printf '{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1","accessToken":"bench-token","expiresAt":"%s"}' "$expires" >"$token"
chmod 600 "$token"
printf '[[accounts]]\nid = "222222222222"\nname = "prod"\nprotected = true\n' >"$HOME/.config/guard/policy.toml"
chmod 600 "$HOME/.config/guard/policy.toml"
export AWS_ENDPOINT_URL_STS="$proxy" AWS_ENDPOINT_URL_IAM="$proxy" AWS_ENDPOINT_URL_SSO="$emulator" AWS_ENDPOINT_URL_SSO_OIDC="$emulator"

# Warm: one run puts the verified identity in the cache.
"$guard" -q -p prod -- true
hook_input="$work/hook.json"
printf '{"session_id":"s","transcript_path":"/tmp/t","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform destroy -auto-approve"},"tool_use_id":"t"}' "$work" >"$hook_input"
read_input="$work/read.json"
printf '{"session_id":"s","transcript_path":"/tmp/t","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"aws s3 ls"},"tool_use_id":"t"}' "$work" >"$read_input"

reset_counts
"$guard" check -p prod -- terraform destroy >/dev/null || true
"$guard" check -p prod --json -- aws s3 ls >/dev/null
"$guard" hook claude-code <"$hook_input" >/dev/null
requests=$(counts)

# Instructions of the whole process (callgrind counts guard and its loader, not the servers).
# Under valgrind LD_PRELOAD is set (its own preload), so the classifier calls every program it
# would run unknown: these are the costs of an audited "needs consent", a read's path differs
# only in the classification.
instructions() { { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } | sed -n 's/.*Collected : //p'; }
ir_check_read=$(instructions "$guard" check -p prod -- aws s3 ls)
ir_check_destroy=$(instructions "$guard" check -p prod --json -- terraform destroy)
# The hook reads its input on stdin.
instructions_in() { local input=$1; shift; { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" <"$input" 2>&1 >/dev/null || true; } | sed -n 's/.*Collected : //p'; }
ir_hook_destroy=$(instructions_in "$hook_input" "$guard" hook claude-code)
ir_hook_read=$(instructions_in "$read_input" "$guard" hook claude-code)

echo "| guard check / hook, warm (account from the cache) | |"
echo "|---|---|"
printf '| instructions, `guard check -p prod -- aws s3 ls` | %s |\n' "$ir_check_read"
printf '| instructions, `guard check -p prod --json -- terraform destroy` (audited) | %s |\n' "$ir_check_destroy"
printf '| instructions, `guard hook claude-code` (a read in prod, audited) | %s |\n' "$ir_hook_read"
printf '| instructions, `guard hook claude-code` (`terraform destroy` in prod, audited) | %s |\n' "$ir_hook_destroy"
printf '| requests, warm check and hook | %s |\n' "$requests"
if [ "${BENCH_TIMES:-1}" != 0 ] && command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs 30 -N "$@" \
    --command-name 'check read' "$guard check -p prod -- aws s3 ls" \
    --command-name 'check destroy --json' "$guard check -p prod --json -- terraform destroy" \
    --command-name 'floor: /bin/true' "/bin/true" -i
fi
