#!/usr/bin/env bash
# The warm run with a generated config of many profiles (large organizations have them): times
# `guard -p target -- true` with hyperfine for each size, against moto on loopback, and counts the
# instructions of a warm `guard env -q -p target` (callgrind: the same whatever the machine's
# load). Linear parsing shows as a time that doubles with the profiles; the quadratic parser it
# replaced quadrupled.
#
# Usage: benches/big-config.sh [GUARD_BINARY] [SIZES...]   (default: a release build; 10000 20000 40000)
#        (needs hyperfine, moto_server, python3, curl, valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine moto_server python3 curl valgrind; do
  command -v "$tool" >/dev/null || { echo "benches/big-config.sh needs $tool" >&2; exit 69; }
done
if [ $# -gt 0 ] && [ -x "$1" ]; then
  guard=$(realpath "$1"); shift
else
  cargo build --release --locked --quiet
  guard="$PWD/target/release/guard"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 20000 40000)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.1; done
export HOME="$work/home" NO_COLOR=1 AWS_ENDPOINT_URL="http://127.0.0.1:$port"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
mkdir -p "$HOME/.aws"

for n in "${sizes[@]}"; do
  python3 - "$n" >"$HOME/.aws/config" <<'PY'
import sys
print("[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = moto-accepts-any-secret\n")
print("[profile target]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = base\nregion = eu-west-1\n")
for i in range(int(sys.argv[1])):
    print(f"[profile p{i:06d}]\nrole_arn = arn:aws:iam::{100000000000 + i}:role/Admin\nsource_profile = base\nregion = eu-west-1\n")
PY
  "$guard" -q -p target -- true  # cold: fills the cache
  hyperfine -N --warmup 2 --runs 10 --export-json "$work/$n.json" "$guard -q -p target -- true" >/dev/null
  ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$guard" env -q -p target 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
  python3 - "$n" "$work/$n.json" "$ir" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
print(f"| {int(sys.argv[1]):,} profiles, warm | {r['median'] * 1000:.1f} ms median ({r['min'] * 1000:.1f} min) | {int(sys.argv[3]):,} instructions (`guard env`) |")
PY
done
