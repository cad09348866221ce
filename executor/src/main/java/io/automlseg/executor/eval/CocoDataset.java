package io.automlseg.executor.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleCodec;
import io.automlseg.executor.mask.RleOverlap;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A COCO ground-truth set (images, categories, annotations) or a result set derived from it by
 * {@link #withResults}, with the field semantics pycocotools' {@code COCO} / {@code loadRes} give them, so that
 * {@link CocoEvaluator} can reproduce COCOeval exactly.
 */
public final class CocoDataset {
    /** One image: only the size matters to evaluation (polygons are rasterised at it). */
    public record Image(long id, int height, int width) {}

    /**
     * One annotation or detection. Exactly one of {@code polygons} / {@code rle} describes the segmentation (both
     * null when there is none). {@code score} is NaN for ground truth.
     */
    public record Annotation(long id, long imageId, long categoryId, double area, double[] bbox, boolean crowd,
            double score, List<double[]> polygons, Rle rle) {

        /**
         * The mask as pycocotools' {@code annToRLE}: an RLE is used as is; polygons are rasterised at the image size
         * and merged by union. A list whose first part has exactly four numbers is read as boxes {@code [x, y, w,
         * h]}, a quirk of {@code frPyObjects} kept for exactness.
         */
        public Rle mask(Image image) {
            if (rle != null) {
                return rle;
            }
            int h = image.height();
            int w = image.width();
            if (polygons == null || polygons.isEmpty()) {
                return Rle.ofCounts(h, w, new int[] {h * w});
            }
            boolean boxes = polygons.get(0).length == 4;
            List<Rle> parts = new ArrayList<>(polygons.size());
            for (double[] part : polygons) {
                if (boxes) {
                    if (part.length != 4) {
                        throw new IllegalArgumentException("annotation " + id
                                + ": segmentation mixes a 4-number part (read as a box) with a polygon");
                    }
                    parts.add(PolygonRaster.fromPolygon(boxPolygon(part), h, w));
                } else {
                    parts.add(PolygonRaster.fromPolygon(part, h, w));
                }
            }
            return RleOverlap.union(parts);
        }
    }

    private final String source;
    private final Map<Long, Image> images;
    private final List<Long> categoryIds;
    private final List<Annotation> annotations;
    private final Map<Long, String> categoryNames;

    private CocoDataset(String source, Map<Long, Image> images, List<Long> categoryIds, List<Annotation> annotations) {
        this(source, images, categoryIds, annotations, Map.of());
    }

    private CocoDataset(String source, Map<Long, Image> images, List<Long> categoryIds, List<Annotation> annotations,
            Map<Long, String> categoryNames) {
        this.categoryNames = Collections.unmodifiableMap(categoryNames);
        this.source = source;
        this.images = Collections.unmodifiableMap(images);
        this.categoryIds = Collections.unmodifiableList(categoryIds);
        this.annotations = Collections.unmodifiableList(annotations);
    }

    /**
     * Ground truth built in memory. Annotation ids must be at least 1 (pycocotools stores matches as ids with 0 for
     * none); areas and boxes are used as given, as pycocotools uses a ground-truth file's own fields.
     */
    public static CocoDataset of(String source, List<Image> images, List<Long> categoryIds,
            List<Annotation> annotations) {
        Map<Long, Image> byId = new LinkedHashMap<>();
        for (Image image : images) {
            byId.put(image.id(), image);
        }
        for (Annotation a : annotations) {
            if (a.id() < 1) {
                throw new IllegalArgumentException(source + ": annotation id " + a.id() + " is not positive");
            }
            if (!byId.containsKey(a.imageId())) {
                throw new IllegalArgumentException(source + ": annotation " + a.id() + " refers to image "
                        + a.imageId() + " which is not in the images");
            }
        }
        return new CocoDataset(source, byId, new ArrayList<>(new TreeSet<>(categoryIds)), new ArrayList<>(annotations));
    }

    /** Reads a COCO ground-truth JSON file through {@link Storage}. */
    public static CocoDataset load(String uri) throws IOException {
        byte[] bytes = Storage.readBytes(uri);
        try {
            return fromJson(readTree(bytes, uri), uri);
        } catch (InvalidEntry e) {
            throw e.atLine(bytes);
        }
    }

    /** Ground truth from a parsed COCO document; {@code source} names it in error messages. */
    public static CocoDataset fromJson(JsonNode root, String source) {
        Map<Long, Image> images = new LinkedHashMap<>();
        JsonNode imageNodes = array(root, "images", source);
        for (int i = 0; i < imageNodes.size(); i++) {
            JsonNode node = imageNodes.get(i);
            String where = "images[" + i + "]";
            long id = integer(node, "id", source, where);
            images.put(id, new Image(id, (int) integer(node, "height", source, where),
                    (int) integer(node, "width", source, where)));
        }
        TreeSet<Long> categories = new TreeSet<>();
        Map<Long, String> names = new LinkedHashMap<>();
        JsonNode categoryNodes = array(root, "categories", source);
        for (int i = 0; i < categoryNodes.size(); i++) {
            long id = integer(categoryNodes.get(i), "id", source, "categories[" + i + "]");
            categories.add(id);
            JsonNode name = categoryNodes.get(i).get("name");
            if (name != null && name.isTextual()) {
                names.put(id, name.asText());
            }
        }
        List<Annotation> annotations = new ArrayList<>();
        JsonNode annotationNodes = root.has("annotations") ? array(root, "annotations", source)
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < annotationNodes.size(); i++) {
            JsonNode node = annotationNodes.get(i);
            String where = "annotations[" + i + "]";
            long imageId = integer(node, "image_id", source, where);
            if (!images.containsKey(imageId)) {
                throw invalid(source, where, "image_id", "refers to image " + imageId + " which is not in 'images'");
            }
            JsonNode crowd = node.get("iscrowd");
            boolean isCrowd = crowd != null && !crowd.isNull() && (crowd.asBoolean() || crowd.asInt() != 0);
            Segmentation segmentation = segmentation(node, source, where);
            annotations.add(new Annotation(integer(node, "id", source, where), imageId,
                    integer(node, "category_id", source, where), number(node, "area", source, where),
                    box(node, source, where, true), isCrowd, Double.NaN, segmentation.polygons, segmentation.rle));
        }
        return new CocoDataset(source, images, new ArrayList<>(categories), annotations, names);
    }

    /**
     * Reads a COCO results file (a JSON array of detections) through {@link Storage}; see {@link #withResults}.
     * The file is streamed one detection at a time (never held whole, as text or as a tree) and the masks are
     * decoded in parallel.
     */
    public CocoDataset loadResults(String uri) throws IOException {
        try (InputStream in = Storage.open(uri); JsonParser parser = Json.MAPPER.getFactory().createParser(in)) {
            // Exactly rounded like Double.parseDouble, several times faster on the many boxes and scores.
            parser.enable(JsonParser.Feature.USE_FAST_DOUBLE_PARSER);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException(uri + ": expected a JSON array of detections");
            }
            List<Pending> pending = new ArrayList<>();
            Boolean fromBoxes = null;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IOException(uri + ": the JSON array of detections is not closed (truncated file?)");
                }
                int i = pending.size();
                Streamed r = streamed(parser, i, uri);
                if (fromBoxes == null) {
                    fromBoxes = r.bbox() != null && r.bbox().length > 0;
                }
                pending.add(pending(r, i, uri, fromBoxes));
            }
            return finish(pending, uri);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(uri + ": invalid JSON at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage(), e);
        } catch (InvalidEntry e) {
            throw e.atLine(Storage.readBytes(uri));
        }
    }

    /**
     * Detections as pycocotools' {@code loadRes}: ids are position + 1 and nothing is crowd. When the first result
     * has a box, every area is the box's {@code w * h} (also for mask evaluation); otherwise the area and box come
     * from the RLE. Every image id must be one of this ground truth's images and every category one of its
     * categories; an RLE must have its image's size.
     */
    public CocoDataset withResults(JsonNode results, String resultSource) {
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException(resultSource + ": expected a JSON array of detections");
        }
        boolean fromBoxes = results.size() > 0 && hasBox(results.get(0));
        List<Pending> pending = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            pending.add(pending(results.get(i), i, resultSource, fromBoxes));
        }
        return finish(pending, resultSource);
    }

    /** The fields of one result as streamed; null where absent. A {@code bbox} of length 0 was an empty list. */
    private record Streamed(Long imageId, Long categoryId, Double score, double[] bbox, RawSegmentation segmentation) {}

    /** Reads one result object without building a tree; type errors are reported as {@link #pending} would. */
    private static Streamed streamed(JsonParser p, int i, String source) throws IOException {
        String where = "[" + i + "]";
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw invalid(source, where, "image_id", "is missing: the result is not a JSON object");
        }
        Long imageId = null;
        Long categoryId = null;
        Double score = null;
        double[] bbox = null;
        RawSegmentation segmentation = new RawSegmentation(null, null, null, 0, 0);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "image_id", "category_id" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw invalid(source, where, field, "is missing or not an integer");
                    }
                    if (field.equals("image_id")) {
                        imageId = p.getLongValue();
                    } else {
                        categoryId = p.getLongValue();
                    }
                }
                case "score" -> {
                    if (!v.isNumeric()) {
                        throw invalid(source, where, field, "is missing or not a number");
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

    private Pending pending(Streamed r, int i, String source, boolean fromBoxes) {
        String where = "[" + i + "]";
        if (r.imageId() == null) {
            throw invalid(source, where, "image_id", "is missing or not an integer");
        }
        if (!images.containsKey(r.imageId())) {
            throw invalid(source, where, "image_id",
                    "refers to image " + r.imageId() + " which is not in the ground truth " + this.source);
        }
        if (r.categoryId() == null) {
            throw invalid(source, where, "category_id", "is missing or not an integer");
        }
        if (Collections.binarySearch(categoryIds, r.categoryId()) < 0) {
            throw invalid(source, where, "category_id",
                    "is " + r.categoryId() + " which is not a category of the ground truth " + this.source);
        }
        if (r.score() == null) {
            throw invalid(source, where, "score", "is missing or not a number");
        }
        double[] bbox = r.bbox();
        if (bbox == null && fromBoxes) {
            throw invalid(source, where, "bbox", "is missing");
        }
        if (bbox != null && bbox.length != 4) {
            throw invalid(source, where, "bbox", "must be [x, y, width, height]");
        }
        return check(i, source, r.imageId(), r.categoryId(), r.score(), bbox, r.segmentation(), fromBoxes);
    }

    /** A list of numbers at the parser (on its START_ARRAY). */
    private static double[] numbers(JsonParser p, String source, String where, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid(source, where, field, "must be a list of numbers");
        }
        double[] values = new double[8];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (!t.isNumeric()) {
                throw invalid(source, where, field + "[" + n + "]", "is not a number");
            }
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getDoubleValue();
        }
        return java.util.Arrays.copyOf(values, n);
    }

    private static RawSegmentation streamedSegmentation(JsonParser p, String source, String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return new RawSegmentation(null, null, null, 0, 0);
        }
        if (t == JsonToken.START_ARRAY) {
            List<double[]> parts = new ArrayList<>(1);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String field = "segmentation[" + parts.size() + "]";
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw invalid(source, where, field,
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                double[] xy = numbers(p, source, where, field);
                if (xy.length % 2 != 0) {
                    throw invalid(source, where, field,
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                parts.add(xy);
            }
            return new RawSegmentation(parts, null, null, 0, 0);
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
                                throw invalid(source, where, "segmentation.counts[" + j + "]", "is not an integer");
                            }
                        }
                    } else {
                        throw invalid(source, where, "segmentation.counts",
                                "must be a string or a list of run lengths");
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (size == null || size.length != 2 || size[0] != (int) size[0] || size[1] != (int) size[1]
                    || !hasCounts) {
                throw invalid(source, where, "segmentation", "an RLE needs 'size': [h, w] and 'counts'");
            }
            return new RawSegmentation(null, compressed, counts, (int) size[0], (int) size[1]);
        }
        throw invalid(source, where, "segmentation", "must be a list of polygons or an RLE object");
    }

    private static boolean hasBox(JsonNode node) {
        return node.hasNonNull("bbox") && node.get("bbox").size() > 0;
    }

    /** One detection as read, its mask still encoded. */
    private record Pending(int index, long imageId, long categoryId, double score, double[] bbox, RawSegmentation segmentation,
            boolean fromBoxes) {}

    private Pending pending(JsonNode node, int i, String resultSource, boolean fromBoxes) {
        String where = "[" + i + "]";
        long imageId = integer(node, "image_id", resultSource, where);
        if (!images.containsKey(imageId)) {
            throw invalid(resultSource, where, "image_id",
                    "refers to image " + imageId + " which is not in the ground truth " + source);
        }
        long categoryId = integer(node, "category_id", resultSource, where);
        if (Collections.binarySearch(categoryIds, categoryId) < 0) {
            throw invalid(resultSource, where, "category_id",
                    "is " + categoryId + " which is not a category of the ground truth " + source);
        }
        double score = number(node, "score", resultSource, where);
        RawSegmentation segmentation = rawSegmentation(node, resultSource, where);
        return check(i, resultSource, imageId, categoryId, score, box(node, resultSource, where, fromBoxes),
                segmentation, fromBoxes);
    }

    /** The checks of a result that involve more than one field or the ground truth. */
    private Pending check(int i, String resultSource, long imageId, long categoryId, double score, double[] bbox,
            RawSegmentation segmentation, boolean fromBoxes) {
        String where = "[" + i + "]";
        Image image = images.get(imageId);
        if (segmentation.isRle() && (segmentation.height != image.height() || segmentation.width != image.width())) {
            throw invalid(resultSource, where, "segmentation.size", "is [" + segmentation.height + ", "
                    + segmentation.width + "] but image " + imageId + " is [" + image.height() + ", "
                    + image.width() + "] (height, width) in the ground truth");
        }
        if (!fromBoxes && !segmentation.isRle()) {
            throw invalid(resultSource, where, "segmentation",
                    "must be an RLE {\"size\", \"counts\"} when results carry no 'bbox'");
        }
        return new Pending(i, imageId, categoryId, score, bbox, segmentation, fromBoxes);
    }

    /** Decodes the masks (in parallel) and gives each detection its id, area and box; the first bad one fails. */
    private CocoDataset finish(List<Pending> pending, String resultSource) {
        Object[] done = IntStream.range(0, pending.size()).parallel().mapToObj(i -> {
            Pending p = pending.get(i);
            try {
                Segmentation segmentation = decode(p.segmentation(), resultSource, "[" + p.index() + "]");
                double[] bbox = p.bbox();
                double area;
                if (p.fromBoxes()) {
                    area = bbox[2] * bbox[3];
                    if (segmentation.polygons == null && segmentation.rle == null) {
                        segmentation = new Segmentation(List.of(boxPolygon(bbox)), null);
                    }
                } else {
                    area = segmentation.rle.area();
                    if (bbox == null) {
                        bbox = segmentation.rle.toBbox();
                    }
                }
                return new Annotation(p.index() + 1, p.imageId(), p.categoryId(), area, bbox, false, p.score(),
                        segmentation.polygons, segmentation.rle);
            } catch (InvalidEntry e) {
                return e;
            }
        }).toArray();
        List<Annotation> detections = new ArrayList<>(done.length);
        for (Object o : done) {
            if (o instanceof InvalidEntry e) {
                throw e;
            }
            detections.add((Annotation) o);
        }
        return new CocoDataset(resultSource, new LinkedHashMap<>(images), new ArrayList<>(categoryIds), detections,
                categoryNames);
    }

    /** Detections built in memory (ids, areas and boxes already set as {@link #withResults} would). */
    public CocoDataset withDetections(List<Annotation> detections) {
        for (Annotation d : detections) {
            if (!images.containsKey(d.imageId())) {
                throw new IllegalArgumentException("detection " + d.id() + " refers to image " + d.imageId()
                        + " which is not in the ground truth " + source);
            }
        }
        return new CocoDataset("detections", new LinkedHashMap<>(images), new ArrayList<>(categoryIds),
                new ArrayList<>(detections));
    }

    /** Category id to name, for the categories whose entry has one. */
    public Map<Long, String> categoryNames() {
        return categoryNames;
    }

    public String source() {
        return source;
    }

    public Map<Long, Image> images() {
        return images;
    }

    /** Category ids, sorted ascending. */
    public List<Long> categoryIds() {
        return categoryIds;
    }

    public List<Annotation> annotations() {
        return annotations;
    }

    private static double[] boxPolygon(double[] b) {
        double xs = b[0];
        double xe = xs + b[2];
        double ys = b[1];
        double ye = ys + b[3];
        return new double[] {xs, ys, xs, ye, xe, ye, xe, ys};
    }

    private record Segmentation(List<double[]> polygons, Rle rle) {}

    /** A segmentation as read: polygons, or an RLE's size with a compressed string or a list of counts. */
    private record RawSegmentation(List<double[]> polygons, String compressed, int[] counts, int height, int width) {
        boolean isRle() {
            return compressed != null || counts != null;
        }
    }

    private static Segmentation segmentation(JsonNode node, String source, String where) {
        return decode(rawSegmentation(node, source, where), source, where);
    }

    private static Segmentation decode(RawSegmentation raw, String source, String where) {
        try {
            if (raw.compressed() != null) {
                return new Segmentation(null, RleCodec.fromCompressedString(raw.compressed(), raw.height(), raw.width()));
            }
            if (raw.counts() != null) {
                return new Segmentation(null, Rle.ofCounts(raw.height(), raw.width(), raw.counts()));
            }
        } catch (IllegalArgumentException e) {
            throw invalid(source, where, "segmentation.counts", e.getMessage());
        }
        return new Segmentation(raw.polygons(), null);
    }

    private static RawSegmentation rawSegmentation(JsonNode node, String source, String where) {
        JsonNode s = node.get("segmentation");
        if (s == null || s.isNull()) {
            return new RawSegmentation(null, null, null, 0, 0);
        }
        if (s.isArray()) {
            List<double[]> parts = new ArrayList<>(s.size());
            for (int p = 0; p < s.size(); p++) {
                JsonNode part = s.get(p);
                if (!part.isArray() || part.size() % 2 != 0) {
                    throw invalid(source, where, "segmentation[" + p + "]",
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                double[] xy = new double[part.size()];
                for (int j = 0; j < xy.length; j++) {
                    if (!part.get(j).isNumber()) {
                        throw invalid(source, where, "segmentation[" + p + "][" + j + "]", "is not a number");
                    }
                    xy[j] = part.get(j).asDouble();
                }
                parts.add(xy);
            }
            return new RawSegmentation(parts, null, null, 0, 0);
        }
        if (s.isObject()) {
            JsonNode size = s.get("size");
            JsonNode counts = s.get("counts");
            if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).isIntegralNumber()
                    || !size.get(1).isIntegralNumber() || counts == null) {
                throw invalid(source, where, "segmentation", "an RLE needs 'size': [h, w] and 'counts'");
            }
            int h = size.get(0).asInt();
            int w = size.get(1).asInt();
            if (counts.isTextual()) {
                return new RawSegmentation(null, counts.asText(), null, h, w);
            }
            if (counts.isArray()) {
                int[] c = new int[counts.size()];
                for (int j = 0; j < c.length; j++) {
                    if (!counts.get(j).isIntegralNumber()) {
                        throw invalid(source, where, "segmentation.counts[" + j + "]", "is not an integer");
                    }
                    c[j] = counts.get(j).asInt();
                }
                return new RawSegmentation(null, null, c, h, w);
            }
            throw invalid(source, where, "segmentation.counts", "must be a string or a list of run lengths");
        }
        throw invalid(source, where, "segmentation", "must be a list of polygons or an RLE object");
    }

    private static double[] box(JsonNode node, String source, String where, boolean required) {
        JsonNode b = node.get("bbox");
        if (b == null || b.isNull()) {
            if (required) {
                throw invalid(source, where, "bbox", "is missing");
            }
            return null;
        }
        if (!b.isArray() || b.size() != 4) {
            throw invalid(source, where, "bbox", "must be [x, y, width, height]");
        }
        double[] box = new double[4];
        for (int j = 0; j < 4; j++) {
            if (!b.get(j).isNumber()) {
                throw invalid(source, where, "bbox[" + j + "]", "is not a number");
            }
            box[j] = b.get(j).asDouble();
        }
        return box;
    }

    private static JsonNode array(JsonNode root, String field, String source) {
        JsonNode node = root == null ? null : root.get(field);
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' is missing or not a list");
        }
        return node;
    }

    private static long integer(JsonNode node, String field, String source, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw invalid(source, where, field, "is missing or not an integer");
        }
        return value.asLong();
    }

    private static double number(JsonNode node, String field, String source, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw invalid(source, where, field, "is missing or not a number");
        }
        return value.asDouble();
    }

    private static InvalidEntry invalid(String source, String where, String field, String problem) {
        return new InvalidEntry(source, where, field, problem);
    }

    /** A bad field of one entry; the line is added once the raw file is at hand. */
    private static final class InvalidEntry extends IllegalArgumentException {
        private final String source;
        private final String where;
        private final String field;
        private final String problem;

        InvalidEntry(String source, String where, String field, String problem) {
            super(source + ": " + where + ", field '" + field + "' " + problem);
            this.source = source;
            this.where = where;
            this.field = field;
            this.problem = problem;
        }

        IllegalArgumentException atLine(byte[] json) {
            String element = pointer(where);
            int line = lineOf(json, element + pointer("." + field));
            if (line < 0) {
                line = lineOf(json, element);
            }
            String at = line < 0 ? "" : "line " + line + ", ";
            return new IllegalArgumentException(
                    source + ": " + at + where + ", field '" + field + "' " + problem, this);
        }

        /** "annotations[3]" -> "/annotations/3", ".segmentation[0]" -> "/segmentation/0". */
        private static String pointer(String path) {
            return path.replaceAll("\\[(\\d+)\\]", "/$1").replace('.', '/').replaceAll("^(?!/)(.)", "/$1");
        }

        /** Line of the first token at {@code pointer}, or -1. */
        private static int lineOf(byte[] json, String pointer) {
            try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
                while (parser.nextToken() != null) {
                    if (parser.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                        return parser.currentTokenLocation().getLineNr();
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return -1;
        }
    }

    private static JsonNode readTree(byte[] bytes, String uri) throws IOException {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(uri + ": invalid JSON at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
