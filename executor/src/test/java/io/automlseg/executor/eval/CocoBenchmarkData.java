package io.automlseg.executor.eval;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a COCO-val-sized evaluation problem in COCO format for the speed benchmark
 * ({@code scripts/bench/coco_eval.sh}): {@code gt.json} with 5,000 images of typical COCO sizes, 80 categories and
 * about 36,000 objects (polygons; 1% crowd regions as RLE with list counts; object sizes spread over COCO's small,
 * medium and large ranges), and {@code results.json} with 100 detections per image (500,000 in all: jittered copies
 * of the objects, mostly with the right category, and false positives), each with a box and a compressed-RLE mask.
 * Deterministic for a seed.
 *
 * <pre>java ... io.automlseg.executor.eval.CocoBenchmarkData OUT_DIR [IMAGES] [SEED]</pre>
 */
public final class CocoBenchmarkData {
    private static final int[][] SIZES = {{480, 640}, {640, 480}, {427, 640}, {480, 640}, {424, 640}, {512, 640},
        {375, 500}, {640, 427}, {360, 640}, {480, 640}};
    private static final int CATEGORIES = 80;
    private static final int DETECTIONS_PER_IMAGE = 100;

    private CocoBenchmarkData() {}

    public static void main(String[] args) throws IOException {
        File out = new File(args[0]);
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 2014;
        if (!out.isDirectory() && !out.mkdirs()) {
            throw new IOException("cannot create " + out);
        }
        Random random = new Random(seed);
        List<List<Obj>> objects = new ArrayList<>();
        int[][] sizes = new int[images][];
        for (int i = 0; i < images; i++) {
            sizes[i] = SIZES[random.nextInt(SIZES.length)];
            // 1 to 14 objects, 7.2 on average as in COCO val.
            int n = 1 + (int) Math.min(13, -Math.log(1 - random.nextDouble()) * 8.5);
            List<Obj> list = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                list.add(randomObject(random, sizes[i][0], sizes[i][1], 1 + random.nextInt(CATEGORIES),
                        random.nextDouble() < 0.01));
            }
            objects.add(list);
        }
        int gtCount = writeGroundTruth(new File(out, "gt.json"), sizes, objects);
        int dtCount = writeResults(new File(out, "results.json"), sizes, objects, random);
        System.out.printf("%s: %d images, %d categories, %d ground-truth objects, %d detections%n", out, images,
                CATEGORIES, gtCount, dtCount);
    }

    /** A star-shaped polygon (pixel coordinates) with its category; {@code copy} marks a detection of a real object. */
    private record Obj(int category, boolean crowd, boolean copy, double[] polygon) {}

    private static Obj randomObject(Random random, int h, int w, int category, boolean crowd) {
        // sqrt(area) log-uniform in [6, 400] puts about 40% / 26% / 34% of objects in small / medium / large.
        double side = 6 * Math.exp(random.nextDouble() * Math.log(400 / 6.0));
        if (crowd) {
            side = Math.max(side, 60);
        }
        double r = Math.min(side / 1.4, Math.min(h, w) * 0.7);
        double cx = random.nextDouble() * w;
        double cy = random.nextDouble() * h;
        return new Obj(category, crowd, false, star(random, cx, cy, r, 6 + random.nextInt(15)));
    }

    private static double[] star(Random random, double cx, double cy, double r, int k) {
        double[] xy = new double[2 * k];
        for (int i = 0; i < k; i++) {
            double a = 2 * Math.PI * i / k + (random.nextDouble() - 0.5) * 0.4;
            double rr = r * (0.6 + 0.4 * random.nextDouble());
            xy[2 * i] = Math.round((cx + rr * Math.cos(a)) * 100) / 100.0;
            xy[2 * i + 1] = Math.round((cy + rr * Math.sin(a)) * 100) / 100.0;
        }
        return xy;
    }

    private static double polygonArea(double[] xy) {
        int k = xy.length / 2;
        double s = 0;
        for (int i = 0; i < k; i++) {
            int j = (i + 1) % k;
            s += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }
        return Math.abs(s) / 2;
    }

    private static int writeGroundTruth(File file, int[][] sizes, List<List<Obj>> objects) throws IOException {
        int id = 0;
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(file, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("images");
            for (int i = 0; i < sizes.length; i++) {
                g.writeStartObject();
                g.writeNumberField("id", i + 1);
                g.writeStringField("file_name", String.format("%012d.jpg", i + 1));
                g.writeNumberField("height", sizes[i][0]);
                g.writeNumberField("width", sizes[i][1]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int c = 1; c <= CATEGORIES; c++) {
                g.writeStartObject();
                g.writeNumberField("id", c);
                g.writeStringField("name", "category" + c);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            for (int i = 0; i < sizes.length; i++) {
                int h = sizes[i][0];
                int w = sizes[i][1];
                for (Obj o : objects.get(i)) {
                    g.writeStartObject();
                    g.writeNumberField("id", ++id);
                    g.writeNumberField("image_id", i + 1);
                    g.writeNumberField("category_id", o.category());
                    g.writeNumberField("iscrowd", o.crowd() ? 1 : 0);
                    Rle mask = PolygonRaster.fromPolygon(o.polygon(), h, w);
                    if (o.crowd()) {
                        g.writeObjectFieldStart("segmentation");
                        g.writeArrayFieldStart("size");
                        g.writeNumber(h);
                        g.writeNumber(w);
                        g.writeEndArray();
                        g.writeFieldName("counts");
                        int[] counts = mask.counts();
                        g.writeArray(counts, 0, counts.length);
                        g.writeEndObject();
                        g.writeNumberField("area", (double) mask.area());
                        box(g, mask.toBbox());
                    } else {
                        g.writeArrayFieldStart("segmentation");
                        g.writeArray(o.polygon(), 0, o.polygon().length);
                        g.writeEndArray();
                        g.writeNumberField("area", Math.round(polygonArea(o.polygon()) * 100) / 100.0);
                        box(g, polygonBox(o.polygon(), h, w));
                    }
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return id;
    }

    /** Box of the polygon clipped to the image, as COCO's annotation tools give it. */
    private static double[] polygonBox(double[] xy, int h, int w) {
        double x0 = Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        for (int i = 0; i < xy.length; i += 2) {
            x0 = Math.min(x0, xy[i]);
            x1 = Math.max(x1, xy[i]);
            y0 = Math.min(y0, xy[i + 1]);
            y1 = Math.max(y1, xy[i + 1]);
        }
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(w, x1);
        y1 = Math.min(h, y1);
        return new double[] {x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)};
    }

    private static void box(JsonGenerator g, double[] b) throws IOException {
        g.writeArrayFieldStart("bbox");
        for (double v : b) {
            g.writeNumber(Math.round(v * 100) / 100.0);
        }
        g.writeEndArray();
    }

    private static int writeResults(File file, int[][] sizes, List<List<Obj>> objects, Random random)
            throws IOException {
        int count = 0;
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(file, JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (int i = 0; i < sizes.length; i++) {
                int h = sizes[i][0];
                int w = sizes[i][1];
                List<Obj> found = new ArrayList<>();
                for (Obj o : objects.get(i)) {
                    int copies = 1 + random.nextInt(3);
                    for (int c = 0; c < copies && found.size() < DETECTIONS_PER_IMAGE; c++) {
                        found.add(jitter(random, o));
                    }
                }
                while (found.size() < DETECTIONS_PER_IMAGE) {
                    List<Obj> own = objects.get(i);
                    int category = random.nextBoolean() ? own.get(random.nextInt(own.size())).category()
                            : 1 + random.nextInt(CATEGORIES);
                    found.add(randomObject(random, h, w, category, false));
                }
                for (int d = 0; d < found.size(); d++) {
                    Obj o = found.get(d);
                    Rle mask = PolygonRaster.fromPolygon(o.polygon(), h, w);
                    // Copies of real objects score higher on average; three decimals give ties, as real results do.
                    double score = o.copy() ? 0.3 + 0.7 * random.nextDouble() : 0.05 + 0.6 * Math.pow(random.nextDouble(), 2);
                    g.writeStartObject();
                    g.writeNumberField("image_id", i + 1);
                    g.writeNumberField("category_id", o.category());
                    box(g, mask.toBbox());
                    g.writeNumberField("score", Math.round(score * 1000) / 1000.0);
                    g.writeObjectFieldStart("segmentation");
                    g.writeArrayFieldStart("size");
                    g.writeNumber(h);
                    g.writeNumber(w);
                    g.writeEndArray();
                    g.writeStringField("counts", mask.toCompressedString());
                    g.writeEndObject();
                    g.writeEndObject();
                    count++;
                }
            }
            g.writeEndArray();
        }
        return count;
    }

    /**
     * A detection of a real object: the polygon shifted and scaled by up to about 15% of its size, 90% with the
     * right category.
     */
    private static Obj jitter(Random random, Obj o) {
        double[] xy = o.polygon();
        double cx = 0;
        double cy = 0;
        int k = xy.length / 2;
        double x0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        for (int i = 0; i < k; i++) {
            cx += xy[2 * i] / k;
            cy += xy[2 * i + 1] / k;
            x0 = Math.min(x0, xy[2 * i]);
            x1 = Math.max(x1, xy[2 * i]);
        }
        double size = x1 - x0;
        double dx = (random.nextDouble() - 0.5) * 0.3 * size;
        double dy = (random.nextDouble() - 0.5) * 0.3 * size;
        double s = 0.85 + 0.3 * random.nextDouble();
        double[] moved = new double[xy.length];
        for (int i = 0; i < k; i++) {
            moved[2 * i] = Math.round((cx + (xy[2 * i] - cx) * s + dx) * 100) / 100.0;
            moved[2 * i + 1] = Math.round((cy + (xy[2 * i + 1] - cy) * s + dy) * 100) / 100.0;
        }
        int category = random.nextDouble() < 0.9 ? o.category() : 1 + random.nextInt(CATEGORIES);
        return new Obj(category, false, true, moved);
    }
}
