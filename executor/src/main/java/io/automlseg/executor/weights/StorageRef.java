package io.automlseg.executor.weights;

/**
 * A storage named by a pickle's persistent id: its record key, element type and size. Tensors are views into it.
 * The legacy format can also name a view of a storage (elements {@code viewOffset} to {@code viewOffset + viewNumel}
 * of the root storage {@code key}); otherwise the view is the whole storage.
 */
record StorageRef(String key, StorageType type, long numel, long viewOffset, long viewNumel) {
    static StorageRef whole(String key, StorageType type, long numel) {
        return new StorageRef(key, type, numel, 0, numel);
    }

    /** Bytes of the root storage record. */
    long byteSize() {
        return Math.multiplyExact(numel, type.elementSize());
    }
}
