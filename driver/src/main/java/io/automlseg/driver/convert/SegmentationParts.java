package io.automlseg.driver.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.executor.mask.MaskPolygons;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A COCO annotation's segmentation as MLTable polygon parts in [0, 1]: polygons divided by the image size (unless
 * they already look normalised), RLE masks traced as the reference's mask tools do, coordinates clamped, parts of
 * fewer than three points dropped; every change counted.
 */
final class SegmentationParts {
    private static final double NORMALISED_BBOX_LIMIT = 1.5;

    private SegmentationParts() {}

    /** What a conversion left out or changed, with the first few places. */
    static final class Counters {
        int skipped, dropped, clamped;
        final List<String> warnings = new ArrayList<>();

        void warn(String message) {
            if (warnings.size() < CocoConverter.MAX_WARNINGS) {
                warnings.add(message);
            }
        }
    }

    /** The annotation's polygon parts, normalised to [0, 1]; empty if it has none usable. */
    static List<double[]> normalisedParts(CocoToMlTable.Entry e, int width, int height, Counters counters) {
        JsonNode seg = e.node().get("segmentation");
        List<double[]> parts = new ArrayList<>();
        if (seg == null || seg.isNull() || (seg.isArray() && seg.isEmpty())) {
            return parts;
        }
        if (seg.isObject()) {
            return rleParts(e, seg, counters);
        }
        if (!seg.isArray()) {
            throw new DataSetException(e.where() + ": field 'segmentation': expected a list of polygons or an RLE"
                    + " object, got " + seg.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        List<JsonNode> polygons = new ArrayList<>();
        if (seg.get(0).isNumber()) {
            polygons.add(seg); // a single flat polygon, as some exporters write it
        } else {
            seg.forEach(polygons::add);
        }
        boolean normalised = alreadyNormalised(e);
        for (int i = 0; i < polygons.size(); i++) {
            JsonNode poly = polygons.get(i);
            String field = "segmentation[" + i + "]";
            if (!poly.isArray()) {
                throw new DataSetException(e.where() + ": field '" + field + "': expected a list of numbers");
            }
            if (poly.size() % 2 != 0) {
                throw new DataSetException(e.where() + ": field '" + field + "': odd number of coordinates ("
                        + poly.size() + "); expected x, y pairs");
            }
            if (poly.size() < 6) {
                counters.dropped++;
                counters.warn(e.where() + ": " + field + " dropped: fewer than 3 points");
                continue;
            }
            double[] part = new double[poly.size()];
            for (int k = 0; k < poly.size(); k++) {
                JsonNode v = poly.get(k);
                if (!v.isNumber()) {
                    throw new DataSetException(e.where() + ": field '" + field + "[" + k + "]': not a number: " + v);
                }
                double scale = normalised ? 1 : (k % 2 == 0 ? width : height);
                part[k] = clamp(v.asDouble() / scale, counters);
            }
            parts.add(part);
        }
        return parts;
    }

    private static List<double[]> rleParts(CocoToMlTable.Entry e, JsonNode seg, Counters counters) {
        JsonNode size = seg.get("size");
        if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt()
                || !size.get(1).canConvertToInt() || size.get(0).asInt() <= 0 || size.get(1).asInt() <= 0) {
            throw new DataSetException(e.where() + ": field 'segmentation.size': expected [height, width]");
        }
        int h = size.get(0).asInt(), w = size.get(1).asInt();
        JsonNode countsNode = seg.get("counts");
        Rle rle;
        try {
            if (countsNode != null && countsNode.isTextual()) {
                rle = RleCodec.fromCompressedString(countsNode.asText(), h, w);
            } else if (countsNode != null && countsNode.isArray()) {
                int[] counts = new int[countsNode.size()];
                for (int i = 0; i < counts.length; i++) {
                    if (!countsNode.get(i).isIntegralNumber() || !countsNode.get(i).canConvertToInt()) {
                        throw new IllegalArgumentException("counts[" + i + "] is not an integer run length");
                    }
                    counts[i] = countsNode.get(i).asInt();
                }
                rle = Rle.ofCounts(h, w, counts);
            } else {
                throw new IllegalArgumentException("expected a list of run lengths or a compressed string");
            }
            List<double[]> parts = new ArrayList<>();
            for (double[] polygon : MaskPolygons.fromMask(rle.decode(), h, w, MaskPolygons.DEFAULT_MAX_POINTS)) {
                for (int k = 0; k < polygon.length; k++) {
                    polygon[k] = clamp(polygon[k], counters);
                }
                parts.add(polygon);
            }
            return parts;
        } catch (IllegalArgumentException ex) {
            throw new DataSetException(e.where() + ": field 'segmentation.counts': " + ex.getMessage());
        }
    }

    /** The reference converter's rule: a bbox with every value below 1.5 means the annotation is normalised. */
    private static boolean alreadyNormalised(CocoToMlTable.Entry e) {
        JsonNode bbox = e.node().get("bbox");
        if (bbox != null && bbox.isArray() && bbox.size() == 4) {
            for (JsonNode v : bbox) {
                if (!v.isNumber() || v.asDouble() >= NORMALISED_BBOX_LIMIT) {
                    return false;
                }
            }
            return true;
        }
        // No bbox: look at the coordinates themselves.
        double max = 0;
        for (JsonNode v : flatten(e.node().get("segmentation"))) {
            max = Math.max(max, Math.abs(v.asDouble()));
        }
        return max < NORMALISED_BBOX_LIMIT;
    }

    private static List<JsonNode> flatten(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode child : node) {
                out.addAll(flatten(child));
            }
        } else if (node.isNumber()) {
            out.add(node);
        }
        return out;
    }

    private static double clamp(double v, Counters counters) {
        if (v < 0 || v > 1) {
            counters.clamped++;
            return Math.max(0, Math.min(1, v));
        }
        return v;
    }
}
