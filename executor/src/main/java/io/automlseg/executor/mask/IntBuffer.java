package io.automlseg.executor.mask;

import java.util.Arrays;

/** Growable int array, so encoding does not box. */
final class IntBuffer {
    private int[] data;
    private int size;

    IntBuffer(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int value) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = value;
    }

    int get(int i) {
        return data[i];
    }

    void set(int i, int value) {
        data[i] = value;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
