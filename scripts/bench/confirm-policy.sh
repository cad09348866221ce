#!/usr/bin/env bash
# Confirms the policy replay (scripts/bench/policies.sh) with a real sweep. The recording's sweep
# (scripts/bench/record-curves.yaml on the same images and with the same default seed, so its trials get the recorded
# trials' parameters in the recorded order) is cut to its first TRIALS trials and run with one early_termination
# block. Then the recorded curves of those trials are replayed in the recorded order at the same concurrency, with no
# early termination and with that block, and the real sweep's trial-epochs and best value are printed beside them.
#   scripts/bench/confirm-policy.sh 'EARLY_TERMINATION_BLOCK' [TRIALS] [RUN_DIR]     (TRIALS default 8)
#   e.g. scripts/bench/confirm-policy.sh '{type: bandit, slack_factor: 0.2, delay_evaluation: 2}' 8
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n 2,8p "$0" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
block="$1"
trials="${2:-8}"
run="${3:-target/confirm-policy}"
source scripts/bench/curves-subset.sh
sed -i "s/^  max_trials: .*/  max_trials: $trials/" "$config"
sed -i "s/^  sampling_algorithm: random$/  sampling_algorithm: random\n  early_termination: $block/" "$config"
grep -q "early_termination: $block" "$config" || { echo "confirm-policy: no sweep block in $config" >&2; exit 2; }
concurrency="$(sed -n 's/^  max_concurrent_trials: *//p' "$config")"
rm -rf "$run"
start=$(date +%s)
scripts/submit.sh "$config" --output "$run"
wall=$(( $(date +%s) - start ))

python3 - "$trials" >target/confirm-curves.json <<'PY'
import json, sys
n = int(sys.argv[1])
d = json.load(open("scripts/bench/data/curves-r18.json"))
d["trials"] = [t for t in d["trials"] if int(t["trial"]) <= n]
json.dump(d, sys.stdout, indent=1)
PY
printf 'policies:\n  - name: none\n  - name: confirmed\n    early_termination: %s\n' "$block" \
    >target/confirm-policies.yaml
echo
echo "Replay of the recorded curves of trials 1..$trials (completed ones), recorded order, concurrency $concurrency:"
scripts/bench/policies.sh --curves target/confirm-curves.json --policies target/confirm-policies.yaml \
    --concurrency "$concurrency" --orders 0
echo
python3 - "$run" "$wall" <<'PY'
import json, sys
trials = json.load(open(sys.argv[1] + "/trials.json"))["trials"]
epochs = sum(t.get("epochs_run", 0) for t in trials)
count = lambda s: sum(1 for t in trials if t["status"] == s)
best = max((t for t in trials if t.get("best_value") is not None), key=lambda t: t["best_value"])
print("Real sweep (%s s with the start): %d trials, %d trial-epochs, %d early-terminated, %d failed; best %.4f "
      "(trial %s)" % (sys.argv[2], len(trials), epochs, count("early_terminated"), count("failed"),
                       best["best_value"], best["trial_id"]))
for t in trials:
    values = " ".join("%.4f" % e["metrics"].get("mean_average_precision", float("nan")) for e in t.get("epochs", []))
    print("  trial %s %-16s epochs %d: %s" % (t["trial_id"], t["status"], t.get("epochs_run", 0), values))
PY
