package io.automlseg.executor.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
                    parts.add(Rle.fromPolygon(boxPolygon(part), h, w));
                } else {
                    parts.add(Rle.fromPolygon(part, h, w));
                }
            }
            return Rle.union(parts);
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

    /** Reads a COCO results file (a JSON array of detections) through {@link Storage}; see {@link #withResults}. */
    public CocoDataset loadResults(String uri) throws IOException {
        byte[] bytes = Storage.readBytes(uri);
        try {
            return withResults(readTree(bytes, uri), uri);
        } catch (InvalidEntry e) {
            throw e.atLine(bytes);
        }
    }

    /**
     * Detections as pycocotools' {@code loadRes}: ids are position + 1 and nothing is crowd. When the first result
     * has a box, every area is the box's {@code w * h} (also for mask evaluation); otherwise the area and box come
     * from the RLE. Every image id must be one of this ground truth's images.
     */
    public CocoDataset withResults(JsonNode results, String resultSource) {
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException(resultSource + ": expected a JSON array of detections");
        }
        boolean fromBoxes = results.size() > 0 && results.get(0).hasNonNull("bbox")
                && results.get(0).get("bbox").size() > 0;
        List<Annotation> detections = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonNode node = results.get(i);
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
            Segmentation segmentation = segmentation(node, resultSource, where);
            Image image = images.get(imageId);
            if (segmentation.rle != null && (segmentation.rle.height() != image.height()
                    || segmentation.rle.width() != image.width())) {
                throw invalid(resultSource, where, "segmentation.size", "is [" + segmentation.rle.height() + ", "
                        + segmentation.rle.width() + "] but image " + imageId + " is [" + image.height() + ", "
                        + image.width() + "] (height, width) in the ground truth");
            }
            double[] bbox;
            double area;
            if (fromBoxes) {
                bbox = box(node, resultSource, where, true);
                area = bbox[2] * bbox[3];
                if (segmentation.polygons == null && segmentation.rle == null) {
                    double[] polygon = boxPolygon(bbox);
                    segmentation = new Segmentation(List.of(polygon), null);
                }
            } else {
                if (segmentation.rle == null) {
                    throw invalid(resultSource, where, "segmentation",
                            "must be an RLE {\"size\", \"counts\"} when results carry no 'bbox'");
                }
                area = segmentation.rle.area();
                double[] given = box(node, resultSource, where, false);
                bbox = given != null ? given : segmentation.rle.toBbox();
            }
            detections.add(new Annotation(i + 1, imageId, categoryId, area, bbox, false, score,
                    segmentation.polygons, segmentation.rle));
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

    private static Segmentation segmentation(JsonNode node, String source, String where) {
        JsonNode s = node.get("segmentation");
        if (s == null || s.isNull()) {
            return new Segmentation(null, null);
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
            return new Segmentation(parts, null);
        }
        if (s.isObject()) {
            JsonNode size = s.get("size");
            JsonNode counts = s.get("counts");
            if (size == null || !size.isArray() || size.size() != 2 || counts == null) {
                throw invalid(source, where, "segmentation", "an RLE needs 'size': [h, w] and 'counts'");
            }
            int h = size.get(0).asInt();
            int w = size.get(1).asInt();
            try {
                if (counts.isTextual()) {
                    return new Segmentation(null, Rle.fromCompressedString(counts.asText(), h, w));
                }
                if (counts.isArray()) {
                    int[] c = new int[counts.size()];
                    for (int j = 0; j < c.length; j++) {
                        c[j] = counts.get(j).asInt();
                    }
                    return new Segmentation(null, Rle.ofCounts(h, w, c));
                }
            } catch (IllegalArgumentException e) {
                throw invalid(source, where, "segmentation.counts", e.getMessage());
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
