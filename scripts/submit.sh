#!/usr/bin/env bash
# Submits a sweep: scripts/submit.sh CONFIG [--output DIR] [--master URL] [--run-id ID] [--resume] [spark options...]
#
# With SPARK_HOME set, or a --master that is not local, the sweep goes through $SPARK_HOME/bin/spark-submit with
# conf/spark-defaults.conf and the project's jars (those Spark does not ship itself). Otherwise it runs on the
# embedded Spark (local[*], or the local master given) through scripts/automl; there, `--conf key=value` options
# become Java system properties, which Spark reads the same way, and other Spark options are ignored.
# The default output folder is runs/<config name>-<time stamp>.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() {
    echo "usage: $0 CONFIG [--output DIR] [--master URL] [--run-id ID] [--resume] [spark-submit options...]" >&2
    exit 2
}
[[ $# -ge 1 && "$1" != -* ]] || usage
CONFIG="$1"
shift
[[ -f "$CONFIG" || "$CONFIG" == *:* ]] || { echo "submit: config file not found: $CONFIG" >&2; exit 2; }

OUTPUT=""
MASTER=""
RUN_ID=""
RESUME=""
SPARK_ARGS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --output) [[ $# -ge 2 ]] || usage; OUTPUT="$2"; shift 2 ;;
        --master) [[ $# -ge 2 ]] || usage; MASTER="$2"; shift 2 ;;
        --run-id) [[ $# -ge 2 ]] || usage; RUN_ID="$2"; shift 2 ;;
        --resume) RESUME=1; shift ;;
        *) SPARK_ARGS+=("$1"); shift ;;
    esac
done
if [[ -z "$OUTPUT" ]]; then
    name="$(basename "$CONFIG")"
    OUTPUT="$ROOT/runs/${name%.*}-$(date -u +%Y%m%d-%H%M%S)"
fi
SWEEP_ARGS=(sweep --config "$CONFIG" --output "$OUTPUT")
[[ -n "$RUN_ID" ]] && SWEEP_ARGS+=(--run-id "$RUN_ID")
[[ -n "$RESUME" ]] && SWEEP_ARGS+=(--resume)

if [[ -n "${SPARK_HOME:-}" || ( -n "$MASTER" && "$MASTER" != local* ) ]]; then
    [[ -n "${SPARK_HOME:-}" ]] || { echo "submit: set SPARK_HOME to submit to $MASTER" >&2; exit 2; }
    # Build (and make sure the jars exist) through the launcher's check, without running anything.
    "$ROOT/scripts/automl" --version >/dev/null
    JARS=()
    for jar in "$ROOT"/driver/target/lib/*.jar; do
        # Spark's own jars come from SPARK_HOME; shipping a second copy would clash.
        [[ -e "$SPARK_HOME/jars/$(basename "$jar")" ]] || JARS+=("$jar")
    done
    APP_JAR="$(ls "$ROOT"/driver/target/automl-seg-driver-*.jar | grep -v -- '-tests.jar' | head -n 1)"
    SUBMIT=("$SPARK_HOME/bin/spark-submit" --class io.automlseg.driver.cli.AutomlCli
        --jars "$(IFS=,; echo "${JARS[*]}")")
    [[ -f "$ROOT/conf/spark-defaults.conf" ]] && SUBMIT+=(--properties-file "$ROOT/conf/spark-defaults.conf")
    [[ -f "$ROOT/conf/log4j2.properties" ]] \
        && SUBMIT+=(--driver-java-options "-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties")
    [[ -n "$MASTER" ]] && SUBMIT+=(--master "$MASTER")
    exec "${SUBMIT[@]}" "${SPARK_ARGS[@]}" "$APP_JAR" "${SWEEP_ARGS[@]}"
fi

# Embedded Spark.
[[ -n "$MASTER" ]] && SWEEP_ARGS+=(--master "$MASTER")
EXTRA_JAVA=""
i=0
while [[ $i -lt ${#SPARK_ARGS[@]} ]]; do
    arg="${SPARK_ARGS[$i]}"
    if [[ "$arg" == "--conf" && $((i + 1)) -lt ${#SPARK_ARGS[@]} ]]; then
        EXTRA_JAVA+=" -D${SPARK_ARGS[$((i + 1))]}"
        i=$((i + 2))
    elif [[ "$arg" == --conf=* ]]; then
        EXTRA_JAVA+=" -D${arg#--conf=}"
        i=$((i + 1))
    else
        echo "submit: ignoring Spark option '$arg' for the embedded local Spark" >&2
        i=$((i + 1))
    fi
done
JAVA_OPTS="${JAVA_OPTS:-}$EXTRA_JAVA" exec "$ROOT/scripts/automl" "${SWEEP_ARGS[@]}"
