#!/usr/bin/env bash
# Early-termination replay benchmark (issue 17): the per-epoch validation curves of real trials
# (scripts/bench/data/curves-r18.json, recorded by scripts/bench/record-curves.sh) replayed through the real sweep
# loop in simulated time, for every early_termination setting of scripts/bench/policies.yaml, over several orders of
# the trials. Prints one table: compute used (trial-epochs) against no early termination, the best value the sweep
# reports, how often it is the recorded set's best, and how often the truly best trial was stopped.
#   scripts/bench/policies.sh [--curves FILE] [--policies FILE] [--concurrency 4] [--orders 20]   (--orders 0: the recorded order only)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/bench/driver-bench.sh"
driver_bench_build PolicyBenchmark policies.sh
cd "$root"
# The replayed trials' files are many and short-lived: keep them in memory where there is a tmpfs.
tmp="${TMPDIR:-/tmp}"
[[ -d /dev/shm && -w /dev/shm ]] && tmp=/dev/shm
exec nice -n 15 "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m -Djava.io.tmpdir="$tmp" \
    -cp "$bench_classpath" \
    io.automlseg.driver.bench.PolicyBenchmark "$@"
