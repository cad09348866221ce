package io.automlseg.executor.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Hands one epoch's training batches to the training thread strictly in order, preparing them (decoding,
 * augmenting, resizing) on {@code number_of_workers} background threads while earlier steps train; with no workers each batch
 * is prepared on the training thread when it is asked for. A batch's content depends only on its index (see
 * {@link #batchRandom}), never on which thread prepared it or when, so the number of workers does not change a trial.
 *
 * <p>At most two batches per worker are in flight (queued, being prepared, or ready; the one the training thread
 * waits for included), as PyTorch's DataLoader keeps by default (prefetch_factor 2): while a step trains, every worker
 * has a batch to prepare, and memory stays bounded. The time the training thread spends waiting for its
 * next batch (with no workers: preparing it) is added up, so a run can show what share of a step data loading costs.
 */
final class BatchLoader<T> implements AutoCloseable {
    /** Name prefix of the worker threads, so a trial's thread dump says what they are. */
    static final String THREAD_NAME = "training-batch-loader-";
    static final int BATCHES_PER_WORKER = 2;
    /** The golden-ratio increment of SplitMix64, which spreads consecutive batch indices over the seed space. */
    private static final long BATCH_SEED_STEP = 0x9E3779B97F4A7C15L;

    private final int count;
    private final IntFunction<T> prepare;
    private final ExecutorService workers;
    private final List<Thread> threads = new ArrayList<>();
    private final int lookAhead;
    private final Deque<Future<T>> inFlight = new ArrayDeque<>();
    private int submitted;
    private int delivered;
    private long waitNanos;

    /**
     * @param count the epoch's batches, indexed from 0
     * @param workers background threads; 0 prepares every batch on the calling thread
     * @param prepare builds batch {@code i}; it may run on any thread, so it must not touch libtorch or shared
     *     mutable state that is not thread-safe
     */
    BatchLoader(int count, int workers, IntFunction<T> prepare) {
        if (workers < 0) {
            throw new IllegalArgumentException("number_of_workers must be >= 0, not " + workers);
        }
        this.count = count;
        this.prepare = prepare;
        this.lookAhead = BATCHES_PER_WORKER * workers;
        this.workers = workers == 0 ? null : Executors.newFixedThreadPool(workers, this::newThread);
    }

    /**
     * The generator batch {@code batch} augments with: the epoch's seed (one draw from the trial's generator) mixed
     * with the batch index by SplitMix64, so every batch has its own stream whatever order batches are prepared in.
     */
    static Random batchRandom(long epochSeed, int batch) {
        return new Random(new SplittableRandom(epochSeed + BATCH_SEED_STEP * batch).nextLong());
    }

    private synchronized Thread newThread(Runnable task) {
        Thread t = new Thread(task, THREAD_NAME + threads.size());
        // A loader that is never closed must not keep the trial's JVM alive.
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    boolean hasNext() {
        return delivered < count;
    }

    /**
     * The next batch in index order. An exception thrown while preparing it is rethrown here as it was thrown (same
     * type and message), so a bad image fails the trial as it would without workers.
     */
    T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + count + " batches were delivered");
        }
        long start = System.nanoTime();
        try {
            if (workers == null) {
                return prepare.apply(delivered);
            }
            topUp();
            return await(inFlight.removeFirst());
        } finally {
            delivered++;
            waitNanos += System.nanoTime() - start;
        }
    }

    /** Nanoseconds the training thread has spent in {@link #next}. */
    long waitNanos() {
        return waitNanos;
    }

    private void topUp() {
        while (submitted < count && inFlight.size() < lookAhead) {
            int index = submitted++;
            inFlight.addLast(workers.submit(() -> prepare.apply(index)));
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(String.valueOf(cause), cause); // IntFunction throws nothing checked
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a training batch", e);
        }
    }

    /** Stops the workers (batches still in flight are dropped) and waits until their threads have ended. */
    @Override
    public void close() {
        if (workers == null) {
            return;
        }
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        workers.shutdownNow();
        try {
            // A batch being decoded does not notice the interrupt; it ends within one image's decoding.
            workers.awaitTermination(1, TimeUnit.MINUTES);
            List<Thread> started;
            synchronized (this) {
                started = List.copyOf(threads);
            }
            for (Thread t : started) {
                t.join(TimeUnit.MINUTES.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
