#!/usr/bin/env bash
# Early-termination replay benchmark (issue 17): the per-epoch validation curves of real trials
# (scripts/bench/data/curves-r18.json, recorded by scripts/bench/record-curves.sh) replayed through the real sweep
# loop in simulated time, for every early_termination setting of scripts/bench/policies.yaml, over several orders of
# the trials. Prints one table: compute used (trial-epochs) against no early termination, the best value the sweep
# reports, how often it is the recorded set's best, and how often the truly best trial was stopped.
#   scripts/bench/policies.sh [--curves FILE] [--policies FILE] [--concurrency 4] [--orders 20]   (--orders 0: the recorded order only)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stamp="$root/driver/target/.automl-build-stamp"
# The benchmark is a test class (driver/src/test): -DskipTests still compiles it.
bench="$root/driver/target/test-classes/io/automlseg/driver/bench/PolicyBenchmark.class"
if [[ ! -f "$stamp" || ! -d "$root/driver/target/lib" || ! -f "$bench" \
      || -n "$(find "$root/driver/src/main" "$root/executor/src/main" -newer "$stamp" -print -quit)" \
      || -n "$(find "$root/driver/src/test/java/io/automlseg/driver/bench" -newer "$bench" -print -quit)" ]]; then
    echo "policies.sh: building (mvn package)..." >&2
    (cd "$root" && nice -n 15 mvn -q -o -B -DskipTests package >&2)
    touch "$stamp"
fi
cd "$root"
# The replayed trials' files are many and short-lived: keep them in memory where there is a tmpfs.
tmp="${TMPDIR:-/tmp}"
[[ -d /dev/shm && -w /dev/shm ]] && tmp=/dev/shm
exec nice -n 15 "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m -Djava.io.tmpdir="$tmp" \
    -cp "$root/driver/target/test-classes:$root/driver/target/classes:$root/executor/target/classes:$root/driver/target/lib/*" \
    io.automlseg.driver.bench.PolicyBenchmark "$@"
