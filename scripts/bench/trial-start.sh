#!/usr/bin/env bash
# Trial-start benchmark: how long one trial takes from its JVM's launch to its first training step (the JVM itself,
# reading the spec, loading libtorch, the manifests, creating the model, its initial weights), which every trial of a
# sweep pays before it learns anything. Launches io.automlseg.executor.train.TrialMain in a fresh JVM, as an executor
# does (the same --add-opens flags, thread settings and -Xmx), on an r18 trial from scratch with two 128 px images
# of datasets/synthetic-shapes, several times, and prints the "started in" line each trial writes to its log.
#   scripts/bench/trial-start.sh [--runs 3] [--threads 1] [--compare "JVM options" | --class-archive]
#                                [-- extra JVM options]
# --compare "-XX:TieredStopAtLevel=1" alternates runs without and with those options of the trial's JVM, so that a
# shared machine's changing load hits both alike. --class-archive first records a class-data sharing archive with one
# trial (as the first trial of a sweep does, see driver TrialClassArchive) and then compares without and with it.
# Environment: BENCH_OUT keeps the trial folders and logs there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BENCH_OUT:-$root/target/bench-trial-start}"
runs=3
threads=1
extra=()
compare=""
archive=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --compare) compare="$2"; shift 2 ;;
        --class-archive) archive=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
rm -rf "$out"
mkdir -p "$out"

(cd "$root" && mvn -o -q -B -pl executor -DskipTests test-compile \
    dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >&2)
# The executor's classes as jars, as a deployment has them (class-data sharing archives classes from jars only).
jar cf "$out/executor.jar" -C "$root/executor/target/classes" .
jar cf "$out/executor-tests.jar" -C "$root/executor/target/test-classes" .
cp="$out/executor-tests.jar:$out/executor.jar:$(cat "$out/classpath.txt")"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/target/djl-cache}" DJL_OFFLINE=true
java -cp "$cp" io.automlseg.executor.bench.TrialStartSetup "$root/datasets/synthetic-shapes" "$out" "$threads" \
    "$((2 * runs + 1))"

# The child JVM's command line as TrialTask builds it (conf/java17-opens.txt is the one list of its flags).
opens=()
while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] || opens+=("$line")
done < "$root/conf/java17-opens.txt"
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" CUDA_VISIBLE_DEVICES=""
# One trial JVM; it is stopped once it has logged its start-up, at its first step (the training is not measured).
trial() {  # trial <run> [extra JVM options...]
    local run="$1" log="$out/run$1.log" pid
    shift
    java -Xmx2g "${opens[@]}" -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
        "$@" -cp "$cp" io.automlseg.executor.train.TrialMain "$out/run$run/spec.json" > "$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2> /dev/null && ! grep -q 'started in' "$log"; do sleep 0.1; done
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    grep -m1 -o 'started in .*' "$log" || echo "no start line: see $log"
}
if [[ -n "$archive" ]]; then
    # The options TrialClassArchive gives a trial: record once (untimed), then use.
    echo "recording the class archive: $(trial "$((2 * runs + 1))" -XX:ArchiveClassesAtExit="$out/trial.jsa" '-Xlog:cds*=off')"
    sleep 1
    compare="-XX:SharedArchiveFile=$out/trial.jsa -Xlog:cds*=off"
fi
for ((run = 1; run <= runs; run++)); do
    if [[ -n "$compare" ]]; then
        # Side by side: each run launches the trial without, then with the options, under the same load.
        echo "run $run without: $(trial "$run")"
        echo "run $run with $compare: $(trial "$((runs + run))" $compare)"
    else
        echo "run $run: $(trial "$run" ${extra[@]+"${extra[@]}"})"
    fi
done
