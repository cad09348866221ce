#!/usr/bin/env bash
# Training-speed benchmark: images/s of full training steps (forward, losses, backward, SGD) of every Mask R-CNN
# variant, ours (DJL PyTorch, io.automlseg.executor.bench.TrainingSpeedBenchmark) against torchvision's with Debian's
# /usr/bin/python3 (scripts/bench/torchvision_speed.py), 256 px, batch 2, every layer trainable, the same synthetic
# images and targets and the same initial weights (torchvision's random initialisation of the variant, saved as a
# .pth that our side loads) on both sides, so that both do the same work (the proposals, and with them the positive
# RoIs of the mask head, follow from the weights), in one of two settings, each built the same way on both sides:
#   --recipe torchvision (default): plain BatchNorm, torchvision's RPN/RoI budgets (2000/2000 proposals, 512 RoIs);
#   --recipe cpu: the CPU recipe of the learning benchmark (learning-r18.yaml): GroupNorm with 32 groups in the
#     backbone (not the FPN or the heads), 300/200 proposals per image before/after NMS, 64 RoIs per image.
#   scripts/bench/speed.sh [--recipe torchvision|cpu] [--threads 1] [--models maskrcnn_resnet18_fpn,...]
#                          [--warmup 2] [--steps 4] [--blocks 2] [--size 256] [--batch 2]
# Prints each side's log (parameter count, norm and training budgets, which must read the same on both sides; work
# per step, per-block images/s and resident memory, ours' time per stage), then the table
#   variant  ours img/s  torchvision img/s  ratio (ours / torchvision)  peak resident MiB of each side
# under a header naming the PyTorch each side runs. --threads sets both sides' intra-op threads (libtorch's,
# OpenMP's, OpenBLAS's); run it with 1 and with 2.
# Environment: BENCH_NICE (default 0) runs both sides under `nice -n BENCH_NICE`; BENCH_OUT keeps the logs there;
# BENCH_PARALLEL=1 runs the two sides of a pair at the same time (use with --threads 1 on a machine with two free
# cores): on a shared machine whose load changes from minute to minute, that exposes both to the same load;
# BENCH_BLAS=openblas (default) runs torchvision on Debian's OpenBLAS, BENCH_BLAS=system on the machine's BLAS
# (scripts/bench/openblas.sh says why); BENCH_OURS=DIR runs our side from another checkout, compiled (mvn -o -pl
# executor test-compile), e.g. an earlier commit for a before/after table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BENCH_OUT:-$root/target/bench-speed}"
ours_root="${BENCH_OURS:-$root}"
mkdir -p "$out"

threads=1
recipe=torchvision
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == "--threads" ]]; then threads="${args[$((i + 1))]}"; fi
    if [[ "${args[$i]}" == "--recipe" ]]; then recipe="${args[$((i + 1))]}"; fi
done
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
nice_cmd=(nice -n "${BENCH_NICE:-0}")
source "$here/openblas.sh"
openblas_env "$out" "$threads"

# Compile the executor with its test classes (the benchmark lives there) and resolve its class path (offline; the
# jars are in ~/.m2).
(cd "$root" && mvn -o -q -B -pl executor -DskipTests test-compile \
    dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >&2)
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/target/djl-cache}" DJL_OFFLINE=true

# Models are measured in pairs (ours, then torchvision's) so that a change of the machine's load hits both sides.
models="maskrcnn_resnet18_fpn,maskrcnn_resnet34_fpn,maskrcnn_resnet50_fpn,maskrcnn_resnet101_fpn,maskrcnn_resnet152_fpn"
rest=()
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == "--models" ]]; then models="${args[$((i + 1))]}"; i=$((i + 1)); else rest+=("${args[$i]}"); fi
done
: > "$out/ours.log"
: > "$out/torchvision.log"
ours() {
    echo "== ours (DJL PyTorch): $1 ==" > "$out/ours-$1.log"
    # Our side runs with the malloc settings that TrialTask gives every trial process (TrialTask.mallocSettings).
    MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-8388608}" GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.hugetlb=1}" \
        "${nice_cmd[@]}" java -Xmx2g -Dautomlseg.stageTimes=true \
        -cp "$ours_root/executor/target/test-classes:$ours_root/executor/target/classes:$(cat "$out/classpath.txt")" \
        io.automlseg.executor.bench.TrainingSpeedBenchmark --models "$1" "${rest[@]}" "${init[@]}" 2>&1 \
        | grep --line-buffered -v -e '^SLF4J' -e 'NNPACK' >> "$out/ours-$1.log"
}
theirs() {
    echo "== torchvision: $1 ==" > "$out/torchvision-$1.log"
    "${nice_cmd[@]}" "${blas_env[@]}" /usr/bin/python3 "$here/torchvision_speed.py" --models "$1" "${rest[@]}" \
        "${init[@]}" --blas "$blas_name" >> "$out/torchvision-$1.log" 2>&1
}
for model in ${models//,/ }; do
    # Both sides start from torchvision's initial weights of this variant, so that both do the same work.
    "${blas_env[@]}" /usr/bin/python3 "$here/torchvision_speed.py" --models "$model" "${rest[@]}" \
        --save-init "$out/init-$model.pth" > /dev/null
    init=(--init "$out/init-$model.pth")
    if [[ -n "${BENCH_PARALLEL:-}" ]]; then
        ours "$model" & theirs "$model"; wait
    else
        ours "$model"; theirs "$model"
    fi
    cat "$out/ours-$model.log" | tee -a "$out/ours.log"
    cat "$out/torchvision-$model.log" | tee -a "$out/torchvision.log"
done

echo
echo "training images/s, recipe $recipe, $threads thread(s)"
awk '
    FNR == 1 { side++ }
    side == 1 && !sides[1] && /^ours: / { sides[1] = substr($0, 1, index($0, ",") - 1) }
    side == 2 && !sides[2] && /^torchvision: / { sides[2] = substr($0, 1, index($0, ",") - 1) }
    $1 == "RESULT" {
        if (side == 1) { ours[$2] = $3; order[++n] = $2; po[$2] = $5 } else { tv[$2] = $3; pt[$2] = $5 }
    }
    END {
        print sides[1] "; " sides[2]
        printf "%-24s %11s %18s %7s %14s %14s\n", "variant", "ours img/s", "torchvision img/s", "ratio",
            "ours peak MiB", "tv peak MiB"
        for (i = 1; i <= n; i++) {
            m = order[i]
            r = (m in tv && tv[m] > 0) ? sprintf("%.2f", ours[m] / tv[m]) : "-"
            printf "%-24s %11.3f %18s %7s %14s %14s\n", m, ours[m], (m in tv) ? sprintf("%.3f", tv[m]) : "-", r,
                po[m], (m in pt) ? pt[m] : "-"
        }
    }' "$out/ours.log" "$out/torchvision.log" | tee "$out/table.txt"
