#!/usr/bin/env bash
# Records the curves scripts/bench/policies.sh replays: a real sweep (scripts/bench/record-curves.yaml: 16
# maskrcnn_resnet18_fpn trials, random over learning rate, optimizer and batch size, 6 epochs at 96 px, no early
# termination) on the first TRAIN_IMAGES training and VALIDATION_IMAGES validation images of datasets/synthetic-shapes
# (a subset keeps the recording near 20 minutes on 2 CPU cores), then writes the trials' parameters and per-epoch
# primary metric and epoch seconds to scripts/bench/data/curves-r18.json.
#   scripts/bench/record-curves.sh [RUN_DIR]        (default target/record-curves)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
run="${1:-target/record-curves}"
train_images="${TRAIN_IMAGES:-30}"
validation_images="${VALIDATION_IMAGES:-12}"
subset="$root/target/record-curves-data"
for part in train validation; do
    mkdir -p "$subset/$part"
    n="$train_images"; [[ "$part" == validation ]] && n="$validation_images"
    head -n "$n" "datasets/synthetic-shapes/$part/annotations.jsonl" >"$subset/$part/annotations.jsonl"
    cp "datasets/synthetic-shapes/$part/MLTable" "$subset/$part/MLTable"
    ln -sfn "$root/datasets/synthetic-shapes/$part/images" "$subset/$part/images"
done
config="$root/target/record-curves.yaml"
sed "s|SUBSET/|$subset/|" scripts/bench/record-curves.yaml >"$config"
start=$(date +%s)
nice -n 5 scripts/submit.sh "$config" --output "$run"
echo "recording wall time: $(( $(date +%s) - start )) s"
python3 scripts/bench/extract-curves.py "$run" "$(git rev-parse HEAD)" >scripts/bench/data/curves-r18.json
echo "wrote scripts/bench/data/curves-r18.json"
