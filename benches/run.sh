#!/usr/bin/env bash
# guard's performance table, from a clean checkout: times the warm and cold run paths with
# hyperfine against moto and the Identity Center emulator on loopback, next to plain `true` and
# the AWS CLI v1, counts the requests of cold runs (portal calls at the emulator, STS and IAM
# calls at a counting proxy in front of moto), checks that 20 concurrent cold runs fetch once,
# and measures peak RSS and the binary's size. Next to the warm run: the floor of any exec wrapper
# (a few lines of Rust that set one variable and exec, built here so that the ratio is
# reproducible), guard's error paths, the instructions of a warm `guard env` (callgrind: the same
# whatever the machine's load), `guard eks-token` against `aws eks get-token`, and the guarded
# shell: its start-up, tools through its shims against the tools alone, and `credential-process
# --caller` asked by an `aws` command line. Prints the README's table in Markdown.
#
# Usage: benches/run.sh [hyperfine options]
#   (needs hyperfine, valgrind, moto_server, aws, python3, curl, rustc)
#   GUARD_BIN=path: measure that release binary (copied, as `cargo install` copies) instead of
#   installing this checkout, e.g. to compare two builds side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine valgrind moto_server aws python3 curl rustc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/run.sh needs $tool (see docs/performance.md)" >&2; exit 69; }
done

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
# What a user runs: the binary `cargo install` copies out of target/. The same bytes straight from
# the linker start slower (0.2 ms on this machine): the linker writes its output through a memory
# map, which leaves the file's page cache in 4 KiB pages that each start has to map one by one,
# where a copied file's cache is in large folios.
if [ -n "${GUARD_BIN:-}" ]; then
  mkdir -p "$work/install/bin"
  cp "$GUARD_BIN" "$work/install/bin/guard"
else
  cargo install --locked --quiet --path . --root "$work/install"
fi
guard="$work/install/bin/guard"

# The floor: what any wrapper that sets a variable and execs a command costs.
cat >"$work/floor.rs" <<'RUST'
use std::os::unix::process::CommandExt;
fn main() {
    let err = std::process::Command::new("/bin/true").env("FLOOR", "1").exec();
    eprintln!("floor: {err}");
    std::process::exit(127);
}
RUST
rustc -C opt-level=3 -C panic=abort -C strip=symbols -o "$work/floor.linked" "$work/floor.rs"
# Copied as guard is, for the same reason.
cp "$work/floor.linked" "$work/floor"
floor="$work/floor"

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
admin accounts '{"accounts":[{"accountId":"111111111111","accountName":"sandbox","roles":["Admin"]},{"accountId":"222222222222","accountName":"prod","roles":["Admin"]}]}'
admin tokens '{"accessToken":"bench-token","expiresIn":28800}'
reset_counts() { admin counters/reset '{}'; curl -sf -X POST "$proxy/_counter/reset" >/dev/null; }
# Every request since the last reset, as "Operation n, ..." (zero counts left out).
counts() {
  python3 - "$(curl -sf "$emulator/_admin/counters")" "$(curl -sf "$proxy/_counter/counts")" <<'PY'
import json, sys
merged = {k: v for part in sys.argv[1:] for k, v in json.loads(part).items() if v}
print(", ".join(f"{k} {v}" for k, v in sorted(merged.items())) or "none")
PY
}
count_of() { python3 -c 'import json,sys; print(sum(json.loads(a).get(sys.argv[1],0) for a in sys.argv[2:]))' \
  "$1" "$(curl -sf "$emulator/_admin/counters")" "$(curl -sf "$proxy/_counter/counts")"; }

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

[profile prod]
sso_session = myorg
sso_account_id = 222222222222
sso_role_name = Admin
region = eu-west-1

