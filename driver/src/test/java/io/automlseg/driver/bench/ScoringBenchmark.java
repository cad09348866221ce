package io.automlseg.driver.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.driver.scoring.InstanceSegmentationModel;
import io.automlseg.driver.scoring.ModelCache;
import io.automlseg.executor.interop.TorchvisionExport;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Scoring throughput of {@link InstanceSegmentationModel#transform} on Spark executors of one core each, in separate
 * JVMs ({@code local-cluster[N,1,MB]}: a Master and N Workers in this JVM, whose executors are launched from the
 * Maven-assembled Spark home as on a standalone cluster). For each executor count it warms every executor up (model
 * load, JIT), times one job that scores all images and aggregates over the predictions (the scoring is an opaque
 * mapPartitions, so nothing can prune it), then reads each executor's model load count with a follow-up job.
 *
 * <p>It also writes the model's torchvision export ({@link TorchvisionExport}, as {@code automl export}) and the list
 * of images, so that scripts/bench/torchvision_scoring.py scores the identical model on the identical images.
 *
 * <p>Timed per image: decoding the JPEG bytes (inputKind=binary), resizing and normalising, the forward pass, pasting
 * and thresholding each detection's mask, tracing its polygons, building the prediction rows, plus Spark's task
 * scheduling and the transfer of the encoded bytes. The bytes are read from disk once, before timing, into the
 * driver's memory; partitions are contiguous slices of one batch each, so batches are the same in every run.
 *
 * <p>Prints {@code RESULT ours executors=N ips=X seconds=S images=I objects=O loads=id:n,... peak=id:MiB,...} per
 * executor count.
 */
public final class ScoringBenchmark {
    private static final List<String> LABELS = List.of("item_a", "item_b", "item_c");

    private ScoringBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path out = Path.of(opt.get("out")).toAbsolutePath();
        Path sparkHome = Path.of(opt.get("spark-home")).toAbsolutePath();
        int batch = Integer.parseInt(opt.get("batch"));
        Files.createDirectories(out);

        Path model = out.resolve("model");
        Path export = out.resolve("torchvision");
        writeModel(model, opt);
        TorchvisionExport.Result exported = TorchvisionExport.write(model.toString(), export.toString());
        System.out.printf("model %s %s-%s px, score threshold %s, at most %s objects/image; exported to %s (%d "
                        + "entries)%n", opt.get("model-name"), opt.get("min-size"), opt.get("max-size"),
                opt.get("score-threshold"), opt.get("detections"), exported.folder(), exported.entries());

        List<Path> images = images(Path.of(opt.get("images-dir")), Integer.parseInt(opt.get("images")), batch);
        Files.write(out.resolve("images.txt"), images.stream().map(Path::toString).toList());
        List<Row> rows = new ArrayList<>();
        long bytes = 0;
        for (Path p : images) {
            byte[] content = Files.readAllBytes(p);
            bytes += content.length;
            rows.add(RowFactory.create(p.getFileName().toString(), content));
        }
        System.out.printf("images: %d from %s (%.1f MB encoded), batches of %d, one partition per batch%n",
                images.size(), opt.get("images-dir"), bytes / 1e6, batch);

        String executorClassPath = executorClassPath(sparkHome);
        for (String n : opt.get("executors").split(",")) {
            run(Integer.parseInt(n.trim()), rows, model.toString(), batch, sparkHome, executorClassPath,
                    Integer.parseInt(opt.get("executor-mb")));
        }
    }

    private static void run(int executors, List<Row> rows, String modelUri, int batch, Path sparkHome,
                            String executorClassPath, int executorMb) {
        // The Workers (in this JVM) launch executors from SPARK_HOME, which the script exports; spark.home says the
        // same for Spark's own checks.
        SparkSession spark = SparkSession.builder()
                .master("local-cluster[" + executors + ",1," + (executorMb + 512) + "]")
                .appName("ScoringBenchmark-" + executors)
                .config("spark.home", sparkHome.toString())
                .config("spark.executor.memory", executorMb + "m")
                .config("spark.executor.extraClassPath", executorClassPath)
                // one core per executor: libtorch would otherwise start a thread per machine core in each
                .config("spark.executor.extraJavaOptions",
                        "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1")
                .config("spark.executorEnv.OMP_NUM_THREADS", "1")
                .config("spark.executorEnv.MKL_NUM_THREADS", "1")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            awaitExecutors(jsc, executors);
            StructType schema = DataTypes.createStructType(List.of(
                    DataTypes.createStructField("path", DataTypes.StringType, false),
                    DataTypes.createStructField("content", DataTypes.BinaryType, false)));
            InstanceSegmentationModel scorer = InstanceSegmentationModel.fromSavedModel(modelUri)
                    .setInputCol("content").setInputKind("binary").setBatchSize(batch);

            // Warm-up: two batches per executor, so that each one loads the model and runs the JIT before timing.
            List<Row> warm = rows.subList(0, Math.min(rows.size(), 2 * executors * batch));
            long t0 = System.nanoTime();
            score(spark, jsc, scorer, schema, warm, batch);
            System.out.printf("executors=%d warm-up: %d images in %.1f s, model loads per executor %s%n", executors,
                    warm.size(), (System.nanoTime() - t0) / 1e9, perExecutor(executorStats(jsc, modelUri, executors), 0));

            long start = System.nanoTime();
            Row totals = score(spark, jsc, scorer, schema, rows, batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            long images = totals.getLong(0);
            Map<String, int[]> stats = executorStats(jsc, modelUri, executors);
            System.out.printf("executors=%d: %d images in %.1f s = %.3f images/s; %d objects, %d polygons, %d "
                            + "undecodable; model loads per executor %s, peak resident MiB per executor %s%n",
                    executors, images, seconds, images / seconds, totals.getLong(1), totals.getLong(2),
                    totals.getLong(3), perExecutor(stats, 0), perExecutor(stats, 1));
            System.out.printf("RESULT ours executors=%d ips=%.4f seconds=%.2f images=%d objects=%d loads=%s peak=%s%n",
                    executors, images / seconds, seconds, images, totals.getLong(1), perExecutor(stats, 0),
                    perExecutor(stats, 1));
        } finally {
            spark.stop();
        }
    }

    /** Scores the rows and returns (images, objects, polygons, undecodable): every prediction is computed. */
    private static Row score(SparkSession spark, JavaSparkContext jsc, InstanceSegmentationModel scorer,
                             StructType schema, List<Row> rows, int batch) {
        int partitions = (rows.size() + batch - 1) / batch;
        Dataset<Row> input = spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
        Dataset<Row> scored = scorer.transform(input);
        return scored.agg(functions.count(functions.lit(1)),
                functions.sum(functions.size(functions.col("predictions"))),
                functions.sum(functions.expr("aggregate(predictions, 0L, (acc, o) -> acc + size(o.polygon))")),
                functions.count(functions.col("error"))).first();
    }

    /**
     * Each executor's count of model loads and its peak resident memory (VmHWM, MiB), read on the executors: enough
     * small tasks that every executor runs one, each returning its executor id, {@link ModelCache#loads} and VmHWM.
     */
    private static Map<String, int[]> executorStats(JavaSparkContext jsc, String modelUri, int executors) {
        int tasks = 8 * executors;
        List<Tuple2<String, int[]>> seen = jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                .mapPartitions((Iterator<Integer> ignored) -> {
                    Thread.sleep(100); // keeps one executor from taking every task before the other asks
                    int[] stats = {ModelCache.loads(modelUri), peakResidentMib()};
                    return List.of(new Tuple2<>(SparkEnv.get().executorId(), stats)).iterator();
                }).collect();
        Map<String, int[]> byExecutor = new TreeMap<>();
        seen.forEach(t -> byExecutor.merge(t._1(), t._2(), (a, b) -> a[0] >= b[0] ? a : b));
        return byExecutor;
    }

    /** This JVM's peak resident memory in MiB (heap and native: libtorch's tensors live outside the heap). */
    private static int peakResidentMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return (int) (Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
            }
        }
        return -1;
    }

    /** id:value,... of one column of {@link #executorStats}. */
    private static String perExecutor(Map<String, int[]> stats, int column) {
        return stats.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()[column])
                .collect(Collectors.joining(","));
    }

    private static void awaitExecutors(JavaSparkContext jsc, int executors) {
        long end = System.nanoTime() + 120_000_000_000L;
        // getExecutorMemoryStatus counts the driver too
        while (jsc.sc().getExecutorMemoryStatus().size() < executors + 1) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("fewer than " + executors + " executors registered in 120 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A randomly initialised model of the given variant and sizes, deterministic by its seed. */
    private static void writeModel(Path folder, Map<String, String> opt) throws IOException {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_name", opt.get("model-name"));
        hp.put("random_seed", 7);
        hp.put("min_size", Integer.parseInt(opt.get("min-size")));
        hp.put("max_size", Integer.parseInt(opt.get("max-size")));
        // random weights score every class near 1 / classes: a threshold below that lets objects through
        hp.put("box_score_threshold", Double.parseDouble(opt.get("score-threshold")));
        hp.put("box_detections_per_image", Integer.parseInt(opt.get("detections")));
        ModelConfig config = ModelConfigs.fromHyperparameters(new TrainingParameters(hp), LABELS.size() + 1);
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN net = MaskRCNN.create(config, manager, 7L)) {
            solidMasks(net.parameters());
            new SavedModel(opt.get("model-name"), LABELS, hp, SavedModel.inferenceSettings(config), Map.of())
                    .write(folder.toString(), net);
        }
    }

    /**
     * Random mask logits are large (a standard deviation of about 14), so every pasted mask would be speckle of some
     * ninety polygons, not the one or two outlines a trained model's object has: the mask predictor's weights are
     * scaled down and its bias raised, which makes each mask the solid region of its box (one polygon).
     */
    private static void solidMasks(NetworkWeights weights) throws IOException {
        String logits = "roi_heads.mask_predictor.mask_fcn_logits.";
        for (String name : List.of(logits + "weight", logits + "bias")) {
            NDArray array = weights.get(name);
            float[] values = array.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] = name.endsWith("weight") ? values[i] * 0.02f : values[i] + 1f;
            }
            weights.assign(name, new NetworkWeights.Tensor(array.getShape(), values));
        }
    }

    /** The first {@code count} images of the folder by file name, a whole number of batches. */
    private static List<Path> images(Path dir, int count, int batch) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png)$")).sorted().toList();
            int n = Math.min(count, all.size()) / batch * batch;
            if (n == 0) {
                throw new IllegalArgumentException("fewer than " + batch + " images in " + dir);
            }
            return all.subList(0, n);
        }
    }

    /**
     * What the executors need beyond Spark's own jars: this build's classes and the libraries that the application
     * jar bundles (DJL and the rest), i.e. this JVM's class path less the jars the Spark home already has.
     */
    private static String executorClassPath(Path sparkHome) throws IOException {
        Set<String> sparkJars;
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            sparkJars = jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !sparkJars.contains(Path.of(e).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("model-name", "maskrcnn_resnet50_fpn",
                "min-size", "512", "max-size", "853", "score-threshold", "0.05", "detections", "20",
                "images", "32", "batch", "1", "executors", "1,2", "executor-mb", "2048"));
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("out", "spark-home", "images-dir")) {
            if (!opt.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return opt;
    }
}
