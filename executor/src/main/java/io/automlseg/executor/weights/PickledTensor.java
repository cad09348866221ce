package io.automlseg.executor.weights;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view (element offset, size, stride) into a
 * storage whose bytes come later in the file. {@link #gather} copies the view out in row-major order.
 */
record PickledTensor(StorageRef storage, long offset, long[] size, long[] stride) {

    long numel() {
        return TorchTensor.numel(size);
    }

    /** The problem with the view's extent, or null when every element it reaches lies inside its storage. */
    String boundsProblem() {
        if (offset < 0) {
            return "has a negative storage offset " + offset;
        }
        long numel = numel();
        if (numel == 0) {
            return null;
        }
        long last = offset;
        for (int d = 0; d < size.length; d++) {
            if (stride[d] < 0) {
                return "has a negative stride " + Arrays.toString(stride);
            }
            last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
        }
        if (last >= storage.viewNumel()) {
            return "(offset " + offset + ", size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
                    + ") reaches element " + last + " of a storage of " + storage.viewNumel() + " elements";
        }
        return null;
    }

    boolean contiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** The view's elements, row-major, out of the root storage's bytes; bounds were checked before. */
    TorchTensor gather(byte[] root) {
        TorchDtype dtype = storage.type().dtype();
        int es = dtype.elementSize();
        int numel = Math.toIntExact(numel());
        byte[] out = new byte[Math.multiplyExact(numel, es)];
        long start = storage.viewOffset() + offset;
        if (numel == 0) {
            return new TorchTensor(dtype, size.clone(), out); // its offset may be anywhere
        }
        if (contiguous()) {
            System.arraycopy(root, Math.toIntExact(start * es), out, 0, out.length);
            return new TorchTensor(dtype, size.clone(), out);
        }
        // Walk the indices in row-major order like an odometer, keeping the storage position in step.
        int rank = size.length;
        long[] index = new long[rank];
        long position = start;
        for (int i = 0; i < numel; i++) {
            System.arraycopy(root, Math.toIntExact(position * es), out, i * es, es);
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                position += stride[d];
                if (index[d] < size[d]) {
                    break;
                }
                position -= stride[d] * size[d];
                index[d] = 0;
            }
        }
        return new TorchTensor(dtype, size.clone(), out);
    }
}
