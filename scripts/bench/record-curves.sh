#!/usr/bin/env bash
# Records the curves scripts/bench/policies.sh replays: a real sweep (scripts/bench/record-curves.yaml: 24
# maskrcnn_resnet18_fpn trials, random over learning rate, optimizer and batch size, 6 epochs at 64 px, no early
# termination, 100-minute timeout) on the first TRAIN_IMAGES training and VALIDATION_IMAGES validation images of
# datasets/synthetic-shapes (a subset keeps the recording near an hour on 2 CPU cores), then writes the
# parameters, per-epoch primary metric and epoch seconds of the trials that ran all their epochs to
# scripts/bench/data/curves-r18.json. A bigger recording: raise the limits in the YAML and the image counts here.
#   scripts/bench/record-curves.sh [RUN_DIR]        (default target/record-curves)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
run="${1:-target/record-curves}"
source scripts/bench/curves-subset.sh
start=$(date +%s)
# Exit code 4 (the sweep's timeout) is expected: the trials it cancelled are left out of the curves.
rc=0
scripts/submit.sh "$config" --output "$run" || rc=$?
[[ $rc -eq 0 || $rc -eq 4 ]] || exit $rc
echo "recording wall time: $(( $(date +%s) - start )) s"
python3 scripts/bench/extract-curves.py "$run" "$(git rev-parse HEAD)" >scripts/bench/data/curves-r18.json
echo "wrote scripts/bench/data/curves-r18.json"
