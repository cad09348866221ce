package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.automlseg.driver.scoring.TinyScoringModel;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ScoredImage;
import io.automlseg.executor.savedmodel.SavedModel;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code automl predict} honours the saved model's prediction settings ({@code settings.json}, which a trial fills
 * from its hyperparameters) and its command-line overrides of them: the pixel threshold and polygon budget change the
 * polygons, {@code export_as_image} writes one mask image per detection in the reference's layout, and a bad value
 * exits 2 with a message naming the option.
 */
class PredictSettingsTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path images;

    @BeforeAll
    static void modelAndImages() throws Exception {
        model = tmp.resolve("model");
        TinyScoringModel.write(model);
        images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 3; i++) {
            Files.write(images.resolve("img" + i + ".png"),
                    TinyScoringModel.png(TinyScoringModel.shapes(BufferedImage.TYPE_INT_RGB, 120, 100, i)));
        }
    }

    private static List<ScoredImage> predict(Path out, Path with, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", "--model", with.toString(), "--input",
                images.toString(), "--output", out.toString(), "--master", "local[1]", "--batch-size", "1"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.out() + run.err());
        List<ScoredImage> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(Json.MAPPER.readValue(line, ScoredImage.class));
        }
        return lines;
    }

    /** The number of points of every polygon of every detection. */
    private static IntStream pointCounts(List<ScoredImage> lines) {
        return lines.stream().flatMap(l -> l.boxes().stream()).flatMap(d -> d.polygon().stream())
                .mapToInt(p -> p.length / 2);
    }

    private static int mostPoints(List<ScoredImage> lines) {
        return pointCounts(lines).max().orElse(0);
    }

    /** A copy of the model whose settings.json has these values in place. */
    private static Path modelWith(String name, Map<String, Object> changes) throws Exception {
        Path copy = tmp.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path settings = copy.resolve(SavedModel.SETTINGS_JSON);
        Map<String, Object> s = Json.MAPPER.readValue(settings.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        s.putAll(changes);
        Json.MAPPER.writeValue(settings.toFile(), s);
        return copy;
    }

    @Test
    void theSettingsAndTheirOverridesShapeThePolygons() throws Exception {
        List<ScoredImage> plain = predict(tmp.resolve("plain/p.jsonl"), model);
        int most = mostPoints(plain);
        assertTrue(most > 4, "the random model's polygons have more than 4 points: " + most);

        List<ScoredImage> fewer = predict(tmp.resolve("fewer/p.jsonl"), model, "--max-number-of-polygon-points", "4");
        // The budget is met where 25 rounds of simplification can meet it: a spiky random-weight mask may keep a
        // few more points (as in the reference; MaskPolygonsTest.pointBudgetIsRespected).
        assertTrue(mostPoints(fewer) < most, "fewer points: " + mostPoints(fewer) + " of " + most);
        assertTrue(2 * pointCounts(fewer).sum() < pointCounts(plain).sum(),
                pointCounts(fewer).sum() + " of " + pointCounts(plain).sum());
        assertTrue(2 * pointCounts(fewer).filter(n -> n <= 4).count() > pointCounts(fewer).count(),
                "most polygons within the budget");
        // The same budget from settings.json (as a trial records its own) gives the same lines.
        List<ScoredImage> fromSettings = predict(tmp.resolve("settings/p.jsonl"),
                modelWith("four-points", Map.of("max_number_of_polygon_points", 4)));
        assertEquals(Json.MAPPER.writeValueAsString(fewer), Json.MAPPER.writeValueAsString(fromSettings));

        List<ScoredImage> strict = predict(tmp.resolve("strict/p.jsonl"), model, "--mask-pixel-score-threshold",
                "0.9");
        assertEquals(plain.get(0).boxes().size(), strict.get(0).boxes().size(), "the same detections");
        assertNotEquals(Json.MAPPER.writeValueAsString(plain), Json.MAPPER.writeValueAsString(strict),
                "other masks at another pixel threshold");
    }

    @Test
    void exportAsImageWritesOneMaskImagePerDetection() throws Exception {
        Path out = tmp.resolve("export/p.jsonl");
        List<ScoredImage> lines = predict(out, model, "--export-as-image", "--image-type", "png");
        Path masks = out.getParent().resolve("masks");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(masks)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        int detections = lines.stream().mapToInt(l -> l.boxes().size()).sum();
        assertTrue(detections > 0, "the model detects objects");
        assertEquals(detections, files.size(), files.toString());
        ScoredImage first = lines.get(0);
        ScoredImage.Detection d = first.boxes().get(0);
        Path expected = masks.resolve("img0/" + d.label() + "/img0_0_label_" + d.label() + "_conf_"
                + String.format(java.util.Locale.ROOT, "%.2f", d.score()) + ".png");
        assertTrue(Files.exists(expected), expected + " among " + files);
        BufferedImage mask = ImageIO.read(expected.toFile());
        assertEquals(120, mask.getWidth());
        assertEquals(100, mask.getHeight());
        Raster r = mask.getRaster();
        int on = 0;
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 120; x++) {
                int v = r.getSample(x, y, 0);
                assertTrue(v == 0 || v == 255, "binary mask, got " + v);
                on += v == 255 ? 1 : 0;
            }
        }
        assertTrue(on > 0, "the mask has object pixels");

        // The settings.json of a model asking for BMP images: the export happens without any option.
        Path bmpOut = tmp.resolve("bmp/p.jsonl");
        predict(bmpOut, modelWith("bmp-model", Map.of("export_as_image", true, "image_type", "bmp")));
        try (Stream<Path> walk = Files.walk(bmpOut.getParent().resolve("masks"))) {
            assertEquals(detections, walk.filter(f -> f.toString().endsWith(".bmp")).count());
        }
        // A second run replaces the masks it wrote; --no-export-as-image turns the model's setting off.
        predict(out, model, "--export-as-image", "--image-type", "jpg");
        try (Stream<Path> walk = Files.walk(masks)) {
            assertEquals(List.of(), walk.filter(f -> f.toString().endsWith(".png")).toList());
        }
        Path offOut = tmp.resolve("off/p.jsonl");
        predict(offOut, modelWith("bmp-model-2", Map.of("export_as_image", true)), "--no-export-as-image");
        assertFalse(Files.exists(offOut.getParent().resolve("masks")));
    }

    @Test
    void badValuesExitTwoNamingTheOption() throws Exception {
        String[][] cases = {{"--mask-pixel-score-threshold", "1.5"}, {"--max-number-of-polygon-points", "0"},
            {"--image-type", "gif"}};
        for (String[] c : cases) {
            Path out = tmp.resolve("bad/p.jsonl");
            CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", images.toString(), "--output",
                    out.toString(), "--master", "local[1]", c[0], c[1]);
            assertEquals(2, run.code(), run.out() + run.err());
            assertTrue(run.err().contains(c[0] + ":") && run.err().contains(c[1]), run.err());
            assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
            assertFalse(Files.exists(out));
        }
        // A masks folder beside the output that predict did not write is never replaced.
        Path out = tmp.resolve("theirs/p.jsonl");
        Files.createDirectories(out.getParent().resolve("masks"));
        Files.writeString(out.getParent().resolve("masks/ground-truth.png"), "theirs");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", images.toString(), "--output",
                out.toString(), "--master", "local[1]", "--export-as-image");
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("was not written by automl predict"), run.err());
        assertTrue(Files.exists(out.getParent().resolve("masks/ground-truth.png")));
    }
}
