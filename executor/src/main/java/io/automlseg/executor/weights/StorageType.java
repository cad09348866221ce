package io.automlseg.executor.weights;

import java.util.Map;
import java.util.Optional;

/**
 * A pickled {@code torch.<Name>Storage} class: only a marker naming the element type of a storage, never
 * instantiated. Storage types this reader cannot decode (complex, quantized) are still recognised, so that the error
 * can name the tensor that uses one.
 *
 * @param dtype the element type; null for a recognised but unsupported storage type
 */
record StorageType(String name, TorchDtype dtype, int elementSize) {
    /** Element sizes of the storage classes torch has but this reader does not decode. */
    private static final Map<String, Integer> UNSUPPORTED = Map.of(
            "ComplexFloatStorage", 8, "ComplexDoubleStorage", 16, "ComplexHalfStorage", 4,
            "QInt8Storage", 1, "QUInt8Storage", 1, "QInt32Storage", 4, "QUInt4x2Storage", 1, "QUInt2x4Storage", 1,
            "UntypedStorage", 1);

    /** The storage type named {@code torch.<name>}, if torch has one. */
    static Optional<StorageType> forName(String name) {
        Optional<TorchDtype> dtype = TorchDtype.forStorage(name);
        if (dtype.isPresent()) {
            return Optional.of(new StorageType(name, dtype.get(), dtype.get().elementSize()));
        }
        Integer size = UNSUPPORTED.get(name);
        return size == null ? Optional.empty() : Optional.of(new StorageType(name, null, size));
    }

    boolean supported() {
        return dtype != null;
    }
}
