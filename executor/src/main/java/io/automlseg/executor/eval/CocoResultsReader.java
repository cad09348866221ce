package io.automlseg.executor.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.automlseg.executor.eval.CocoDataset.Annotation;
import io.automlseg.executor.eval.CocoDataset.Image;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Detections as pycocotools' {@code loadRes} reads them against a ground truth: streamed one at a time (never
 * held whole, as text or as a tree), checked field by field, and their masks decoded in parallel.
 */
final class CocoResultsReader {
    private final CocoDataset groundTruth;
    private final Map<Long, Image> images;
    private final List<Long> categoryIds;
    private final String gtSource;
    private final List<Pending> pending = new ArrayList<>();
    /** Whether areas come from the boxes: decided by the first result, as {@code loadRes} does. */
    private Boolean fromBoxes;

    private CocoResultsReader(CocoDataset groundTruth) {
        this.groundTruth = groundTruth;
        this.images = groundTruth.images();
        this.categoryIds = groundTruth.categoryIds();
        this.gtSource = groundTruth.source();
    }

    /**
     * Ids are position + 1 and nothing is crowd. When the first result has a box, every area is the box's
     * {@code w * h} (also for mask evaluation); otherwise the area and box come from the RLE.
     */
    static CocoDataset read(CocoDataset groundTruth, CocoJsonReader reader) throws IOException {
        CocoResultsReader results = new CocoResultsReader(groundTruth);
        String source = reader.source();
        try {
            reader.readList("detections", (parser, i) -> results.add(streamed(parser, i, source), i, source));
            return results.finish(results.pending, source);
        } catch (CocoFormatException e) {
            throw reader.located(e);
        }
    }

    private void add(Streamed r, int i, String source) {
        if (fromBoxes == null) {
            fromBoxes = r.bbox() != null && r.bbox().length > 0;
        }
        pending.add(pending(r, i, source, fromBoxes));
    }

    /** The fields of one result as streamed; null where absent. A {@code bbox} of length 0 was an empty list. */
    private record Streamed(Long imageId, Long categoryId, Double score, double[] bbox, CocoSegmentation.Raw segmentation) {}