[profile base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = moto-accepts-any-secret

[profile middle]
role_arn = arn:aws:iam::111111111111:role/Middle
source_profile = base

[profile chain]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = middle
region = eu-west-1

[profile via-guard]
credential_process = $guard credential-process -p sandbox
region = eu-west-1
CONFIG
expires=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)
token="$HOME/.aws/sso/cache/$(printf myorg | sha1sum | cut -d' ' -f1).json"
printf '{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1","accessToken":"bench-token","expiresAt":"%s"}' "$expires" >"$token"
chmod 600 "$token"
export AWS_ENDPOINT_URL_STS="$proxy" AWS_ENDPOINT_URL_IAM="$proxy" AWS_ENDPOINT_URL_SSO="$emulator" AWS_ENDPOINT_URL_SSO_OIDC="$emulator"

# --- request counts ----------------------------------------------------------------------------
"$guard" cache clear >/dev/null
reset_counts; "$guard" -q -p sandbox -- true
first_sso=$(counts)
"$guard" cache clear -p sandbox >/dev/null
reset_counts; "$guard" -q -p sandbox -- true
cold_sso=$(counts)
reset_counts; "$guard" -q -p sandbox -- true
warm_sso=$(counts)
"$guard" -q -p chain -- true
"$guard" cache clear -p base >/dev/null
reset_counts; "$guard" -q -p chain -- true
cold_chain=$(counts)

"$guard" cache clear -p sandbox >/dev/null
reset_counts
pids=()
for _ in $(seq 20); do "$guard" -q -p sandbox -- true & pids+=($!); done
concurrent_failed=0
for pid in "${pids[@]}"; do wait "$pid" || concurrent_failed=$((concurrent_failed + 1)); done
concurrent_fetches=$(count_of GetRoleCredentials)
concurrent_checks=$(count_of GetCallerIdentity)

# --- timings -----------------------------------------------------------------------------------
"$guard" -q -p sandbox -- true
"$guard" eks-token --cluster demo -p sandbox >/dev/null
aws --profile sandbox sts get-caller-identity >/dev/null
aws --profile via-guard sts get-caller-identity >/dev/null
aws eks get-token --cluster-name demo --profile sandbox >/dev/null
# Many runs of the fast commands, side by side: on a busy machine their medians need them. The
# error paths fail on purpose, hence -i.
hyperfine --warmup 20 --runs 300 -N -i --export-json "$work/times.json" "$@" \
  --command-name 'true' '/bin/true' \
  --command-name 'floor' "$floor" \
  --command-name 'guard warm' "$guard -q -p sandbox -- /bin/true" \
  --command-name 'guard unknown profile' "$guard -q -p no-such-profile -- /bin/true" \
  --command-name 'guard command not found' "$guard -q -p sandbox -- no-such-command" \
  --command-name 'guard credential-process' "$guard credential-process -p sandbox" \
  --command-name 'guard eks-token' "$guard eks-token --cluster demo -p sandbox"
hyperfine --warmup 2 --runs 20 -N --export-json "$work/aws.json" "$@" \
  --command-name 'aws (CLI v1) via guard credential-process' "aws --profile via-guard sts get-caller-identity" \
  --command-name 'aws (CLI v1) own SSO provider' "aws --profile sandbox sts get-caller-identity" \
  --command-name 'aws eks get-token' "aws eks get-token --cluster-name demo --profile sandbox"
# The guarded shell, in prod, protected by a policy given with --policy (the other figures run
# without one). Inside it, hyperfine runs the tools through their shims; the tools alone run
# with sandbox's keys in the environment, as `guard env` gives them.
policy="$work/policy.toml"
printf '[[accounts]]\nid = "222222222222"\nname = "prod"\nprotected = true\n' >"$policy"
chmod 600 "$policy"
export CHECKPOINT_DISABLE=1 # terraform's version check would go to the network
"$guard" -q -p prod --policy "$policy" -- true
# A terraform that is /bin/true, behind the shims: what a shim itself costs (a warm decision and
# an exec), against /bin/true alone.
mkdir "$work/fake"
cp /bin/true "$work/fake/terraform"
cat >"$work/inside" <<INSIDE
#!/usr/bin/env bash
exec hyperfine --warmup 3 --runs 20 -N --export-json "$work/shim.json" \\
  --command-name 'aws through its shim' 'aws sts get-caller-identity' \\
  --command-name 'terraform version through its shim' 'terraform version'
