package io.automlseg.driver.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.model.InputImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-JVM model cache: one load for many partitions and jobs, the bound, leases, and streaming partitions. */
class InstanceSegmentationModelCacheTest {
    @TempDir
    static Path dir;
    static Path model;
    static String image;

    @BeforeAll
    static void setUp() throws Exception {
        model = dir.resolve("best_model");
        TinyScoringModel.write(model);
        Path file = dir.resolve("rgb.png");
        Files.write(file, TinyScoringModel.png(TinyScoringModel.shapes(BufferedImage.TYPE_INT_RGB, 64, 64, 5)));
        image = file.toUri().toString();
    }

    @AfterAll
    static void stopSpark() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    /** A model URI this JVM has not seen. */
    private static String freshModel(String name) throws Exception {
        return TinyScoringModel.copy(model, dir.resolve(name)).toString();
    }

    @Test
    void manyPartitionsAndJobsLoadTheModelOncePerJvm() throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("InstanceSegmentationModelCacheTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        String uri = freshModel("shared");
        Dataset<Row> frame = spark.createDataset(Collections.nCopies(12, image), Encoders.STRING()).toDF("u")
                .repartition(6);
        InstanceSegmentationModel stage = InstanceSegmentationModel.fromSavedModel(uri).setInputKind("uri")
                .setInputCol("u").setBatchSize(2);
        List<Row> first = stage.transform(frame).select("predictions", "error").collectAsList();
        assertEquals(12, first.size());
        assertEquals(6, frame.rdd().getNumPartitions());
        first.forEach(r -> assertNull(r.get(1)));
        assertEquals(1, ModelCache.loads(uri), "6 partitions on 2 task threads, one load");
        assertEquals(12, stage.transform(frame).count());
        assertEquals(1, ModelCache.loads(uri), "a later job reuses the loaded model");
    }

    @Test
    void concurrentTasksShareOneLoad() throws Exception {
        String uri = freshModel("concurrent");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Integer> task = () -> {
                    try (ModelCache.Lease lease = ModelCache.acquire(uri)) {
                        return lease.scorer().savedModel().labels().size();
                    }
                };
                done.add(pool.submit(task));
            }
            for (Future<Integer> f : done) {
                assertEquals(TinyScoringModel.LABELS.size(), f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, ModelCache.loads(uri));
    }

    @Test
    void theLeastRecentlyUsedModelIsEvictedButNotUnderATaskThatHoldsIt() throws Exception {
        String a = freshModel("a");
        String b = freshModel("b");
        String c = freshModel("c");
        InputImage pixels = new InputImage(new float[3 * 64 * 64], 64, 64);
        try (ModelCache.Lease heldA = ModelCache.acquire(a)) {
            ModelCache.acquire(b).close();
            ModelCache.acquire(c).close();
            assertEquals(List.of(b, c), ModelCache.cached(), "at most " + ModelCache.CAPACITY + " models");
            // evicted, but this task still holds it: it must still score
            assertEquals(1, heldA.scorer().score(List.of(pixels)).size());
        }
        ModelCache.acquire(b).close(); // b becomes the most recently used: c is evicted next
        ModelCache.acquire(a).close();
        assertEquals(List.of(b, a), ModelCache.cached());
        assertEquals(2, ModelCache.loads(a), "evicted, then loaded again");
        assertEquals(1, ModelCache.loads(b));
        assertEquals(1, ModelCache.loads(c));
    }

    @Test
    void aPartitionIsReadOneBatchAtATime() throws Exception {
        String uri = freshModel("streaming");
        StructType schema = new StructType().add("u", DataTypes.StringType);
        AtomicInteger pulled = new AtomicInteger();
        Iterator<Row> rows = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pulled.get() < 5;
            }

            @Override
            public Row next() {
                pulled.incrementAndGet();
                return RowFactory.create(image);
            }
        };
        PartitionScorer scorer = new PartitionScorer(rows, ImageCells.of(schema, "u", ImageCells.Kind.URI), uri, 2,
                false, PartitionScorer.Options.NONE);
        scorer.next();
        assertEquals(2, pulled.get(), "one batch read");
        scorer.next();
        scorer.next();
        assertEquals(4, pulled.get());
        assertTrue(ModelCache.cached().contains(uri));
        scorer.next();
        scorer.next();
        assertFalse(scorer.hasNext());
        assertEquals(5, pulled.get());
        assertEquals(1, ModelCache.loads(uri));
    }
}
