#!/usr/bin/env bash
# Scheduler overhead benchmark: 200 sleeping trials (scripted metric reports, bandit early termination) at
# concurrency 8 in local[8], through the real Spark task path: once with the trial body inside the Spark task (Spark
# and driver overhead alone), once with a child JVM per trial (the production path), plus one child JVM's own cost.
# Prints slot utilisation, freed-slot-to-next-trial time, driver CPU per trial and decision latency (BENCH lines).
#   scripts/bench/scheduler.sh [-Dbench.trials=200] [-Dbench.concurrency=8] [-Dbench.epochs=4]
#                              [-Dbench.epochSeconds=2] [-Dbench.modes=in-task,child]
# Nice'd: the machine is shared.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
nice -n 15 mvn -o -B -q -pl driver -am test -Dtest=SchedulerBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    "$@" 2>&1 | grep -E '^BENCH|^===|Tests run|FAIL|ERROR' || true
