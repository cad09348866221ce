# Sourced by scripts/automl and scripts/submit.sh: builds the project with Maven, quietly.
# build_project WHO: tries the offline build first (silent: on a fresh machine it fails only because the
# dependencies are not downloaded yet), then the online one, which downloads them once. Prints one line saying which.
build_project() {
    local who="$1" log
    log="$(mktemp "${TMPDIR:-/tmp}/automl-build.XXXXXX")"
    echo "$who: building the project (mvn package, tests skipped)..." >&2
    if (cd "$ROOT" && mvn -q -o -B -DskipTests package >"$log" 2>&1); then
        rm -f "$log"
        return 0
    fi
    if grep -qiE "offline|Could not resolve|Cannot access .* in offline mode|was not found in" "$log"; then
        echo "$who: downloading the dependencies from Maven Central once (a few minutes on the first run)..." >&2
    else
        # Not a missing dependency: the online build will show the same problem, unfiltered.
        echo "$who: the offline build failed (log: $log); retrying online..." >&2
    fi
    # Maven 3.8 prints bare colour resets while it downloads, even in batch mode: drop them.
    (cd "$ROOT" && set -o pipefail && mvn -q -B -ntp -DskipTests package 2>&1 | sed -u 's/\x1b\[0m//g' >&2) || return 1
    rm -f "$log"
}
