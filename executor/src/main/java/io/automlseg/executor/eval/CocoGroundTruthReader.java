package io.automlseg.executor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.eval.CocoDataset.Annotation;
import io.automlseg.executor.eval.CocoDataset.Image;
import io.automlseg.executor.eval.CocoJsonReader.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A COCO ground truth as pycocotools' {@code COCO} reads it: images (id and size), categories (id, optional name) and
 * annotations with their own area, box, crowd flag and segmentation, each entry checked field by field.
 */
final class CocoGroundTruthReader {
    private static final List<String> SECTIONS = List.of("images", "categories", "annotations");

    private CocoGroundTruthReader() {}

    static CocoDataset read(CocoJsonReader reader) throws IOException {
        Map<String, List<Entry>> sections = reader.readSections(SECTIONS);
        try {
            return build(sections, reader.source());
        } catch (CocoFormatException e) {
            throw reader.located(e);
        }
    }

    private static CocoDataset build(Map<String, List<Entry>> sections, String source) {
        Map<Long, Image> images = new LinkedHashMap<>();
        for (Entry e : required(sections, "images", source)) {
            JsonNode node = e.node();
            String where = e.where();
            long id = integer(node, "id", source, where);
            images.put(id, new Image(id, (int) integer(node, "height", source, where),
                    (int) integer(node, "width", source, where)));
        }
        TreeSet<Long> categories = new TreeSet<>();
        Map<Long, String> names = new LinkedHashMap<>();
        for (Entry e : required(sections, "categories", source)) {
            long id = integer(e.node(), "id", source, e.where());
            categories.add(id);
            JsonNode name = e.node().get("name");
            if (name != null && name.isTextual()) {
                names.put(id, name.asText());
            }
        }
        List<Annotation> annotations = new ArrayList<>();
        for (Entry e : sections.getOrDefault("annotations", List.of())) {
            JsonNode node = e.node();
            String where = e.where();
            long imageId = integer(node, "image_id", source, where);
            if (!images.containsKey(imageId)) {
                throw CocoFormatException.entry(source, where, "image_id",
                        "refers to image " + imageId + " which is not in 'images'");
            }
            JsonNode crowd = node.get("iscrowd");
            boolean isCrowd = crowd != null && !crowd.isNull() && (crowd.asBoolean() || crowd.asInt() != 0);
            CocoSegmentation.Decoded segmentation =
                    CocoSegmentation.decode(rawSegmentation(node, source, where), source, where);
            annotations.add(new Annotation(integer(node, "id", source, where), imageId,
                    integer(node, "category_id", source, where), number(node, "area", source, where),
                    box(node, source, where, true), isCrowd, Double.NaN, segmentation.polygons(), segmentation.rle()));
        }
        return new CocoDataset(source, images, new ArrayList<>(categories), annotations, names);
    }

    private static List<Entry> required(Map<String, List<Entry>> sections, String field, String source) {
        List<Entry> entries = sections.get(field);
        if (entries == null) {
            throw CocoFormatException.document(source, 0, field, "is missing or not a list");
        }
        return entries;
    }

    private static double[] box(JsonNode node, String source, String where, boolean required) {
        JsonNode b = node.get("bbox");
        if (b == null || b.isNull()) {
            if (required) {
                throw CocoFormatException.entry(source, where, "bbox", "is missing");
            }
            return null;
        }
        if (!b.isArray() || b.size() != 4) {
            throw CocoFormatException.entry(source, where, "bbox", "must be [x, y, width, height]");
        }
        double[] box = new double[4];
        for (int j = 0; j < 4; j++) {
            if (!b.get(j).isNumber()) {
                throw CocoFormatException.entry(source, where, "bbox[" + j + "]", "is not a number");
            }
            box[j] = b.get(j).asDouble();
        }
        return box;
    }

    private static long integer(JsonNode node, String field, String source, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw CocoFormatException.entry(source, where, field, "is missing or not an integer");
        }
        return value.asLong();
    }

    private static double number(JsonNode node, String field, String source, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw CocoFormatException.entry(source, where, field, "is missing or not a number");
        }
        return value.asDouble();
    }

    private static CocoSegmentation.Raw rawSegmentation(JsonNode node, String source, String where) {
        JsonNode s = node.get("segmentation");
        if (s == null || s.isNull()) {
            return CocoSegmentation.Raw.NONE;
        }
        if (s.isArray()) {
            List<double[]> parts = new ArrayList<>(s.size());
            for (int p = 0; p < s.size(); p++) {
                JsonNode part = s.get(p);
                if (!part.isArray() || part.size() % 2 != 0) {
                    throw CocoFormatException.entry(source, where, "segmentation[" + p + "]",
                            "must be a polygon [x1, y1, x2, y2, ...] with an even number of coordinates");
                }
                double[] xy = new double[part.size()];
                for (int j = 0; j < xy.length; j++) {
                    if (!part.get(j).isNumber()) {
                        throw CocoFormatException.entry(source, where, "segmentation[" + p + "][" + j + "]", "is not a number");
                    }
                    xy[j] = part.get(j).asDouble();
                }
                parts.add(xy);
            }
            return new CocoSegmentation.Raw(parts, null, null, 0, 0);
        }
        if (s.isObject()) {
            JsonNode size = s.get("size");
            JsonNode counts = s.get("counts");
            if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).isIntegralNumber()
                    || !size.get(1).isIntegralNumber() || counts == null) {
                throw CocoFormatException.entry(source, where, "segmentation", "an RLE needs 'size': [h, w] and 'counts'");
            }
            int h = size.get(0).asInt();
            int w = size.get(1).asInt();
            if (counts.isTextual()) {
                return new CocoSegmentation.Raw(null, counts.asText(), null, h, w);
            }
            if (counts.isArray()) {
                int[] c = new int[counts.size()];
                for (int j = 0; j < c.length; j++) {
                    if (!counts.get(j).isIntegralNumber()) {
                        throw CocoFormatException.entry(source, where, "segmentation.counts[" + j + "]", "is not an integer");
                    }
                    c[j] = counts.get(j).asInt();
                }
                return new CocoSegmentation.Raw(null, null, c, h, w);
            }
            throw CocoFormatException.entry(source, where, "segmentation.counts", "must be a string or a list of run lengths");
        }
        throw CocoFormatException.entry(source, where, "segmentation", "must be a list of polygons or an RLE object");
    }

}