    /** Reads one result object without building a tree; type errors are reported as {@link #pending} would. */
    private static Streamed streamed(JsonParser p, int i, String source) throws IOException {
        String where = "[" + i + "]";
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw CocoFormatException.entry(source, where, "image_id", "is missing: the result is not a JSON object");
        }
        Long imageId = null;
        Long categoryId = null;
        Double score = null;
        double[] bbox = null;
        CocoSegmentation.Raw segmentation = CocoSegmentation.Raw.NONE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "image_id", "category_id" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw CocoFormatException.entry(source, where, field, "is missing or not an integer");
                    }
                    if (field.equals("image_id")) {
                        imageId = p.getLongValue();
                    } else {
                        categoryId = p.getLongValue();
                    }
                }
                case "score" -> {
                    if (!v.isNumeric()) {
                        throw CocoFormatException.entry(source, where, field, "is missing or not a number");
                    }
                    score = p.getDoubleValue();
                }
                case "bbox" -> bbox = v == JsonToken.VALUE_NULL ? null : numbers(p, source, where, "bbox");
                case "segmentation" -> segmentation = streamedSegmentation(p, source, where);
                default -> p.skipChildren();
            }
        }
        return new Streamed(imageId, categoryId, score, bbox, segmentation);
    }

    /** One detection as read, its mask still encoded. */
    private record Pending(int index, long imageId, long categoryId, double score, double[] bbox, CocoSegmentation.Raw segmentation,
            boolean fromBoxes) {}

    private Pending pending(Streamed r, int i, String source, boolean fromBoxes) {
        String where = "[" + i + "]";
        if (r.imageId() == null) {
            throw CocoFormatException.entry(source, where, "image_id", "is missing or not an integer");
        }
        if (!images.containsKey(r.imageId())) {
            throw CocoFormatException.entry(source, where, "image_id",
                    "refers to image " + r.imageId() + " which is not in the ground truth " + gtSource);
        }
        if (r.categoryId() == null) {
            throw CocoFormatException.entry(source, where, "category_id", "is missing or not an integer");
        }
        if (Collections.binarySearch(categoryIds, r.categoryId()) < 0) {
            throw CocoFormatException.entry(source, where, "category_id",
                    "is " + r.categoryId() + " which is not a category of the ground truth " + gtSource);
        }
        if (r.score() == null) {
            throw CocoFormatException.entry(source, where, "score", "is missing or not a number");
        }
        double[] bbox = r.bbox();
        if (bbox == null && fromBoxes) {
            throw CocoFormatException.entry(source, where, "bbox", "is missing");
        }
        if (bbox != null && bbox.length != 4) {
            throw CocoFormatException.entry(source, where, "bbox", "must be [x, y, width, height]");
        }
        if (bbox != null && (bbox[2] < 0 || bbox[3] < 0)) {
            // pycocotools would give such a box a negative area and match it anyway
            throw CocoFormatException.entry(source, where, "bbox", "has a negative width or height: ["
                    + bbox[0] + ", " + bbox[1] + ", " + bbox[2] + ", " + bbox[3] + "]");
        }
        return check(i, source, r.imageId(), r.categoryId(), r.score(), bbox, r.segmentation(), fromBoxes);
    }

    /** The checks of a result that involve more than one field or the ground truth. */
    private Pending check(int i, String resultSource, long imageId, long categoryId, double score, double[] bbox,
            CocoSegmentation.Raw segmentation, boolean fromBoxes) {
        String where = "[" + i + "]";
        Image image = images.get(imageId);
        if (segmentation.isRle() && (segmentation.height() != image.height() || segmentation.width() != image.width())) {
            throw CocoFormatException.entry(resultSource, where, "segmentation.size", "is [" + segmentation.height() + ", "
                    + segmentation.width() + "] but image " + imageId + " is [" + image.height() + ", "
                    + image.width() + "] (height, width) in the ground truth");
        }
        if (!fromBoxes && !segmentation.isRle()) {
            throw CocoFormatException.entry(resultSource, where, "segmentation",
                    "must be an RLE {\"size\", \"counts\"} when results carry no 'bbox'");
        }
        return new Pending(i, imageId, categoryId, score, bbox, segmentation, fromBoxes);
    }

    /** Decodes the masks (in parallel) and gives each detection its id, area and box; the first bad one fails. */
    private CocoDataset finish(List<Pending> pending, String resultSource) {
        Object[] done = IntStream.range(0, pending.size()).parallel().mapToObj(i -> {
            Pending p = pending.get(i);
            try {
                CocoSegmentation.Decoded segmentation = CocoSegmentation.decode(p.segmentation(), resultSource, "[" + p.index() + "]");
                double[] bbox = p.bbox();
                double area;
                if (p.fromBoxes()) {
                    area = bbox[2] * bbox[3];
                    if (segmentation.polygons() == null && segmentation.rle() == null) {
                        segmentation = new CocoSegmentation.Decoded(List.of(CocoSegmentation.boxPolygon(bbox)), null);
                    }
                } else {
                    area = segmentation.rle().area();
                    if (bbox == null) {
                        bbox = segmentation.rle().toBbox();
                    }
                }
                return new Annotation(p.index() + 1, p.imageId(), p.categoryId(), area, bbox, false, p.score(),
                        segmentation.polygons(), segmentation.rle());
            } catch (CocoFormatException e) {
                return e;
            }
        }).toArray();
        List<Annotation> detections = new ArrayList<>(done.length);
        for (Object o : done) {
            if (o instanceof CocoFormatException e) {
                throw e;
            }
            detections.add((Annotation) o);
        }
        return new CocoDataset(resultSource, new LinkedHashMap<>(images), new ArrayList<>(categoryIds), detections,
                groundTruth.categoryNames());
    }

    /** A list of numbers at the parser (on its START_ARRAY). */
    private static double[] numbers(JsonParser p, String source, String where, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw CocoFormatException.entry(source, where, field, "must be a list of numbers");
        }
        double[] values = new double[8];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (!t.isNumeric()) {
                throw CocoFormatException.entry(source, where, field + "[" + n + "]", "is not a number");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getDoubleValue();
        }
        return Arrays.copyOf(values, n);
    }

    private static CocoSegmentation.Raw streamedSegmentation(JsonParser p, String source, String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return CocoSegmentation.Raw.NONE;
        }
        if (t == JsonToken.START_ARRAY) {
            List<double[]> parts = new ArrayList<>(1);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String field = "segmentation[" + parts.size() + "]";
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw CocoFormatException.entry(source, where, field,
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                double[] xy = numbers(p, source, where, field);
                if (xy.length % 2 != 0) {
                    throw CocoFormatException.entry(source, where, field,
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                parts.add(xy);
            }
            return new CocoSegmentation.Raw(parts, null, null, 0, 0);
        }
        if (t == JsonToken.START_OBJECT) {
            double[] size = null;
            String compressed = null;
            int[] counts = null;
            boolean hasCounts = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("size")) {
                    size = v == JsonToken.START_ARRAY ? numbers(p, source, where, "segmentation.size") : null;
                    if (v != JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                } else if (field.equals("counts")) {
                    hasCounts = true;
                    if (v == JsonToken.VALUE_STRING) {
                        compressed = p.getText();
                    } else if (v == JsonToken.START_ARRAY) {
                        double[] c = numbers(p, source, where, "segmentation.counts");
                        counts = new int[c.length];
                        for (int j = 0; j < c.length; j++) {
                            counts[j] = (int) c[j];
                            if (counts[j] != c[j]) {
                                throw CocoFormatException.entry(source, where, "segmentation.counts[" + j + "]", "is not an integer");
                            }
                        }
                    } else {
                        throw CocoFormatException.entry(source, where, "segmentation.counts",
                                "must be a string or a list of run lengths");
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (size == null || size.length != 2 || size[0] != (int) size[0] || size[1] != (int) size[1]
                    || !hasCounts) {
                throw CocoFormatException.entry(source, where, "segmentation", "an RLE needs 'size': [h, w] and 'counts'");
            }
            return new CocoSegmentation.Raw(null, compressed, counts, (int) size[0], (int) size[1]);
        }
        throw CocoFormatException.entry(source, where, "segmentation", "must be a list of polygons or an RLE object");
    }
}
