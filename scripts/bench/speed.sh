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
#                          [--warmup 2] [--steps 4] [--blocks 2] [--size 256] [--batch 2] [--rounds 1]
# Prints each side's log (parameter count, norm and training budgets, which must read the same on both sides; work
# per step, per-block images/s and resident memory, ours' time per stage), then the table
#   variant  ours img/s  torchvision img/s  ratio (ours / torchvision)  peak resident MiB of each side
# under a header naming the PyTorch each side runs and the CPU (its vector extensions decide which kernels libtorch's
# oneDNN and MKL pick, and so the ratio). --rounds N measures every pair N times in turn (r1: each variant once, then
# r2, ...) and prints each round's ratio, the median ratio and the median images/s of each side: this machine's speed
# moves by 10-20% from minute to minute, so one short run of a pair can move a ratio by as much. --threads sets both sides' intra-op threads (libtorch's,
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
rounds=1
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
    case "${args[$i]}" in
        --models) models="${args[$((i + 1))]}"; i=$((i + 1)) ;;
        --rounds) rounds="${args[$((i + 1))]}"; i=$((i + 1)) ;;
        *) rest+=("${args[$i]}") ;;
    esac
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
done
for ((round = 1; round <= rounds; round++)); do
    for model in ${models//,/ }; do
        init=(--init "$out/init-$model.pth")
        if [[ -n "${BENCH_PARALLEL:-}" ]]; then
            ours "$model" & theirs "$model"; wait
        else
            ours "$model"; theirs "$model"
        fi
        cat "$out/ours-$model.log" | tee -a "$out/ours.log"
        cat "$out/torchvision-$model.log" | tee -a "$out/torchvision.log"
    done
done

echo
echo "training images/s, recipe $recipe, $threads thread(s), $rounds round(s)"
cpu="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //')"
isa="$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -e avx2 -e avx512f -e avx512_bf16 -e amx_tile | tr '\n' ' ')"
echo "CPU: $cpu, $(getconf _NPROCESSORS_ONLN) cores, ${isa:-no avx2}"
awk -v rounds="$rounds" '
    function median(list, k,   v, i, j, t, c) {
        c = split(list, v, " ")
        for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
        return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }
    FNR == 1 { side++ }
    side == 1 && !sides[1] && /^ours: / { sides[1] = substr($0, 1, index($0, ",") - 1) }
    side == 2 && !sides[2] && /^torchvision: / { sides[2] = substr($0, 1, index($0, ",") - 1) }
    $1 == "RESULT" {
        m = $2
        if (side == 1) {
            if (!(m in no)) order[++n] = m
            ours[m] = ours[m] " " $3; o[m, ++no[m]] = $3; if ($5 > po[m]) po[m] = $5
        } else {
            tv[m] = tv[m] " " $3; t[m, ++nt[m]] = $3; if ($5 > pt[m]) pt[m] = $5
        }
    }
    END {
        print sides[1] "; " sides[2]
        printf "%-24s %11s %18s %7s %14s %14s", "variant", "ours img/s", "torchvision img/s", "ratio",
            "ours peak MiB", "tv peak MiB"
        if (rounds > 1) printf "  ratio per round"
        printf "\n"
        for (i = 1; i <= n; i++) {
            m = order[i]; per = ""
            for (r = 1; r <= no[m] && r <= nt[m]; r++) if (t[m, r] > 0) per = per " " sprintf("%.2f", o[m, r] / t[m, r])
            ratio = per == "" ? "-" : sprintf("%.2f", median(per))
            if (per != "") { logsum += log(median(per)); counted++; if (lowest == "" || median(per) < lowest) lowest = median(per) }
            printf "%-24s %11.3f %18s %7s %14s %14s", m, median(ours[m]), (m in tv) ? sprintf("%.3f", median(tv[m])) : "-",
                ratio, po[m], (m in pt) ? pt[m] : "-"
            if (rounds > 1) printf " %s", per
            printf "\n"
        }
        if (counted > 1) printf "geometric mean of the ratios %.2f, lowest %.2f\n", exp(logsum / counted), lowest
    }' "$out/ours.log" "$out/torchvision.log" | tee "$out/table.txt"
