package io.automlseg.driver.scoring;

import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoringDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode), keyed by model URI and device, so that
 * every task, partition and later job on an executor reuses one loaded model. At most {@link #CAPACITY} models stay
 * loaded: the least recently used one is evicted and closed, but only once no task holds a {@link Lease} on it, so a
 * partition never sees its model closed under it. Loading happens outside the cache's lock, once per URI and device
 * however many tasks ask at the same time.
 */
public final class ModelCache {
    /** Models kept loaded per JVM: a Mask R-CNN takes 50-200 MB of native memory. */
    public static final int CAPACITY = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** Access-ordered: the first entry is the least recently used. Guarded by the class lock. */
    private static final LinkedHashMap<Key, Entry> MODELS = new LinkedHashMap<>(4, 0.75f, true);
    private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

    private ModelCache() {}

    /** A task's hold on a loaded model; closing it lets the cache close the model once evicted. */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private final ImageScorer scorer;
        private boolean released;

        private Lease(Entry entry, ImageScorer scorer) {
            this.entry = entry;
            this.scorer = scorer;
        }

        public ImageScorer scorer() {
            return scorer;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(entry);
        }
    }

    /** A model on a device (by its name, e.g. {@code cpu()}): one executor's tasks may hold different GPUs. */
    private record Key(String uri, String device) {}

    /** One model's slot: loaded lazily under its own lock, closed when evicted and no longer leased. */
    private static final class Entry {
        final Key key;
        final ScoringDevice device;
        int leases; // guarded by the class lock
        boolean evicted; // guarded by the class lock
        private ImageScorer scorer; // guarded by this

        Entry(Key key, ScoringDevice device) {
            this.key = key;
            this.device = device;
        }

        synchronized ImageScorer load() {
            if (scorer == null) {
                try {
                    scorer = ImageScorer.load(key.uri(), device);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot load the model in " + key.uri(), e);
                }
                LOG.info("loaded the model in {} on {}", key.uri(), key.device());
                LOADS.computeIfAbsent(key.uri(), u -> new AtomicInteger()).incrementAndGet();
            }
            return scorer;
        }

        synchronized void close() {
            if (scorer != null) {
                scorer.close();
                scorer = null;
            }
        }
    }

    /** The model in {@code modelUri} on the CPU, loaded on first use in this JVM; close the lease when done. */
    public static Lease acquire(String modelUri) {
        return acquire(modelUri, ScoringDevice.CPU);
    }

    /** The model in {@code modelUri} on {@code device}, loaded on first use in this JVM; close the lease when done. */
    public static Lease acquire(String modelUri, ScoringDevice device) {
        Key key = new Key(modelUri, device.device().toString());
        Entry entry;
        List<Entry> unused;
        synchronized (ModelCache.class) {
            entry = MODELS.get(key);
            if (entry == null) {
                entry = new Entry(key, device);
                MODELS.put(key, entry);
            }
            entry.leases++;
            unused = evictBeyondCapacity();
        }
        closeAll(unused);
        try {
            return new Lease(entry, entry.load());
        } catch (RuntimeException e) {
            release(entry);
            throw e;
        }
    }

    /** How many times this JVM has loaded the model in {@code modelUri} (evicted and reloaded models count again). */
    public static int loads(String modelUri) {
        AtomicInteger n = LOADS.get(modelUri);
        return n == null ? 0 : n.get();
    }

    /** The model URIs loaded or being loaded now (once per device), least recently used first. */
    public static synchronized List<String> cached() {
        List<String> uris = new ArrayList<>();
        MODELS.keySet().forEach(k -> uris.add(k.uri()));
        return uris;
    }

    private static void release(Entry entry) {
        boolean close;
        synchronized (ModelCache.class) {
            entry.leases--;
            close = entry.evicted && entry.leases == 0;
        }
        if (close) {
            entry.close();
        }
    }

    /** Drops the least recently used entries beyond the capacity; returns those no task holds, to be closed. */
    private static List<Entry> evictBeyondCapacity() {
        List<Entry> unused = new ArrayList<>();
        Iterator<Entry> it = MODELS.values().iterator();
        while (MODELS.size() > CAPACITY && it.hasNext()) {
            Entry eldest = it.next();
            it.remove();
            eldest.evicted = true;
            if (eldest.leases == 0) {
                unused.add(eldest);
            }
        }
        return unused;
    }

    private static void closeAll(List<Entry> entries) {
        for (Entry e : entries) {
            e.close();
        }
    }
}
