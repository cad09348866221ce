# Sourced by the benchmark scripts that run torchvision (scoring.sh, speed.sh); not run on its own.
# Debian's torch 1.13 runs its convolutions on MKL-DNN but links the reference BLAS (BLAS_INFO=generic), on which its
# linear layers are some 50 times slower than on OpenBLAS. BENCH_BLAS=openblas (the default) unpacks Debian's
# libopenblas0-pthread package (from the apt cache, else `apt-get download`; unpacked, not installed) under the
# benchmark's output folder; BENCH_BLAS=system keeps the machine's BLAS.
#   openblas_env <output folder> <threads>
# sets the array blas_env to the `env ...` prefix that runs a command on OpenBLAS with that many threads (empty when
# the package cannot be had) and blas_name to the BLAS that torchvision will use, for the benchmark's table.
openblas_env() {
    local out="$1" threads="$2" lib deb
    blas_env=()
    blas_name="system BLAS"
    [[ "${BENCH_BLAS:-openblas}" == "openblas" ]] || return 0
    lib="$out/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if [[ ! -e "$lib/libblas.so.3" ]]; then
        deb="$(ls /var/cache/apt/archives/libopenblas0-pthread_*.deb 2>/dev/null | head -1 || true)"
        if [[ -z "$deb" ]] && (cd "$out" && apt-get download libopenblas0-pthread >&2); then
            deb="$(ls "$out"/libopenblas0-pthread_*.deb | head -1)"
        fi
        if [[ -n "$deb" ]]; then
            dpkg-deb -x "$deb" "$out/openblas"
            dpkg-deb -f "$deb" Version > "$out/openblas/version.txt"
        fi
    fi
    if [[ -e "$lib/libblas.so.3" ]]; then
        blas_env=(env LD_LIBRARY_PATH="$lib" OPENBLAS_NUM_THREADS="$threads")
        blas_name="OpenBLAS $(cat "$out/openblas/version.txt" 2>/dev/null || true)"
    else
        echo "no libopenblas0-pthread package (apt-get update first?): torchvision runs on the system BLAS" >&2
    fi
}
