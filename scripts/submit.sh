#!/usr/bin/env bash
# Submits a sweep to Spark:
#   scripts/submit.sh CONFIG [--output DIR] [--run-id ID] [--resume] [--validate-only] [--master URL]
#                     [--deploy-mode MODE] [other spark-submit options...] [--trial-memory SIZE] [--trial-threads N]
#                     [--verbose]
#
# The application jar is driver/target/automl-seg-app.jar (built by `mvn package` when missing or older than the
# sources; AUTOML_APP_JAR points elsewhere). With SPARK_HOME set the submission goes through
# $SPARK_HOME/bin/spark-submit; without it, the same submission runs through Spark's own
# org.apache.spark.deploy.SparkSubmit class from the Spark jars Maven resolved (driver/target/spark-home/jars).
# --master (local[*], spark://, yarn, k8s://), --deploy-mode and every other spark-submit option (--conf,
# --executor-memory, --num-executors, --total-executor-cores, --jars, --files, --queue...) are passed through;
# conf/spark-defaults.conf is the properties file unless --properties-file is given. The command is printed first.
#
# --validate-only checks the configuration, the data paths and the MLTables without training, on this machine
# (local master, client mode, whatever --master says), and exits 0 when the sweep may start.
# Exit codes: those of `automl sweep` (0 done, 1 unexpected error, 2 bad input, 3 no successful trial, 4 sweep
# timeout, 5 another driver runs this sweep); 2 also for a bad command line here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() {
    echo "usage: $0 CONFIG [--output DIR] [--run-id ID] [--resume] [--validate-only] [--master URL]" \
        "[--deploy-mode MODE] [spark-submit options...] [--trial-memory SIZE] [--trial-threads N] [--verbose]" >&2
    exit 2
}
# spark-submit's options that take a value; submit.sh passes them on. Any other unknown option is refused by name.
SPARK_VALUE_OPTIONS=" --class --name --jars --packages --exclude-packages --repositories --py-files --files \
--archives --conf -c --driver-memory --driver-java-options --driver-library-path --driver-class-path \
--executor-memory --proxy-user --driver-cores --total-executor-cores --executor-cores --num-executors --principal \
--keytab --queue "
needs_value() {
    [[ "$2" -ge 2 ]] || { echo "submit: option $1 needs a value" >&2; usage; }
}
[[ $# -ge 1 && "$1" != -* ]] || usage
CONFIG="$1"
shift
[[ -f "$CONFIG" || "$CONFIG" == *:* ]] || { echo "submit: config file not found: $CONFIG" >&2; exit 2; }
# The driver may run elsewhere (cluster deploy mode): give it an absolute path or a URI.
[[ "$CONFIG" == *:* || "$CONFIG" == /* ]] || CONFIG="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"

OUTPUT=""
RUN_ID=""
RESUME=0
VALIDATE_ONLY=0
MASTER=""
DEPLOY_MODE=""
PROPERTIES=""
SPARK_ARGS=()
SWEEP_EXTRA=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --output) needs_value "$1" $#; OUTPUT="$2"; shift 2 ;;
        --run-id) needs_value "$1" $#; RUN_ID="$2"; shift 2 ;;
        --resume) RESUME=1; shift ;;
        --validate-only) VALIDATE_ONLY=1; shift ;;
        --master) needs_value "$1" $#; MASTER="$2"; shift 2 ;;
        --deploy-mode) needs_value "$1" $#; DEPLOY_MODE="$2"; shift 2 ;;
        --properties-file) needs_value "$1" $#; PROPERTIES="$2"; shift 2 ;;
        --trial-memory|--trial-threads|--trial-main-class|--trial-jvm-option)
            needs_value "$1" $#; SWEEP_EXTRA+=("$1" "$2"); shift 2 ;;
        --verbose) SWEEP_EXTRA+=("--verbose"); shift ;;
        --*=*)
            [[ "$SPARK_VALUE_OPTIONS" == *" ${1%%=*} "* ]] \
                || { echo "submit: unknown option '${1%%=*}' (neither submit.sh's nor spark-submit's)" >&2; usage; }
            SPARK_ARGS+=("$1"); shift ;;
        --supervise|--help|--version) SPARK_ARGS+=("$1"); shift ;;
        -*)
            [[ "$SPARK_VALUE_OPTIONS" == *" $1 "* ]] \
                || { echo "submit: unknown option '$1' (neither submit.sh's nor spark-submit's)" >&2; usage; }
            needs_value "$1" $#; SPARK_ARGS+=("$1" "$2"); shift 2 ;;
        *) echo "submit: unexpected argument '$1'" >&2; usage ;;
    esac
done
if [[ -z "$OUTPUT" ]]; then
    name="$(basename "$CONFIG")"
    OUTPUT="$ROOT/runs/${name%.*}-$(date -u +%Y%m%d-%H%M%S)"
fi
[[ "$OUTPUT" == *:* || "$OUTPUT" == /* ]] || OUTPUT="$(pwd)/$OUTPUT"
SWEEP_ARGS=(sweep --config "$CONFIG" --output "$OUTPUT")
[[ -n "$RUN_ID" ]] && SWEEP_ARGS+=(--run-id "$RUN_ID")
[[ $RESUME -eq 1 ]] && SWEEP_ARGS+=(--resume)
[[ $VALIDATE_ONLY -eq 1 ]] && SWEEP_ARGS+=(--validate-only)
SWEEP_ARGS+=("${SWEEP_EXTRA[@]+"${SWEEP_EXTRA[@]}"}")

# The application jar: build it when missing or older than the sources.
APP_JAR="${AUTOML_APP_JAR:-$ROOT/driver/target/automl-seg-app.jar}"
LOCAL_SPARK="$ROOT/driver/target/spark-home"
if [[ -z "${AUTOML_APP_JAR:-}" ]]; then
    if [[ ! -f "$APP_JAR" || ( -z "${SPARK_HOME:-}" && ! -d "$LOCAL_SPARK/jars" ) \
          || -n "$(find "$ROOT/pom.xml" "$ROOT/executor/pom.xml" "$ROOT/driver/pom.xml" "$ROOT/executor/src/main" \
                  "$ROOT/driver/src/main" -newer "$APP_JAR" -print -quit 2>/dev/null)" ]]; then
        # shellcheck source=lib/build.sh
        source "$ROOT/scripts/lib/build.sh"
        build_project submit
    fi
fi
[[ -f "$APP_JAR" ]] || { echo "submit: application jar not found: $APP_JAR" >&2; exit 2; }

if [[ $VALIDATE_ONLY -eq 1 ]]; then
    # The pre-flight check reads the data from here; it starts no executors.
    MASTER="local[1]"
    DEPLOY_MODE="client"
fi

# The --add-opens flags Spark needs on Java 17: one per line in conf/java17-opens.txt (# starts a comment).
OPENS=()
while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] || OPENS+=("$line")
done < "$ROOT/conf/java17-opens.txt"

if [[ -n "${SPARK_HOME:-}" ]]; then
    SUBMIT=("$SPARK_HOME/bin/spark-submit")
else
    [[ -d "$LOCAL_SPARK/jars" ]] || { echo "submit: no SPARK_HOME and no $LOCAL_SPARK/jars" >&2; exit 2; }
    export SPARK_HOME="$LOCAL_SPARK"
    # What bin/spark-class would add: Spark's Java 17 flags, and the driver's heap in client mode.
    JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    SUBMIT=("$JAVA" "-Xmx${AUTOML_DRIVER_MEMORY:-2g}" "${OPENS[@]}")
    [[ -f "$ROOT/conf/log4j2.properties" ]] \
        && SUBMIT+=("-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties")
    # shellcheck disable=SC2206  # JAVA_OPTS is a list of options
    SUBMIT+=(${JAVA_OPTS:-} -cp "$LOCAL_SPARK/jars/*" org.apache.spark.deploy.SparkSubmit)
fi
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
# Trials inherit DJL_CACHE_DIR; keep PyTorch's native files in one place per checkout unless told otherwise.
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/target/djl-cache}"

SUBMIT+=(--class io.automlseg.driver.cli.AutomlCli --name "automl-seg ${RUN_ID:-$(basename "$CONFIG")}")
if [[ -z "$PROPERTIES" ]]; then
    # The default properties file leaves the JVM flags to conf/java17-opens.txt; a --conf given below wins.
    PROPERTIES="$ROOT/conf/spark-defaults.conf"
    SUBMIT+=(--conf "spark.driver.extraJavaOptions=${OPENS[*]}" --conf "spark.executor.extraJavaOptions=${OPENS[*]}")
fi
[[ -f "$PROPERTIES" ]] && SUBMIT+=(--properties-file "$PROPERTIES")
[[ -n "$MASTER" ]] && SUBMIT+=(--master "$MASTER")
[[ -n "$DEPLOY_MODE" ]] && SUBMIT+=(--deploy-mode "$DEPLOY_MODE")
SUBMIT+=("${SPARK_ARGS[@]+"${SPARK_ARGS[@]}"}" "$APP_JAR" "${SWEEP_ARGS[@]}")

printf 'submit:' >&2
printf ' %q' "${SUBMIT[@]}" >&2
printf '\n' >&2
exec "${SUBMIT[@]}"
