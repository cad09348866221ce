package io.automlseg.driver.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.mask.RleCodec;
import io.automlseg.executor.predict.ImageScorer;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.savedmodel.SavedModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.image.ImageSchema;
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

/** The scoring stage on local Spark: each input kind, undecodable images, empty input, schema checks and types. */
class InstanceSegmentationModelTest {
    /** Test images by file name: grey, RGB and RGBA, of different sizes. */
    private static final Map<String, BufferedImage> IMAGES = new LinkedHashMap<>();

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static Path images;

    @BeforeAll
    static void setUp() throws Exception {
        model = dir.resolve("best_model");
        TinyScoringModel.write(model);
        images = Files.createDirectories(dir.resolve("images"));
        IMAGES.put("grey.png", TinyScoringModel.shapes(BufferedImage.TYPE_BYTE_GRAY, 80, 64, 1));
        IMAGES.put("rgb.png", TinyScoringModel.shapes(BufferedImage.TYPE_INT_RGB, 96, 72, 2));
        IMAGES.put("rgba.png", TinyScoringModel.shapes(BufferedImage.TYPE_4BYTE_ABGR, 72, 88, 3));
        for (Map.Entry<String, BufferedImage> e : IMAGES.entrySet()) {
            Files.write(images.resolve(e.getKey()), TinyScoringModel.png(e.getValue()));
        }
        spark = SparkSession.builder().master("local[2]").appName("InstanceSegmentationModelTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static InstanceSegmentationModel stage(String kind, String column) {
        return InstanceSegmentationModel.fromSavedModel(model.toString()).setInputKind(kind).setInputCol(column)
                .setBatchSize(1);
    }

    private static String uri(String name) {
        return images.resolve(name).toUri().toString();
    }

    /** Each image's predictions as JSON, by image name; {@code nameColumn} says which image a row is. */
    private static Map<String, String> predictionsByName(Dataset<Row> scored, String nameColumn) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Row r : scored.select(col(nameColumn), to_json(col("predictions")), col("error")).collectAsList()) {
            assertNull(r.get(2), "error for " + r.getString(0));
            String path = r.getString(0);
            out.put(path.substring(path.lastIndexOf('/') + 1), r.getString(1));
        }
        return out;
    }

    /** Rows of Spark's image struct built here, its fields in reverse order: they must be read by name. */
    private static Dataset<Row> handBuiltImageStructs() {
        StructType standard = ImageSchema.columnSchema();
        StructType reversed = new StructType();
        for (int i = standard.fields().length - 1; i >= 0; i--) {
            reversed = reversed.add(standard.fields()[i]);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, BufferedImage> e : IMAGES.entrySet()) {
            BufferedImage img = e.getValue();
            int n = img.getColorModel().getNumComponents();
            int mode = n == 1 ? 0 : n == 3 ? 16 : 24;
            rows.add(RowFactory.create(RowFactory.create(TinyScoringModel.sparkImageBytes(img), mode, n,
                    img.getWidth(), img.getHeight(), uri(e.getKey())), e.getKey()));
        }
        StructType schema = new StructType().add("picture", reversed).add("name", DataTypes.StringType);
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void everyInputKindGivesTheSamePredictionsAsAutomlPredict() throws Exception {
        Dataset<Row> uris = spark.createDataset(List.of(uri("grey.png"), uri("rgb.png"), uri("rgba.png")),
                Encoders.STRING()).toDF("image_url");
        Map<String, String> byUri = predictionsByName(stage("uri", "image_url").transform(uris), "image_url");
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        Map<String, String> byBytes = predictionsByName(stage("binary", "content").transform(files), "path");
        Dataset<Row> sparkImages = spark.read().format("image").load(images.toString());
        Map<String, String> bySparkImageSource = predictionsByName(
                stage("image", "image").transform(sparkImages), "image.origin");
        Map<String, String> byHandBuiltStruct = predictionsByName(
                stage("image", "picture").transform(handBuiltImageStructs()), "name");

        assertEquals(IMAGES.keySet(), byUri.keySet());
        assertEquals(byUri, byBytes, "binaryFile content");
        assertEquals(byUri, bySparkImageSource, "Spark's image source: grey (1), BGR (3) and BGRA (4) channels");
        assertEquals(byUri, byHandBuiltStruct, "the image struct read by field name");
        assertTrue(byUri.values().stream().anyMatch(json -> json.contains("\"label\"")),
                "the tiny model detects something, so the comparison compares objects: " + byUri);

        // The same objects, boxes and polygons as automl predict's JSON (ImageScorer) for the same file.
        try (ModelCache.Lease lease = ModelCache.acquire(model.toString())) {
            Row rgb = stage("uri", "image_url").transform(uris.where(col("image_url").endsWith("rgb.png")))
                    .select("predictions").first();
            ImageScorer.limitThreads(1); // a task's libtorch threads: other counts may round sums differently
            ScoredImage expected = lease.scorer().predict(List.of(uri("rgb.png"))).get(0);
            List<Row> objects = rgb.getList(0);
            assertEquals(expected.boxes().size(), objects.size());
            for (int i = 0; i < objects.size(); i++) {
                ScoredImage.Detection want = expected.boxes().get(i);
                Row got = objects.get(i);
                assertEquals(want.label(), got.getAs("label"));
                assertEquals(want.score(), (double) got.getAs("score"));
                Row box = got.getAs("box");
                assertEquals(want.box().topX(), (double) box.getAs("topX"));
                assertEquals(want.box().bottomY(), (double) box.getAs("bottomY"));
                assertEquals(want.box().topX() * 96, (double) box.getAs("x"), 1e-3);
                assertEquals((want.box().bottomX() - want.box().topX()) * 96, (double) box.getAs("width"), 1e-3);
                List<scala.collection.Seq<Object>> polygons = got.getList(got.fieldIndex("polygon"));
                assertEquals(want.polygon().size(), polygons.size());
                for (int p = 0; p < polygons.size(); p++) {
                    double[] wantPoints = want.polygon().get(p);
                    assertEquals(wantPoints.length, polygons.get(p).size());
                    assertEquals(wantPoints[0], (double) polygons.get(p).apply(0));
                }
            }
        }
    }

    @Test
    void anUndecodableImageGetsAnErrorAndTheOthersAreScored() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.write(broken.resolve("a.png"), TinyScoringModel.png(IMAGES.get("rgb.png")));
        Files.write(broken.resolve("b.png"), "not an image at all".getBytes());
        Files.write(broken.resolve("c.png"), TinyScoringModel.png(IMAGES.get("grey.png")));
        Dataset<Row> files = spark.read().format("binaryFile").load(broken.toString()).repartition(2);
        Map<String, Row> byName = new LinkedHashMap<>();
        for (Row r : stage("binary", "content").setBatchSize(2).transform(files)
                .select("path", "predictions", "error").collectAsList()) {
            byName.put(r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1), r);
        }
        assertEquals(3, byName.size());
        assertTrue(byName.get("b.png").isNullAt(1));
        assertTrue(byName.get("b.png").getString(2).contains("cannot decode"), byName.get("b.png").getString(2));
        for (String good : List.of("a.png", "c.png")) {
            assertNull(byName.get(good).get(2), good);
            assertNotNull(byName.get(good).get(1), good);
        }

        // A missing file and Spark's mark of an image it could not read (nChannels -1) are row errors too.
        Dataset<Row> uris = spark.createDataset(List.of(uri("rgb.png"), uri("missing.png")), Encoders.STRING())
                .toDF("u");
        List<Row> scored = stage("uri", "u").transform(uris).select("u", "error").collectAsList();
        assertNull(scored.get(0).get(1));
        assertTrue(scored.get(1).getString(1).contains("does not exist"), scored.get(1).getString(1));
        Row invalid = RowFactory.create(RowFactory.create("x.jpg", -1, -1, -1, -1, new byte[0]));
        Row result = stage("image", "image").transform(spark.createDataFrame(List.of(invalid),
                new StructType().add("image", ImageSchema.columnSchema()))).first();
        assertTrue(result.isNullAt(1));
        assertTrue(result.getString(2).contains("x.jpg"), result.getString(2));
    }

    @Test
    void anEmptyDataFrameGivesAnEmptyResultWithoutLoadingTheModel() throws Exception {
        Path fresh = TinyScoringModel.copy(model, dir.resolve("never_loaded"));
        Dataset<Row> empty = spark.createDataset(List.<String>of(), Encoders.STRING()).toDF("image_url");
        Dataset<Row> scored = InstanceSegmentationModel.fromSavedModel(fresh.toString()).setInputKind("uri")
                .setInputCol("image_url").transform(empty);
        assertEquals(List.of("image_url", "predictions", "error"), List.of(scored.columns()));
        assertEquals(0, scored.collectAsList().size());
        assertEquals(0, ModelCache.loads(fresh.toString()));
    }

    @Test
    void aMissingOrWrongColumnFailsBeforeAnyJobNamingTheColumns() {
        Dataset<Row> frame = spark.createDataset(List.of("a"), Encoders.STRING()).toDF("image_url")
                .withColumn("label", col("image_url"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> stage("uri", "path").transform(frame));
        assertTrue(missing.getMessage().contains("'path'"), missing.getMessage());
        assertTrue(missing.getMessage().contains("image_url, label"), missing.getMessage());
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                () -> stage("binary", "image_url").transformSchema(frame.schema()));
        assertTrue(wrongKind.getMessage().contains("binary"), wrongKind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> stage("uri", "image_url").setOutputCol("label")
                .transformSchema(frame.schema()));
        assertThrows(IllegalArgumentException.class, () -> stage("jpeg", "image_url"));
        assertThrows(IllegalArgumentException.class,
                () -> InstanceSegmentationModel.fromSavedModel(dir.resolve("nowhere").toString()));
    }

    @Test
    void theOutputColumnsAreTypedAndCarryTheMaskAsCocoRle() {
        Dataset<Row> uris = spark.createDataset(List.of(uri("rgb.png")), Encoders.STRING()).toDF("image_url");
        Dataset<Row> scored = stage("uri", "image_url").setIncludeRle(true).setOutputCol("objects")
                .setErrorCol("why").transform(uris);
        assertEquals("struct<image_url:string,objects:array<struct<label:string,score:double,"
                + "box:struct<x:double,y:double,width:double,height:double,topX:double,topY:double,bottomX:double,"
                + "bottomY:double>,polygon:array<array<double>>,rle:struct<size:array<int>,counts:string>>>,"
                + "why:string>", scored.schema().simpleString());
        assertFalse(stage("uri", "image_url").transformSchema(uris.schema()).simpleString().contains("rle"));
        List<Row> objects = scored.first().getList(1);
        assertFalse(objects.isEmpty());
        for (Row o : objects) {
            Row rle = o.getAs("rle");
            assertEquals(List.of(72, 96), rle.getList(0));
            // pycocotools' compressed string of a 72x96 mask: decoding checks that the runs cover every pixel
            long area = RleCodec.fromCompressedString(rle.getString(1), 72, 96).area();
            assertTrue(area > 0 && area <= 72 * 96, "area " + area);
            double score = o.getAs("score");
            assertTrue(score >= 0.05 && score <= 1, "score " + score);
        }
    }

    @Test
    void savesAndLoadsAloneAndInAPipelineWithoutTheOriginalFolder() throws Exception {
        Path source = TinyScoringModel.copy(model, dir.resolve("to_be_deleted"));
        Dataset<Row> uris = spark.createDataset(List.of(uri("rgb.png"), uri("grey.png")), Encoders.STRING())
                .toDF("image_url");
        InstanceSegmentationModel stage = InstanceSegmentationModel.fromSavedModel(source.toString())
                .setInputKind("uri").setInputCol("image_url").setIncludeRle(true).setBatchSize(1);
        List<Row> before = stage.transform(uris).select(to_json(col("predictions"))).collectAsList();
        String alone = dir.resolve("saved_stage").toString();
        stage.write().overwrite().save(alone);
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {stage}).fit(uris);
        String inPipeline = dir.resolve("saved_pipeline").toString();
        pipeline.write().save(inPipeline);
        String metadata = Files.readString(Path.of(alone, "metadata", "part-00000"));
        assertTrue(metadata.contains("\"class\":\"" + InstanceSegmentationModel.class.getName() + "\""), metadata);
        assertTrue(metadata.contains("\"includeRle\":true"), metadata);
        try (java.util.stream.Stream<Path> files = Files.list(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(source);

        InstanceSegmentationModel loaded = InstanceSegmentationModel.load(alone);
        assertEquals(stage.uid(), loaded.uid());
        assertEquals("uri", loaded.getInputKind());
        assertTrue(loaded.getModelUri().endsWith("saved_stage/model"), loaded.getModelUri());
        assertTrue(SavedModel.isComplete(loaded.getModelUri()), "the model folder is copied under the stage");
        assertEquals(before, loaded.transform(uris).select(to_json(col("predictions"))).collectAsList());
        PipelineModel reloaded = PipelineModel.load(inPipeline);
        assertTrue(reloaded.stages()[0] instanceof InstanceSegmentationModel);
        assertEquals(before, reloaded.transform(uris).select(to_json(col("predictions"))).collectAsList());
    }
}
