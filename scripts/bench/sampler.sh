#!/usr/bin/env bash
# Sampler benchmark (issue 5): bayesian (TPE) against random sampling at equal budget on a cheap synthetic
# objective shaped like mAP against model_name, learning_rate, momentum and min_size, with trials simulated in
# flight concurrently (no Spark, no training). Prints mean, std and median of the best value found over seeds, then
# the fraction of random's budget bayesian needs to reach random's final best, flat and conditional space, cold and
# warm-started (issue 17).
#   scripts/bench/sampler.sh [--trials 30] [--concurrency 4] [--seeds 200]   (about 15 min; --seeds 50 for a quick, noisier look)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/bench/driver-bench.sh"
driver_bench_build SamplerBenchmark sampler.sh
exec nice -n 15 "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m \
    -cp "$bench_classpath" \
    io.automlseg.driver.bench.SamplerBenchmark "$@"
