# Sourced by record-curves.sh and confirm-policy.sh: writes target/record-curves.yaml, the recording's sweep
# (scripts/bench/record-curves.yaml) over the first TRAIN_IMAGES training and VALIDATION_IMAGES validation images of
# datasets/synthetic-shapes, and sets $config to it. Expects $root (the repository) to be set.
train_images="${TRAIN_IMAGES:-24}"
validation_images="${VALIDATION_IMAGES:-8}"
subset="$root/target/record-curves-data"
for part in train validation; do
    mkdir -p "$subset/$part"
    n="$train_images"; [[ "$part" == validation ]] && n="$validation_images"
    head -n "$n" "$root/datasets/synthetic-shapes/$part/annotations.jsonl" >"$subset/$part/annotations.jsonl"
    cp "$root/datasets/synthetic-shapes/$part/MLTable" "$subset/$part/MLTable"
    ln -sfn "$root/datasets/synthetic-shapes/$part/images" "$subset/$part/images"
done
config="$root/target/record-curves.yaml"
sed "s|SUBSET/|$subset/|" "$root/scripts/bench/record-curves.yaml" >"$config"
