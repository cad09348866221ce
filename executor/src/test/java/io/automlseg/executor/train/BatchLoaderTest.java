package io.automlseg.executor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.data.DataError;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loader's contract: batches in index order, at most two per worker ahead, failures as thrown, no threads left. */
class BatchLoaderTest {

    static boolean loaderThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith(BatchLoader.THREAD_NAME));
    }

    /** Later batches finish first (earlier ones take longer), yet arrive in order. */
    @Test
    void deliversBatchesInIndexOrderWhateverFinishesFirst() {
        int count = 12;
        for (int workers : new int[] {0, 1, 3}) {
            List<Integer> seen = new ArrayList<>();
            try (BatchLoader<Integer> loader = new BatchLoader<>(count, workers, i -> {
                sleep(i % 3 == 0 ? 15 : 1);
                return i;
            })) {
                while (loader.hasNext()) {
                    seen.add(loader.next());
                }
                assertTrue(loader.waitNanos() > 0);
            }
            List<Integer> expected = TrialTrainer.range(count);
            assertEquals(expected, seen, workers + " workers");
        }
        assertFalse(loaderThreadsAlive());
    }

    /**
     * Batch 0 is held until the look-ahead is full, so the workers run as far ahead as they may; no batch starts
     * before the training thread has asked for the one two-per-worker places before it.
     */
    @Test
    void keepsAtMostTwoBatchesPerWorkerAhead() {
        int workers = 2;
        int lookAhead = BatchLoader.BATCHES_PER_WORKER * workers;
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch aheadFull = new CountDownLatch(lookAhead);
        List<Integer> tooEarly = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BatchLoader<Integer> loader = new BatchLoader<>(20, workers, i -> {
            if (i > asked.get() + lookAhead - 2) {
                tooEarly.add(i);
            }
            aheadFull.countDown();
            if (i == 0) {
                await(aheadFull);
            }
            return i;
        })) {
            while (loader.hasNext()) {
                asked.incrementAndGet();
                loader.next();
            }
        }
        assertEquals(0, aheadFull.getCount(), "the workers filled the look-ahead while batch 0 was held");
        assertEquals(List.of(), tooEarly, "batches started before their turn");
    }

    @Test
    void aWorkersFailureReachesTheTrainingThreadAsThrown() {
        DataError failure = new DataError(
                io.automlseg.executor.data.DataProblem.atSource("images/7.png", "image_url",
                        io.automlseg.executor.data.DataProblem.Kind.UNDECODABLE_IMAGE, "not an image"));
        try (BatchLoader<Integer> loader = new BatchLoader<>(6, 2, i -> {
            if (i == 3) {
                throw failure;
            }
            return i;
        })) {
            for (int i = 0; i < 3; i++) {
                assertEquals(i, loader.next());
            }
            DataError thrown = assertThrows(DataError.class, loader::next);
            assertSame(failure, thrown);
            assertTrue(thrown.getMessage().contains("not an image"), thrown.getMessage());
        }
        assertFalse(loaderThreadsAlive(), "the workers end when the loader closes after a failure");
    }

    @Test
    void closingEarlyStopsTheWorkers() {
        try (BatchLoader<Integer> loader = new BatchLoader<>(100, 3, i -> {
            sleep(5);
            return i;
        })) {
            loader.next();
        }
        assertFalse(loaderThreadsAlive());
    }

    @Test
    void eachBatchHasItsOwnRepeatableGenerator() {
        long epochSeed = new Random(47).nextLong();
        assertEquals(BatchLoader.batchRandom(epochSeed, 3).nextLong(), BatchLoader.batchRandom(epochSeed, 3).nextLong());
        assertNotEquals(BatchLoader.batchRandom(epochSeed, 3).nextLong(), BatchLoader.batchRandom(epochSeed, 4).nextLong());
        assertNotEquals(BatchLoader.batchRandom(epochSeed, 0).nextLong(),
                BatchLoader.batchRandom(epochSeed + 1, 0).nextLong());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
