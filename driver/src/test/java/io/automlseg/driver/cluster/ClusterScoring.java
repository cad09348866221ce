package io.automlseg.driver.cluster;

import io.automlseg.driver.scoring.ModelCache;
import io.automlseg.driver.scoring.TinyScoringModel;
import io.automlseg.executor.predict.ScoredImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF0;

/**
 * What the scoring test on the standalone cluster runs on the executors, and its images. The executors get this
 * class as a jar of its own ({@link #jar}): the application jar holds only main code.
 */
final class ClusterScoring {
    /** The id of the executor evaluating a row: which executor scored it, when added right after the transform. */
    static final UDF0<String> EXECUTOR_ID = () -> SparkEnv.get().executorId();

    private ClusterScoring() {}

    /**
     * Per task, {@code "<executor id> <model loads>"}: how many times that executor JVM loaded {@code modelUri}.
     * Each task waits a little so that both idle executors take tasks.
     */
    static MapPartitionsFunction<Long, String> modelLoads(String modelUri) {
        return ignored -> {
            Thread.sleep(150);
            return List.of(SparkEnv.get().executorId() + " " + ModelCache.loads(modelUri)).iterator();
        };
    }

    /** A jar of this class (with its lambdas) for {@code spark.jars}. */
    static Path jar(Path dir) throws IOException, URISyntaxException {
        return TestJar.of(dir, "cluster-scoring-test.jar", ClusterScoring.class);
    }

    /** Twelve PNG images of shapes, grey, RGB and RGBA in turn, of different sizes; returns their URIs. */
    static List<String> images(Path dir) throws IOException {
        int[] types = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_4BYTE_ABGR};
        String[] names = {"grey", "rgb", "rgba"};
        Files.createDirectories(dir);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Path file = dir.resolve(String.format("%s-%02d.png", names[i % 3], i));
            Files.write(file, TinyScoringModel.png(TinyScoringModel.shapes(types[i % 3], 56 + 8 * i, 112 - 4 * i, i)));
            uris.add(file.toUri().toString());
        }
        return uris;
    }

    /** A row's typed predictions as {@code automl predict}'s scoring record of the image {@code filename}. */
    static ScoredImage record(String filename, List<Row> objects) {
        List<ScoredImage.Detection> boxes = new ArrayList<>();
        for (Row o : objects) {
            Row b = o.getAs("box");
            List<double[]> polygons = new ArrayList<>();
            for (Object polygon : o.getList(o.fieldIndex("polygon"))) {
                scala.collection.Seq<?> points = (scala.collection.Seq<?>) polygon;
                double[] xy = new double[points.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = (Double) points.apply(i);
                }
                polygons.add(xy);
            }
            boxes.add(new ScoredImage.Detection(new ScoredImage.Box(b.getAs("topX"), b.getAs("topY"),
                    b.getAs("bottomX"), b.getAs("bottomY")), o.getAs("label"), o.getAs("score"), polygons));
        }
        return new ScoredImage(filename, boxes);
    }
}