INSIDE
cat >"$work/inside-true" <<INSIDE
#!/usr/bin/env bash
PATH="\${PATH%%:*}:$work/fake:\${PATH#*:}"
exec hyperfine --warmup 20 --runs 300 -N --export-json "$work/shim-true.json" \\
  --command-name 'a shim in front of /bin/true' 'terraform version' \\
  --command-name 'true in the shell' '/bin/true'
INSIDE
chmod 755 "$work/inside-true"
chmod 755 "$work/inside"
SHELL="$work/inside" "$guard" -q -p prod --policy "$policy"
SHELL="$work/inside-true" "$guard" -q -p prod --policy "$policy"
(
  eval "$("$guard" env -q -p sandbox)"
  hyperfine --warmup 3 --runs 20 -N --export-json "$work/direct.json" "$@" \
    --command-name 'aws alone' 'aws sts get-caller-identity' \
    --command-name 'terraform version alone' 'terraform version'
)
# An `aws` command line asking credential-process --caller: a Perl script named aws (guard reads
# it as `aws sts get-caller-identity`, as it reads the AWS CLI's Python), next to the same script
# starting /bin/true; the difference is guard's.
mkdir "$work/caller"
printf '#!/usr/bin/perl\nexit(system(split(/ /, $ENV{BENCH_CALLED})) >> 8);\n' >"$work/caller/aws"
chmod 755 "$work/caller/aws"
caller_cmd="$guard credential-process --caller -p prod --policy $policy"
BENCH_CALLED="$caller_cmd" "$work/caller/aws" sts get-caller-identity >/dev/null
# guard's own instructions as the caller's child: valgrind runs guard alone, so that the caller
# guard reads is the Perl script itself.
BENCH_CALLED="valgrind --tool=callgrind --callgrind-out-file=$work/caller.out $caller_cmd" \
  "$work/caller/aws" sts get-caller-identity >/dev/null 2>&1
ir_caller=$(sed -n 's/^summary: //p' "$work/caller.out")
hyperfine --warmup 20 --runs 200 -N --export-json "$work/shell.json" "$@" \
  --command-name 'aws asking credential-process --caller' "env BENCH_CALLED='$caller_cmd' $work/caller/aws sts get-caller-identity" \
  --command-name 'aws asking /bin/true' "env BENCH_CALLED=/bin/true $work/caller/aws sts get-caller-identity" \
  --command-name 'guarded shell start-up' "env SHELL=/bin/true $guard -q -p prod --policy $policy" \
  --command-name 'shell start-up, not protected' "env SHELL=/bin/true $guard -q -p sandbox"
# The error path fails on purpose; only the count matters.
instructions() { { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } | sed -n 's/.*Collected : //p'; }
ir_env=$(instructions "$guard" env -q -p sandbox)
ir_unknown=$(instructions "$guard" env -q -p no-such-profile)
ir_eks=$(instructions "$guard" eks-token --cluster demo -p sandbox)
hyperfine --warmup 2 --runs 20 -N --export-json "$work/cold.json" "$@" \
  --prepare "$guard cache clear -p sandbox" \
  --command-name 'guard cold (SSO)' "$guard -q -p sandbox -- true"

rss_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
"$guard" -q -p sandbox -- true
rss_warm=$(rss_kib "$guard" -q -p sandbox -- true)
"$guard" cache clear -p sandbox >/dev/null
rss_cold=$(rss_kib "$guard" -q -p sandbox -- true)
rss_aws=$(rss_kib aws --profile sandbox sts get-caller-identity)

