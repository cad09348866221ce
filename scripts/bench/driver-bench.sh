# Sourced by the benchmarks that are driver test classes (sampler.sh, policies.sh): builds the project when the
# benchmark's class is missing or older than the sources, and sets $bench_classpath. Expects $root (the repository).
#   driver_bench_build CLASS_NAME SCRIPT_NAME
driver_bench_build() {
    local stamp="$root/driver/target/.automl-build-stamp"
    # The benchmark is a test class (driver/src/test): -DskipTests still compiles it.
    local bench="$root/driver/target/test-classes/io/automlseg/driver/bench/$1.class"
    if [[ ! -f "$stamp" || ! -d "$root/driver/target/lib" || ! -f "$bench" \
          || -n "$(find "$root/driver/src/main" "$root/executor/src/main" -newer "$stamp" -print -quit)" \
          || -n "$(find "$root/driver/src/test/java/io/automlseg/driver/bench" -newer "$bench" -print -quit)" ]]; then
        echo "$2: building (mvn package)..." >&2
        (cd "$root" && nice -n 15 mvn -q -o -B -DskipTests package >&2)
        touch "$stamp"
    fi
    bench_classpath="$root/driver/target/test-classes:$root/driver/target/classes:$root/executor/target/classes"
    bench_classpath+=":$root/driver/target/lib/*"
}
