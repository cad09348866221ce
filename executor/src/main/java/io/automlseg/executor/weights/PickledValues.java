package io.automlseg.executor.weights;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.PickleException;

/** Reading Pyrolite's Java forms of pickled Python values, and naming their Python types in messages. */
final class PickledValues {
    private PickledValues() {}

    static long integer(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        throw new PickleException("expected an integer, got " + describe(value));
    }

    static long[] integers(Object tuple) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException("expected a tuple of integers, got " + describe(tuple));
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = integer(items[i]);
        }
        return out;
    }

    /** A pickled value's Python type in words, for messages. */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof PickledTensor) {
            return "a tensor";
        }
        if (value instanceof Map<?, ?>) {
            return "a dict";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Object[]) {
            return "a tuple";
        }
        if (value instanceof String) {
            return "a str";
        }
        if (value instanceof Boolean) {
            return "a bool";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return "an int";
        }
        if (value instanceof Double) {
            return "a float";
        }
        if (value instanceof byte[]) {
            return "bytes";
        }
        if (value instanceof StorageRef) {
            return "a storage";
        }
        if (value instanceof StorageType t) {
            return "the class torch." + t.name();
        }
        if (value instanceof AllowedGlobal g) {
            return g.qualifiedName();
        }
        return value.getClass().getSimpleName();
    }
}