python3 - "$work/times.json" "$work/aws.json" "$work/cold.json" "$work/shim.json" "$work/direct.json" "$work/shell.json" "$work/shim-true.json" <<PY
import json, sys
times = {r["command"]: r for path in sys.argv[1:] for r in json.load(open(path))["results"]}
ms = lambda name: times[name]["median"] * 1000
low = lambda name: times[name]["min"] * 1000
row = lambda what, figure: print(f"| {what} | {figure} |")
print()
print("| what | figure |")
print("|---|---|")
ratio = lambda name: ms(name) / ms('floor')
row("\`/bin/true\`", f"{ms('true'):.2f} ms median ({low('true'):.2f} min)")
row("the floor: a Rust wrapper that sets one variable and execs \`/bin/true\`", f"{ms('floor'):.2f} ms median ({low('floor'):.2f} min)")
row("\`guard -q -p sandbox -- /bin/true\`, warm (no request)", f"{ms('guard warm'):.2f} ms median ({low('guard warm'):.2f} min)")
row("**warm run / floor**", f"**{ratio('guard warm'):.2f}×** (+{ms('guard warm') - ms('floor'):.2f} ms)")
row("instructions, \`guard env -q -p sandbox\` warm (callgrind)", f"{int('$ir_env'):,}")
row("error path: unknown profile / floor", f"{ratio('guard unknown profile'):.2f}× ({int('$ir_unknown'):,} instructions)")
row("error path: command not found / floor", f"{ratio('guard command not found'):.2f}×")
row("\`guard -p sandbox -- true\`, cold SSO", f"{ms('guard cold (SSO)'):.1f} ms median")
row("requests, warm run", "$warm_sso")
row("requests, cold SSO run (account name known)", "$cold_sso")
row("requests, very first SSO run (also names the account)", "$first_sso")
row("requests, cold chain of two roles (static keys, 2 AssumeRole)", "$cold_chain")
row("20 concurrent cold runs of one profile", "$concurrent_fetches GetRoleCredentials, $concurrent_checks GetCallerIdentity ($concurrent_failed runs failed)")
row("\`guard credential-process -p sandbox\`, warm", f"{ms('guard credential-process'):.2f} ms median ({low('guard credential-process'):.2f} min)")
row("\`aws sts get-caller-identity\` (AWS CLI v1) through \`guard credential-process\`", f"{ms('aws (CLI v1) via guard credential-process'):.0f} ms median")
row("\`aws sts get-caller-identity\` (AWS CLI v1) with its own SSO provider", f"{ms('aws (CLI v1) own SSO provider'):.0f} ms median")
row("\`guard eks-token --cluster demo -p sandbox\`, warm", f"{ms('guard eks-token'):.2f} ms median ({int('$ir_eks'):,} instructions)")
row("\`aws eks get-token --cluster-name demo --profile sandbox\`", f"{ms('aws eks get-token'):.0f} ms median")
row("**eks-token: guard / aws**", f"**{ms('aws eks get-token') / ms('guard eks-token'):.0f}× faster**")
pair = lambda a, b, f: f"{ms(a):{f}} ms / {ms(b):{f}} ms median ({low(a):{f}} / {low(b):{f}} min)"
row("guarded shell: \`aws sts get-caller-identity\` through its shim / alone (AWS CLI v1)", pair('aws through its shim', 'aws alone', '.0f'))
row("guarded shell: \`terraform version\` through its shim / alone", pair('terraform version through its shim', 'terraform version alone', '.1f'))
row("guarded shell: a shim in front of /bin/true (a warm read decided, then exec) / /bin/true", pair('a shim in front of /bin/true', 'true in the shell', '.2f'))
row("\`credential-process --caller\` under \`aws sts get-caller-identity\` (a Perl script), warm read / the script starting /bin/true", pair('aws asking credential-process --caller', 'aws asking /bin/true', '.2f') + f"; guard's own: {int('$ir_caller'):,} instructions")
row("guarded shell start-up and exit (\`SHELL=/bin/true\`) / a shell in an account not protected", pair('guarded shell start-up', 'shell start-up, not protected', '.2f'))
row("peak RSS, guard warm / cold / AWS CLI v1", f"{int('$rss_warm')/1024:.1f} MiB / {int('$rss_cold')/1024:.1f} MiB / {int('$rss_aws')/1024:.1f} MiB")
row("release binary", f"{$(stat -c %s "$guard")/1e6:.1f} MB")
PY
