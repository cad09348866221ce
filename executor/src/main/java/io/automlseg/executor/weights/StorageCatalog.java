package io.automlseg.executor.weights;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.PickleException;

/**
 * The storages a pickle names through persistent ids, by record key. A persistent id is torch's tuple
 * {@code ('storage', storage_type, key, location, numel)}; the legacy format adds {@code view_metadata}, null or
 * {@code (view_key, offset, numel)}. The location (cpu, cuda:0) does not matter: everything is read into memory.
 */
final class StorageCatalog {
    private final Map<String, StorageRef> roots = new LinkedHashMap<>();

    /** The storage (or legacy storage view) a persistent id stands for. */
    StorageRef reference(Object persistentId) {
        if (!(persistentId instanceof Object[] id) || (id.length != 5 && id.length != 6)) {
            throw new PickleException("a persistent id that is not a storage tuple: "
                    + PickledValues.describe(persistentId));
        }
        Object kind = id[0] instanceof byte[] ascii ? new String(ascii, StandardCharsets.US_ASCII) : id[0];
        if (!"storage".equals(kind)) {
            throw new PickleException("a persistent id of kind " + (kind instanceof String k ? k
                    : PickledValues.describe(kind)) + ", not a storage");
        }
        if (!(id[1] instanceof StorageType type)) {
            throw new PickleException("a storage of type " + PickledValues.describe(id[1]));
        }
        String key = text(id[2]);
        long numel = PickledValues.integer(id[4]);
        if (numel < 0) {
            throw new PickleException("storage " + key + " with " + numel + " elements");
        }
        StorageRef root = StorageRef.whole(key, type, numel);
        StorageRef known = roots.putIfAbsent(key, root);
        if (known != null && !known.equals(root)) {
            throw new PickleException("storage " + key + " is named as " + known.type().name() + " of " + known.numel()
                    + " elements and as " + type.name() + " of " + numel);
        }
        if (id.length == 6 && id[5] != null) {
            if (!(id[5] instanceof Object[] view) || view.length != 3) {
                throw new PickleException("storage " + key + " with view metadata " + PickledValues.describe(id[5]));
            }
            long offset = PickledValues.integer(view[1]);
            long viewNumel = PickledValues.integer(view[2]);
            if (offset < 0 || viewNumel < 0 || viewNumel > numel || offset > numel - viewNumel) { // no overflow
                throw new PickleException("storage view " + text(view[0]) + " (elements " + offset + " to "
                        + (offset + viewNumel) + ") lies outside storage " + key + " of " + numel + " elements");
            }
            return new StorageRef(key, type, numel, offset, viewNumel);
        }
        return root;
    }

    /** The root storage with this record key, or null if the pickle never named it. */
    StorageRef root(String key) {
        return roots.get(key);
    }

    Collection<StorageRef> roots() {
        return Collections.unmodifiableCollection(roots.values());
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] ascii) {
            return new String(ascii, StandardCharsets.US_ASCII);
        }
        throw new PickleException("a storage key that is " + PickledValues.describe(value));
    }
}
