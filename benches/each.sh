#!/usr/bin/env bash
# `guard each` over 100 accounts, next to the peer way (a shell loop of `aws sts
# get-caller-identity --profile ...` over the same 100 profiles): the Identity Center emulator
# serves 100 accounts, moto mints and checks their credentials, a counting proxy in front of moto
# counts STS and IAM calls. Measures `guard each --sso-session demo -j 8 -- true` cold (after
# `guard cache clear`) and warm with hyperfine, counts the requests of each, and guard's own
# instructions per account warm (callgrind, children not traced: the same whatever the load).
# Prints a Markdown table for the README.
#
# Targets (issue 23): cold <= 3 s, warm <= 0.5 s, guard's own cost per account warm <= 3 ms;
# GetRoleCredentials one per account cold and none warm; at most one CreateToken.
#
# Usage: benches/each.sh [hyperfine options]   GUARD_BIN=path skips the release build;
#   EACH_ACCOUNTS=N for another number of accounts (a quick check of the script).
#   (needs hyperfine, valgrind, moto_server, aws, python3, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine valgrind moto_server aws python3 curl; do
  command -v "$tool" >/dev/null || { echo "benches/each.sh needs $tool (see docs/performance.md)" >&2; exit 69; }
done
ACCOUNTS=${EACH_ACCOUNTS:-100}

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
accounts=$(python3 -c "import json; print(json.dumps({'accounts': [{'accountId': str(100000000000 + i), 'accountName': f'acct-{i:03}', 'roles': ['Admin']} for i in range($ACCOUNTS)]}))")
admin accounts "$accounts"
admin config '{"pageSize": 100}'
admin tokens '{"accessToken":"bench-token","expiresIn":28800}'
reset_counts() { admin counters/reset '{}'; curl -sf -X POST "$proxy/_counter/reset" >/dev/null; }
counts() {
  python3 - "$(curl -sf "$emulator/_admin/counters")" "$(curl -sf "$proxy/_counter/counts")" <<'PY'
import json, sys
merged = {k: v for part in sys.argv[1:] for k, v in json.loads(part).items() if v}
print(", ".join(f"{k} {v}" for k, v in sorted(merged.items())) or "none")
PY
}

export HOME="$work/home" NO_COLOR=1
mkdir -p "$HOME/.aws/sso/cache"
{
  printf '[sso-session demo]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n'
  for i in $(seq 0 $((ACCOUNTS - 1))); do
    printf '\n[profile acct-%03d]\nsso_session = demo\nsso_account_id = %d\nsso_role_name = Admin\nregion = us-east-1\n' \
      "$i" $((100000000000 + i))
  done
} >"$HOME/.aws/config"
expires=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)
token="$HOME/.aws/sso/cache/$(printf demo | sha1sum | cut -d' ' -f1).json"
printf '{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1","accessToken":"bench-token","expiresAt":"%s"}' "$expires" >"$token"
chmod 600 "$token"
export AWS_ENDPOINT_URL_STS="$proxy" AWS_ENDPOINT_URL_IAM="$proxy" AWS_ENDPOINT_URL_SSO="$emulator" AWS_ENDPOINT_URL_SSO_OIDC="$emulator"

each=("$guard" each -q --sso-session demo -j 8 -- true)

# --- requests: the very first run (account names unknown), a cold one, a warm one ----------------
reset_counts; "${each[@]}" 2>/dev/null
first=$(counts)
"$guard" cache clear >/dev/null
reset_counts; "${each[@]}" 2>/dev/null
cold=$(counts)
reset_counts; "${each[@]}" 2>/dev/null
warm=$(counts)

# --- times ------------------------------------------------------------------------------------------
hyperfine --runs 5 -N --prepare "$guard cache clear" --export-json "$work/cold.json" "$@" \
  --command-name 'each cold' "${each[*]}"
hyperfine --warmup 2 --runs 10 -N --export-json "$work/warm.json" "$@" \
  --command-name 'each warm' "${each[*]}" \
  --command-name 'each warm -j 1' "$guard each -q --sso-session demo -j 1 -- true" \
  --command-name "$ACCOUNTS x true" "sh -c 'for i in \$(seq $ACCOUNTS); do /bin/true; done'"

# guard's own instructions per account, warm (children are not traced).
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "${each[@]}" 2>"$work/cg.log" >/dev/null
ir=$(sed -n 's/^summary: //p' "$work/cg.out")

# --- the peer way: one aws CLI per profile, cold (SSO fetch) then warm (its own cache) ---------------
profiles=$(sed -n 's/^\[profile \(.*\)\]$/\1/p' "$HOME/.aws/config" | tr '\n' ' ')
loop="for p in $profiles; do aws sts get-caller-identity --profile \$p >/dev/null || exit 1; done"
hyperfine --runs 1 -N --prepare "rm -rf $HOME/.aws/cli/cache" --export-json "$work/peer-cold.json" "$@" \
  --command-name 'peer cold' "bash -c '$loop'"
hyperfine --runs 1 -N --export-json "$work/peer-warm.json" "$@" \
  --command-name 'peer warm' "bash -c '$loop'"

python3 - "$work" "$ir" "$ACCOUNTS" <<PY
import json, sys
work, ir, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times = {}
for name in ("cold", "warm", "peer-cold", "peer-warm"):
    for r in json.load(open(f"{work}/{name}.json"))["results"]:
        times[r["command"]] = r
med = lambda c: times[c]["median"]
own = (med("each warm -j 1") - med(f"{n} x true")) / n
print("| guard each, $ACCOUNTS accounts (-j 8) | |")
print("|---|---|")
print(f"| cold (after guard cache clear) | {med('each cold'):.2f} s median |")
print(f"| warm | {med('each warm'):.3f} s median |")
print(f"| guard's own cost per account, warm (-j 1 minus {n} x /bin/true, per account) | {own * 1000:.2f} ms |")
print(f"| guard's own instructions per account, warm (callgrind) | {ir // n:,} |")
print("| requests, first run (names unknown) | $first |")
print("| requests, cold | $cold |")
print("| requests, warm | $warm |")
print(f"| peer: shell loop of aws sts get-caller-identity, cold / warm | {med('peer cold'):.1f} s / {med('peer warm'):.1f} s |")
PY
