#!/usr/bin/env bash
# Learning benchmark: one maskrcnn_resnet18_fpn trial from scratch on synthetic shapes (400 generated training images,
# the shipped validation set), with every core, within 30 minutes. Prints the wall time and the per-epoch validation mask mAP@0.5 (VOC) curve.
#   scripts/bench/learning.sh [OUTPUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/runs/bench-learning}"
rm -rf "$out"
data="$root/runs/bench-data/synthetic-shapes-400"
if [ ! -f "$data/MLTable" ]; then
  "$root/scripts/automl" generate-synthetic --output "$data" --count 400 --image-size 160 --seed 7 --format jpg
fi
start=$(date +%s)
"$root/scripts/submit.sh" "$here/learning-r18.yaml" --output "$out" || true
end=$(date +%s)
echo "wall time: $((end - start)) s"
echo "epoch  seconds  train_loss  mask_mAP@0.5  images/s  resident_MiB  data_wait_%"
for f in "$out"/trials/*/metrics/epoch-*.json; do
  python3 - "$f" <<'PY' 2>/dev/null || grep -o '"mean_average_precision":[^,}]*' "$f"
import json, sys
r = json.load(open(sys.argv[1]))
m = r.get("metrics", {}).get("mean_average_precision")
rss = r.get('resident_memory_mib')
wait = r.get('data_wait_seconds')
share = 100 * wait / r['seconds'] if wait is not None and r['seconds'] > 0 else float('nan')
print(f"{r['epoch']:5d}  {r['seconds']:7.1f}  {r['train_loss']:10.4f}  {m if m is not None else float('nan'):12.4f}  {r['images_per_second']:8.2f}  {rss if rss is not None else float('nan'):12.0f}  {share:11.2f}")
PY
done
