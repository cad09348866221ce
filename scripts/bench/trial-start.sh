#!/usr/bin/env bash
# Trial-start benchmark: how long one trial takes from its JVM's launch to its first training step (the JVM itself,
# reading the spec, loading libtorch, the manifests, creating the model, its initial weights), which every trial of a
# sweep pays before it learns anything. Launches io.automlseg.executor.train.TrialMain in a fresh JVM, as an executor
# does (the same --add-opens flags, thread settings and -Xmx), on an r18 trial from scratch with two 128 px images
# of datasets/synthetic-shapes, several times, and prints the "started in" line each trial writes to its log.
#   scripts/bench/trial-start.sh [--runs 3] [--threads 1] [-- extra JVM options of the trial, e.g. -XX:TieredStopAtLevel=1]
# Environment: BENCH_OUT keeps the trial folders and logs there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BENCH_OUT:-$root/target/bench-trial-start}"
runs=3
threads=1
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
rm -rf "$out"
mkdir -p "$out"

(cd "$root" && mvn -o -q -B -pl executor -DskipTests test-compile \
    dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >&2)
cp="$root/executor/target/test-classes:$root/executor/target/classes:$(cat "$out/classpath.txt")"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/target/djl-cache}" DJL_OFFLINE=true
java -cp "$cp" io.automlseg.executor.bench.TrialStartSetup "$root/datasets/synthetic-shapes" "$out" "$threads" "$runs"

# The child JVM's command line as TrialTask builds it (conf/java17-opens.txt is the one list of its flags).
opens=()
while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] || opens+=("$line")
done < "$root/conf/java17-opens.txt"
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" CUDA_VISIBLE_DEVICES=""
for ((run = 1; run <= runs; run++)); do
    launched=$(date +%s%3N)
    java -Xmx2g "${opens[@]}" -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
        ${extra[@]+"${extra[@]}"} -cp "$cp" io.automlseg.executor.train.TrialMain "$out/run$run/spec.json" \
        > "$out/run$run.log" 2>&1
    ended=$(date +%s%3N)
    line=$(grep -m1 -o 'started in .*' "$out/run$run.log" || echo "no start line: see $out/run$run.log")
    printf 'run %d: %s (whole trial %.1f s)\n' "$run" "$line" "$(echo "($ended - $launched) / 1000" | bc -l)"
done
