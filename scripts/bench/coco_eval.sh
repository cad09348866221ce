#!/usr/bin/env bash
# COCO evaluation speed benchmark: generates a COCO-val-sized problem in COCO format (5,000 images, about 36,000
# objects with polygon masks, 500,000 detections with RLE masks; deterministic), times `automl evaluate` for segm and
# bbox with peak memory, and, when pycocotools can be imported, times it (loadRes + evaluate + accumulate +
# summarize) on the same files and prints the ratios.
#   scripts/bench/coco_eval.sh [DATA_DIR]
# Environment: PYTHON (interpreter with pycocotools; default python3), IMAGES (default 5000), NICE (niceness for
# all timed runs, default 0; the numbers are only comparable at equal niceness), AUTOML_DRIVER_MEMORY (heap; the
# tool's default 2g is plenty: about 1 GiB is live at the peak).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/runs/bench-coco-eval}"
python="${PYTHON:-python3}"
images="${IMAGES:-5000}"
nice_level="${NICE:-0}"

# Build (scripts/automl builds when needed) and compile the generator, which lives in the executor's test sources.
"$root/scripts/automl" --version >/dev/null
(cd "$root" && mvn -o -q -B -pl executor test-compile >&2)
cp="$root/executor/target/test-classes:$root/executor/target/classes:$root/driver/target/lib/*"

if [[ ! -f "$data/gt.json" || ! -f "$data/results.json" ]]; then
    mkdir -p "$data"
    java -cp "$cp" io.automlseg.executor.eval.CocoBenchmarkData "$data" "$images"
fi
ls -l "$data"
echo "cores: $(nproc)"

timed() {  # timed LABEL COMMAND... : wall seconds and peak resident memory
    local label="$1"; shift
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f "$label: %e s wall, %U s user, %S s system, peak RSS %M KiB" -o "$data/time-$label.txt" \
            nice -n "$nice_level" "$@"
        cat "$data/time-$label.txt"
    else
        local start=$(date +%s.%N)
        nice -n "$nice_level" "$@"
        echo "$label: $(echo "$(date +%s.%N) - $start" | bc) s wall (no /usr/bin/time: peak memory not measured)"
    fi
}
seconds() { grep -o '[0-9.]* s wall' "$data/time-$1.txt" | cut -d' ' -f1; }

for type in segm bbox; do
    timed "automl-$type" "$root/scripts/automl" evaluate --gt "$data/gt.json" --dt "$data/results.json" \
        --iou-type "$type" --output-json "$data/automl-$type.json" | grep -v "^category\|^[0-9]" || true
done

if "$python" -c "import pycocotools" 2>/dev/null; then
    for type in segm bbox; do
        timed "pycocotools-$type" "$python" - "$data" "$type" <<'PY'
import json, sys
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
data, iou_type = sys.argv[1], sys.argv[2]
gt = COCO(f"{data}/gt.json")
dt = gt.loadRes(f"{data}/results.json")
e = COCOeval(gt, dt, iou_type)
e.evaluate(); e.accumulate(); e.summarize()
json.dump([float(s) for s in e.stats], open(f"{data}/pycocotools-{iou_type}.json", "w"))
PY
    done
    for type in segm bbox; do
        "$python" - "$data" "$type" "$(seconds "automl-$type")" "$(seconds "pycocotools-$type")" <<'PY'
import json, sys
data, t, ours, theirs = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
a = json.load(open(f"{data}/automl-{t}.json"))["stats"]
p = json.load(open(f"{data}/pycocotools-{t}.json"))
diff = max(abs(x - y) for x, y in zip(a, p))
print(f"{t}: automl {ours:.1f} s, pycocotools {theirs:.1f} s, pycocotools/automl = {theirs / ours:.2f}x; "
      f"largest statistic difference {diff:.2e}")
PY
    done
else
    echo "pycocotools is not importable with $python: set PYTHON to an interpreter that has it for the comparison"
fi
