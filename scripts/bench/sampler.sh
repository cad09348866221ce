#!/usr/bin/env bash
# Sampler benchmark (issue 5): bayesian (TPE) against random sampling at equal budget on a cheap synthetic
# objective shaped like mAP against model_name, learning_rate, momentum and min_size, with trials simulated in
# flight concurrently (no Spark, no training). Prints mean, std and median of the best value found over seeds, then
# the fraction of random's budget bayesian needs to reach random's final best, flat and conditional space, cold and
# warm-started (issue 17).
#   scripts/bench/sampler.sh [--trials 30] [--concurrency 4] [--seeds 200]   (about 15 min; --seeds 50 for a quick, noisier look)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stamp="$root/driver/target/.automl-build-stamp"
# The benchmark is a test class (driver/src/test): -DskipTests still compiles it.
bench="$root/driver/target/test-classes/io/automlseg/driver/bench/SamplerBenchmark.class"
if [[ ! -f "$stamp" || ! -d "$root/driver/target/lib" || ! -f "$bench" \
      || -n "$(find "$root/driver/src/main" "$root/executor/src/main" -newer "$stamp" -print -quit)" \
      || -n "$(find "$root/driver/src/test/java/io/automlseg/driver/bench" -newer "$bench" -print -quit)" ]]; then
    echo "sampler.sh: building (mvn package)..." >&2
    (cd "$root" && nice -n 15 mvn -q -o -B -DskipTests package >&2)
    touch "$stamp"
fi
exec nice -n 15 "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m \
    -cp "$root/driver/target/test-classes:$root/driver/target/classes:$root/executor/target/classes:$root/driver/target/lib/*" \
    io.automlseg.driver.bench.SamplerBenchmark "$@"
