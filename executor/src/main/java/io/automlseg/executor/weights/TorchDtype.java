package io.automlseg.executor.weights;

import java.util.Optional;

/**
 * The tensor element types a state dict can hold here, by the typed-storage class that {@code torch.save} names in
 * its pickle ({@code torch.FloatStorage} and so on). Elements are stored little-endian.
 */
public enum TorchDtype {
    FLOAT32("FloatStorage", 4, true),
    FLOAT64("DoubleStorage", 8, true),
    FLOAT16("HalfStorage", 2, true),
    BFLOAT16("BFloat16Storage", 2, true),
    INT64("LongStorage", 8, false),
    INT32("IntStorage", 4, false),
    INT16("ShortStorage", 2, false),
    INT8("CharStorage", 1, false),
    UINT8("ByteStorage", 1, false),
    BOOL("BoolStorage", 1, false);

    private final String storageName;
    private final int elementSize;
    private final boolean floatingPoint;

    TorchDtype(String storageName, int elementSize, boolean floatingPoint) {
        this.storageName = storageName;
        this.elementSize = elementSize;
        this.floatingPoint = floatingPoint;
    }

    /** The storage class name in the {@code torch} module, e.g. {@code FloatStorage}. */
    public String storageName() {
        return storageName;
    }

    /** Bytes per element. */
    public int elementSize() {
        return elementSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** torch's own name, e.g. {@code torch.float32}. */
    public String torchName() {
        return "torch." + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dtype of a storage class name such as {@code FloatStorage}; empty for any other name. */
    public static Optional<TorchDtype> forStorage(String storageName) {
        for (TorchDtype d : values()) {
            if (d.storageName.equals(storageName)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
