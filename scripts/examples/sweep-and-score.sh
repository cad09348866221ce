#!/usr/bin/env bash
# The Spark ML example, run on the shipped sample: reads the labelled images into a DataFrame, fits the sweep
# (InstanceSegmentationSweep) in a pipeline on local[2], scores the validation images, saves the pipeline, loads it
# and scores again. Source: driver/src/test/java/io/automlseg/driver/ml/SweepAndScoreExample.java (a test runs it too).
#   scripts/examples/sweep-and-score.sh [OUT_DIR] [EPOCHS]      (default: runs/example, 1 epoch; a few minutes)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/runs/example}"
EPOCHS="${2:-1}"
mkdir -p "$ROOT/target"
CP_FILE="$ROOT/target/example-classpath.txt"
echo "example: compiling (offline Maven)..." >&2
(cd "$ROOT" && mvn -o -q -B -pl driver -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >&2)
OPENS=()
while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] || OPENS+=("$line")
done < "$ROOT/conf/java17-opens.txt"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/target/djl-cache}"
rm -rf "$OUT/run" "$OUT/pipeline"
exec java -Xmx2g "${OPENS[@]}" -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$ROOT/driver/target/test-classes:$ROOT/driver/target/classes:$ROOT/executor/target/classes:$(cat "$CP_FILE")" \
    io.automlseg.driver.ml.SweepAndScoreExample "$ROOT/datasets/synthetic-shapes/train" \
    "$ROOT/datasets/synthetic-shapes/validation" "$OUT/run" "$OUT/pipeline" "$EPOCHS"
