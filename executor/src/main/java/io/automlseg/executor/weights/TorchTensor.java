package io.automlseg.executor.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor as a state dict holds it: element type, shape and the elements in row-major order as little-endian
 * bytes (torch's on-disk layout, so reading and writing need no conversion). A 0-d tensor has an empty shape and one
 * element. The arrays are not copied: do not change them after handing them over.
 */
public record TorchTensor(TorchDtype dtype, long[] shape, byte[] data) {

    public TorchTensor {
        long numel = numel(shape);
        if (Math.multiplyExact(numel, dtype.elementSize()) != data.length) {
            throw new IllegalArgumentException(data.length + " bytes do not hold a " + dtype.torchName() + " tensor of shape "
                    + Arrays.toString(shape));
        }
    }

    /** Number of elements: the product of the shape (1 for a 0-d tensor). */
    public long numel() {
        return numel(shape);
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements as float32, like {@code tensor.float()} (integers converted, float64 rounded). */
    public float[] toFloatArray() {
        int n = data.length / dtype.elementSize();
        float[] out = new float[n];
        ByteBuffer b = buffer();
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get(out);
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.halfToFloat(b.getShort(2 * i));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.bfloat16ToFloat(b.getShort(2 * i));
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> {
                long[] integers = toLongArray();
                for (int i = 0; i < n; i++) {
                    out[i] = integers[i];
                }
            }
        }
        return out;
    }

    /** The elements as float64 (exact for every dtype but int64 beyond 2^53). */
    public double[] toDoubleArray() {
        int n = data.length / dtype.elementSize();
        double[] out = new double[n];
        ByteBuffer b = buffer();
        switch (dtype) {
            case FLOAT64 -> b.asDoubleBuffer().get(out);
            case FLOAT32, FLOAT16, BFLOAT16 -> {
                float[] narrow = toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[i] = narrow[i];
                }
            }
            default -> {
                long[] integers = toLongArray();
                for (int i = 0; i < n; i++) {
                    out[i] = integers[i];
                }
            }
        }
        return out;
    }

    /** The elements as int64, like {@code tensor.long()} (floating-point values truncated toward zero). */
    public long[] toLongArray() {
        int n = data.length / dtype.elementSize();
        long[] out = new long[n];
        ByteBuffer b = buffer();
        switch (dtype) {
            case INT64 -> b.asLongBuffer().get(out);
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = data[i];
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = data[i] & 0xFF;
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = data[i] != 0 ? 1 : 0;
                }
            }
            default -> {
                double[] real = toDoubleArray();
                for (int i = 0; i < n; i++) {
                    out[i] = (long) real[i];
                }
            }
        }
        return out;
    }

    /** A float32 tensor. */
    public static TorchTensor float32(long[] shape, float[] values) {
        byte[] bytes = new byte[values.length * 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return new TorchTensor(TorchDtype.FLOAT32, shape.clone(), bytes);
    }

    /** An int64 tensor (a 0-d one for a BatchNorm's {@code num_batches_tracked}). */
    public static TorchTensor int64(long[] shape, long[] values) {
        return ofIntegers(TorchDtype.INT64, shape, values);
    }

    /**
     * A tensor of any dtype from float64 values, converted as {@code torch.tensor(values).to(dtype)} does: rounded to
     * the floating-point type, truncated toward zero and wrapped to an integer type, nonzero to true for bool.
     */
    public static TorchTensor of(TorchDtype dtype, long[] shape, double[] values) {
        ByteBuffer b = allocate(dtype, values.length);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (dtype) {
                case FLOAT64 -> b.putDouble(v);
                case FLOAT32 -> b.putFloat((float) v);
                case FLOAT16 -> b.putShort(HalfFloats.floatToHalf((float) v));
                case BFLOAT16 -> b.putShort(HalfFloats.floatToBfloat16((float) v));
                case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
                default -> putInteger(b, dtype, (long) v);
            }
        }
        return new TorchTensor(dtype, shape.clone(), b.array());
    }

    /** A tensor of an integer dtype or bool from int64 values (wrapped to narrower types, nonzero is true). */
    public static TorchTensor ofIntegers(TorchDtype dtype, long[] shape, long[] values) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(dtype.torchName() + " is not an integer type");
        }
        ByteBuffer b = allocate(dtype, values.length);
        for (long v : values) {
            if (dtype == TorchDtype.BOOL) {
                b.put((byte) (v != 0 ? 1 : 0));
            } else {
                putInteger(b, dtype, v);
            }
        }
        return new TorchTensor(dtype, shape.clone(), b.array());
    }

    private static ByteBuffer allocate(TorchDtype dtype, int count) {
        return ByteBuffer.allocate(Math.multiplyExact(count, dtype.elementSize())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putInteger(ByteBuffer b, TorchDtype dtype, long v) {
        switch (dtype) {
            case INT64 -> b.putLong(v);
            case INT32 -> b.putInt((int) v);
            case INT16 -> b.putShort((short) v);
            case INT8, UINT8 -> b.put((byte) v);
            default -> throw new IllegalArgumentException(dtype.torchName() + " is not an integer type");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return dtype.torchName() + Arrays.toString(shape);
    }
}
