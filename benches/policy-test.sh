#!/usr/bin/env bash
# The cost of policy as team code, measured on the installed binary with hyperfine and callgrind:
#   - `guard policy test` of 1,000 cases (the target: under 1 s), against a team policy with
#     rules, plan rules and freezes;
#   - one case that applies a saved plan of 5,000 changes under 20 plan rules (what a plan rule
#     costs per change), next to the same plan with no plan rules.
# No network: policy tests never make a request.
#
# Usage: benches/policy-test.sh [hyperfine options]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "benches/policy-test.sh needs hyperfine" >&2; exit 69; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo install --locked --quiet --path . --root "$work/install"
guard="$work/install/bin/guard"

python3 - "$work" <<'PY'
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
policy = open("policies/examples/team.toml").read()
policy += "".join(
    f'\n[[plan_rules]]\naddress = "module.m{i}.aws_s3_bucket.*"\nactions = ["delete"]\naction = "confirm"\n'
    for i in range(17)
)
(work / "team.toml").write_text(policy)
commands = [
    '["aws", "s3", "ls"]', '["terraform", "destroy"]', '"kubectl get pods -A"',
    '"aws ec2 terminate-instances --instance-ids i-1"', '["helm", "upgrade", "app", "chart"]',
]
accounts = ["prod", "prod-eu", "sandbox", "111111111111"]
cases = []
for i in range(1000):
    cases.append(
        f'[[case]]\ncommand = {commands[i % len(commands)]}\naccount = "{accounts[i % len(accounts)]}"\n'
        f'reason = "CHG-{i}"\nat = "2026-12-07T10:00:00Z"\ndecision = "allow"\n'
    )
(work / "cases.toml").write_text("\n".join(cases))
changes = [
    {"address": f"module.m{i % 40}.aws_s3_bucket.b{i}", "type": "aws_s3_bucket",
     "change": {"actions": ["update"], "before": {"versioning": True}, "after": {"versioning": False}}}
    for i in range(5000)
]
(work / "plan.json").write_text(json.dumps({"format_version": "1.2", "applyable": True, "resource_changes": changes}))
case = '[[case]]\ncommand = ["terraform", "apply", "tfplan"]\naccount = "prod"\nreason = "CHG-1"\nat = "2026-12-07T10:00:00Z"\nplan = "plan.json"\ndecision = "confirm"\n'
(work / "plan-case.toml").write_text(case)
(work / "bare.toml").write_text('[[accounts]]\nid = "111111111111"\nname = "prod"\nprotected = true\n')
PY
chmod 600 "$work"/*.toml
export XDG_CONFIG_HOME="$work/no-config" XDG_STATE_HOME="$work/state"

# The 1,000 cases fail (they all expect allow): the report of every failure is part of the cost.
hyperfine -N --warmup 2 -i "$@" \
  -n "policy test, 1,000 cases" "$guard policy test --policy $work/team.toml $work/cases.toml" \
  -n "saved plan of 5,000 changes, 20 plan rules" "$guard policy test --policy $work/team.toml $work/plan-case.toml" \
  -n "saved plan of 5,000 changes, no plan rules" "$guard policy test --policy $work/bare.toml $work/plan-case.toml"
if command -v valgrind >/dev/null; then
  for name in cases plan-case; do
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" "$guard" policy test --policy "$work/team.toml" "$work/$name.toml" >/dev/null 2>&1 || true
    echo "instructions, $name: $(callgrind_annotate "$work/cg.$name" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}')"
  done
fi
