#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this machine as Spark's resource JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# Spark runs it on each Worker (spark.worker.resource.gpu.discoveryScript) or executor
# (spark.executor.resource.gpu.discoveryScript) and hands each task the addresses it was assigned; a trial then
# sees only its GPU (CUDA_VISIBLE_DEVICES). The addresses are nvidia-smi's indexes, which CUDA numbers the same way
# when CUDA_DEVICE_ORDER=PCI_BUS_ID (set it in the executors' environment: spark.executorEnv.CUDA_DEVICE_ORDER).
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "discover-gpus: nvidia-smi not found: no NVIDIA driver on $(hostname)" >&2
    exit 1
fi
indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader,nounits)"
addresses=""
for i in $indexes; do
    addresses+="${addresses:+, }\"${i//[[:space:]]/}\""
done
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
