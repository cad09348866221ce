#!/usr/bin/env bash
# Scoring benchmark: images/s of InstanceSegmentationModel.transform on 1 and 2 Spark executors of one core each
# (separate JVMs, local-cluster master; io.automlseg.driver.bench.ScoringBenchmark), their model loads, the scaling
# efficiency, and one executor against torchvision's inference of the same exported model on the same images, one
# thread (Debian's /usr/bin/python3, scripts/bench/torchvision_scoring.py).
#   scripts/bench/scoring.sh [--images 32] [--batch 1] [--model-name maskrcnn_resnet50_fpn] [--min-size 512]
#                            [--max-size 853] [--score-threshold 0.05] [--detections 20] [--executors 1,2]
#                            [--images-dir datasets/uj-staple-pantry-valid/images]
# Prints each side's log, then the table: images/s with 1 and 2 executors, scaling efficiency ips2 / (2 * ips1),
# model loads and peak resident memory per executor, torchvision's images/s and the ratio ours (1 executor) /
# torchvision; for reference the machine's own scaling: two torchvision processes at once, each on half the images.
# Environment: BENCH_OUT keeps the logs, model and export there; BENCH_BLAS=openblas (default) runs torchvision on
# Debian's OpenBLAS, BENCH_BLAS=system on the machine's BLAS (scripts/bench/openblas.sh says why). The default
# batch is 1 image: a batch pads its images to the largest, which costs both sides time (measured with --batch 4:
# ours 0.19, torchvision 0.22 images/s) and raises ours' peak memory (1.9 GB per executor at batch 1, 3.7 GB at
# batch 4).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BENCH_OUT:-$root/target/bench-scoring}"
mkdir -p "$out"

batch=1
images_dir="$root/datasets/uj-staple-pantry-valid/images"
args=()
for ((i = 0; i < $#; i++)); do
    a="${@:$((i + 1)):1}"; v="${@:$((i + 2)):1}"
    case "$a" in
        --batch) batch="$v"; args+=("$a" "$v"); i=$((i + 1)) ;;
        --images-dir) images_dir="$(cd "$v" && pwd)"; i=$((i + 1)) ;;
        *) args+=("$a") ;;
    esac
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Compile the driver with its test classes (the benchmark lives there), assemble driver/target/spark-home (Maven's
# generate-test-resources) and resolve the class path (offline; the jars are in ~/.m2).
(cd "$root" && mvn -o -q -B -pl driver -am -DskipTests test-compile \
    dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >&2)
rm -rf "$out/model" "$out/torchvision"

# local-cluster's Workers start executors from SPARK_HOME, as a standalone cluster's do.
export SPARK_HOME="$root/driver/target/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/target/djl-cache}" DJL_OFFLINE=true
echo "== ours (InstanceSegmentationModel on Spark executors) =="
java -Xmx2g "@$root/conf/java17-opens.txt" \
    -cp "$root/driver/target/test-classes:$root/driver/target/classes:$(cat "$out/classpath.txt")" \
    io.automlseg.driver.bench.ScoringBenchmark --out "$out" --spark-home "$SPARK_HOME" \
    --images-dir "$images_dir" "${args[@]}" 2> "$out/ours-stderr.log" | tee "$out/ours.log"

echo "== torchvision =="
source "$here/openblas.sh"
openblas_env "$out" 1
echo "torchvision on $blas_name"
tv=("${blas_env[@]}" env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 "$here/torchvision_scoring.py"
    --export "$out/torchvision" --batch "$batch")
quiet() { grep --line-buffered -v -e 'UserWarning' -e '^  warnings.warn'; }
"${tv[@]}" --images "$out/images.txt" 2>&1 | quiet | tee "$out/torchvision.log"
# The machine's own scaling, for reference: two torchvision processes of one thread at once, each on half of the
# images. Where two single-thread processes do not run twice as fast as one (shared cores, memory bandwidth), no
# executor count can either.
awk 'NR % 2 == 1' "$out/images.txt" > "$out/images-1.txt"
awk 'NR % 2 == 0' "$out/images.txt" > "$out/images-2.txt"
echo "== torchvision, two processes at once =="
"${tv[@]}" --images "$out/images-1.txt" > "$out/torchvision-pair-1.log" 2>&1 &
"${tv[@]}" --images "$out/images-2.txt" > "$out/torchvision-pair-2.log" 2>&1
wait
cat "$out/torchvision-pair-1.log" "$out/torchvision-pair-2.log" | quiet | grep -v '^torch ' \
    | sed 's/^RESULT torchvision /RESULT torchvision-pair /' | tee "$out/torchvision-pair.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
awk '
    function field(name,   i) { for (i = 3; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
    $1 == "RESULT" && $2 == "ours" { e = field("executors"); ips[e] = field("ips"); loads[e] = field("loads"); peak[e] = field("peak"); n[++k] = e }
    $1 == "RESULT" && $2 == "torchvision" { tv = field("ips"); tvpeak = field("peak") }
    $1 == "RESULT" && $2 == "torchvision-pair" { pair += field("ips"); pairs++ }
    END {
        printf "%-34s %10s  %-22s %s\n", "scoring", "images/s", "model loads (id:loads)", "peak resident (id:MiB)"
        for (i = 1; i <= k; i++) printf "%-34s %10.3f  %-22s %s\n", "ours, " n[i] " executor(s) of 1 core", ips[n[i]], loads[n[i]], peak[n[i]]
        if (tv != "") printf "%-34s %10.3f  %-22s %s\n", "torchvision, 1 thread", tv, "-", tvpeak
        if (pairs == 2) printf "%-34s %10.3f\n", "torchvision, 2 processes (sum)", pair
        if ((1 in ips) && (2 in ips)) printf "scaling efficiency ips2 / (2 * ips1): %.2f (goal >= 0.9)\n", ips[2] / (2 * ips[1])
        if (pairs == 2 && tv > 0) printf "the machine'"'"'s own, torchvision 2 processes / (2 * 1 process): %.2f\n", pair / (2 * tv)
        if ((1 in ips) && tv > 0) printf "ours (1 executor) / torchvision: %.2f\n", ips[1] / tv
    }' "$out/ours.log" "$out/torchvision.log" "$out/torchvision-pair.log" | tee "$out/table.txt"
