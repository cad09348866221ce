package io.automlseg.executor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleOverlap;
import java.io.IOException;
import java.io.UncheckedIOException;
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
                    parts.add(PolygonRaster.fromPolygon(CocoSegmentation.boxPolygon(part), h, w));
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

    CocoDataset(String source, Map<Long, Image> images, List<Long> categoryIds, List<Annotation> annotations,
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

    /** Reads a COCO ground-truth JSON file through {@link Storage}, streamed entry by entry. */
    public static CocoDataset load(String uri) throws IOException {
        return CocoGroundTruthReader.read(CocoJsonReader.file(uri));
    }

    /** Ground truth from a parsed COCO document; {@code source} names it in error messages. */
    public static CocoDataset fromJson(JsonNode root, String source) {
        try {
            return CocoGroundTruthReader.read(CocoJsonReader.tree(root, source));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree in memory is not read from anywhere
        }
    }

    /**
     * Reads a COCO results file (a JSON array of detections) through {@link Storage}; see {@link #withResults}.
     * The file is streamed one detection at a time (never held whole, as text or as a tree) and the masks are
     * decoded in parallel.
     */
    public CocoDataset loadResults(String uri) throws IOException {
        return CocoResultsReader.read(this, CocoJsonReader.file(uri));
    }

    /**
     * Detections as pycocotools' {@code loadRes}: ids are position + 1 and nothing is crowd. When the first result
     * has a box, every area is the box's {@code w * h} (also for mask evaluation); otherwise the area and box come
     * from the RLE. Every image id must be one of this ground truth's images and every category one of its
     * categories; an RLE must have its image's size.
     */
    public CocoDataset withResults(JsonNode results, String resultSource) {
        if (results == null || !results.isArray()) {
            throw CocoFormatException.document(resultSource, 0, null, "expected a JSON array of detections");
        }
        try {
            return CocoResultsReader.read(this, CocoJsonReader.tree(results, resultSource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
