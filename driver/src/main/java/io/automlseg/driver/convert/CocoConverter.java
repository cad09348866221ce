package io.automlseg.driver.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.driver.datasets.MlTableFolder;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.DataProblem;
import io.automlseg.executor.data.DataReport;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.LoadedDataset;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.eval.CocoFormatException;
import io.automlseg.executor.eval.CocoJsonReader;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.MaskPolygons;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleCodec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * {@code automl convert}: COCO instance-segmentation JSON to an MLTable folder in the reference product's JSONL form,
 * and back.
 *
 * <p>COCO to MLTable: polygon vertices are divided by the image width and height (unless the annotation already
 * looks normalised: every bbox value below 1.5, as the reference converter decides), then clamped into [0, 1]
 * because the reference product silently drops segments with coordinates outside it. RLE masks (uncompressed
 * {@code counts} lists and compressed strings) become polygons as the reference's mask tools trace them
 * ({@link MaskPolygons}: one polygon per contour, at most 100 points each). Annotations without a segmentation are
 * skipped (this task accepts polygons only) and counted in the report. An MLTable has no list of categories, so
 * categories nobody uses are lost; the report names them.
 *
 * <p>MLTable to COCO: the folder is read by the trials' validating reader ({@link MLTableReader}); with
 * {@code ignoreDataErrors} bad lines, objects and polygon parts are left out and counted instead of failing. Normalised
 * polygons are scaled to pixels, the bbox and the area (shoelace, summed over parts) are computed, {@code isCrowd}
 * becomes {@code iscrowd}, and categories are numbered 1..K by name or by first use.
 */
public final class CocoConverter {
    private static final double NORMALISED_BBOX_LIMIT = 1.5;
    private static final int MAX_WARNINGS = 20;

    /** How category ids are assigned when writing COCO. */
    public enum CategoryOrder { SORTED, FIRST_SEEN }

    /**
     * What a conversion did.
     *
     * @param images images written
     * @param objects objects (annotations) written
     * @param labels class names written, in category order
     * @param unusedCategories COCO categories without any annotation (an MLTable cannot keep them)
     * @param skippedImages MLTable lines left out as unusable (only when data errors are ignored)
     * @param skippedObjects annotations dropped (no usable segmentation, or an object the validating reader rejects)
     * @param droppedSegments polygon parts dropped for having fewer than 3 points
     * @param clampedCoordinates coordinates moved into [0, 1]
     * @param warnings the first few skipped or corrected entries, with their location
     */
    public record Report(int images, int objects, List<String> labels, List<String> unusedCategories,
            int skippedImages, int skippedObjects, int droppedSegments, int clampedCoordinates, List<String> warnings) {}

    private record Entry(String where, JsonNode node) {}

    private CocoConverter() {}

    // ---------------------------------------------------------------- COCO -> MLTable

    /**
     * Converts a COCO JSON file into an MLTable folder.
     *
     * @param cocoFileUri the COCO annotation file
     * @param imagesFolderUri folder that {@code file_name}s are relative to; null for the COCO file's folder (with a
     *     fallback to its {@code images/} sub-folder)
     * @param outputFolderUri the MLTable folder to write
     * @param copyImages copy the images into {@code <output>/images/} and refer to them relatively; otherwise refer
     *     to the original files by absolute URI
     */
    public static Report cocoToMlTable(String cocoFileUri, String imagesFolderUri, String outputFolderUri,
            boolean copyImages) throws IOException {
        if (!Storage.exists(cocoFileUri)) {
            throw new DataSetException(cocoFileUri + ": COCO file not found");
        }
        Map<String, List<Entry>> sections = readSections(cocoFileUri);
        String cocoFolder = parent(cocoFileUri);

        Map<Long, String> categories = new LinkedHashMap<>();
        for (Entry e : sections.get("categories")) {
            long id = requireLong(e, "id");
            String name = requireText(e, "name");
            if (categories.put(id, name) != null) {
                throw new DataSetException(e.where() + ": field 'id': category id " + id + " appears twice");
            }
        }

        Map<Long, ImageOut> images = new LinkedHashMap<>();
        Set<String> targetNames = new LinkedHashSet<>();
        for (Entry e : sections.get("images")) {
            long id = requireLong(e, "id");
            String fileName = requireText(e, "file_name");
            String source = locateImage(e, fileName, imagesFolderUri, cocoFolder);
            int width = e.node().hasNonNull("width") ? positiveInt(e, "width") : -1;
            int height = e.node().hasNonNull("height") ? positiveInt(e, "height") : -1;
            if (width < 0 || height < 0) {
                int[] size = imageSize(source, e.where());
                width = size[0];
                height = size[1];
            }
            String url;
            if (copyImages) {
                String relative = relativeFileName(fileName);
                url = "images/" + relative;
                if (!targetNames.add(url)) {
                    throw new DataSetException(e.where() + ": field 'file_name': two images would both be copied to "
                            + url);
                }
            } else {
                url = Storage.qualify(source);
            }
            if (images.put(id, new ImageOut(e.where(), source, url, width, height, new ArrayList<>())) != null) {
                throw new DataSetException(e.where() + ": field 'id': image id " + id + " appears twice");
            }
        }

        Counters counters = new Counters();
        Set<Long> usedCategories = new LinkedHashSet<>();
        for (Entry e : sections.get("annotations")) {
            long imageId = requireLong(e, "image_id");
            ImageOut image = images.get(imageId);
            if (image == null) {
                throw new DataSetException(e.where() + ": field 'image_id': no image has id " + imageId);
            }
            long categoryId = requireLong(e, "category_id");
            String label = categories.get(categoryId);
            if (label == null) {
                throw new DataSetException(e.where() + ": field 'category_id': no category has id " + categoryId);
            }
            List<double[]> parts = normalisedParts(e, image, counters);
            if (parts.isEmpty()) {
                counters.skipped++;
                counters.warn(e.where() + ": skipped: no polygon part with 3 or more points");
                continue;
            }
            image.labels().add(MLTableLine.Label.of(label, crowd(e), parts));
            usedCategories.add(categoryId);
        }

        Storage.mkdirs(outputFolderUri);
        List<MLTableLine> lines = new ArrayList<>();
        int objects = 0;
        for (ImageOut image : images.values()) {
            if (copyImages) {
                Storage.copy(image.source(), Storage.resolve(outputFolderUri, image.url()));
            }
            lines.add(new MLTableLine(image.url(),
                    new MLTableLine.ImageDetails(format(image.url()), image.width(), image.height()), image.labels()));
            objects += image.labels().size();
        }
        MlTableFolder.write(outputFolderUri, lines);
        copyProvenance(cocoFolder, outputFolderUri);

        List<String> labels = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        categories.forEach((id, name) -> (usedCategories.contains(id) ? labels : unused).add(name));
        return new Report(images.size(), objects, labels, unused, 0, counters.skipped, counters.dropped,
                counters.clamped, counters.warnings);
    }

    private record ImageOut(String where, String source, String url, int width, int height,
            List<MLTableLine.Label> labels) {}

    private static final class Counters {
        int skipped, dropped, clamped;
        final List<String> warnings = new ArrayList<>();

        void warn(String message) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(message);
            }
        }
    }

    /** The annotation's polygon parts, normalised to [0, 1]; empty if it has none usable. */
    private static List<double[]> normalisedParts(Entry e, ImageOut image, Counters counters) {
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
                double scale = normalised ? 1 : (k % 2 == 0 ? image.width() : image.height());
                part[k] = clamp(v.asDouble() / scale, counters);
            }
            parts.add(part);
        }
        return parts;
    }

    private static List<double[]> rleParts(Entry e, JsonNode seg, Counters counters) {
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
    private static boolean alreadyNormalised(Entry e) {
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

    private static boolean crowd(Entry e) {
        JsonNode c = e.node().get("iscrowd");
        if (c == null || c.isNull()) {
            return false;
        }
        if (c.isBoolean()) {
            return c.asBoolean();
        }
        if (c.isNumber() && (c.asInt() == 0 || c.asInt() == 1)) {
            return c.asInt() == 1;
        }
        throw new DataSetException(e.where() + ": field 'iscrowd': expected 0 or 1, got " + c);
    }

    private static String locateImage(Entry e, String fileName, String imagesFolderUri, String cocoFolder)
            throws IOException {
        List<String> candidates = new ArrayList<>();
        if (imagesFolderUri != null) {
            candidates.add(Storage.resolve(imagesFolderUri, fileName));
        } else {
            candidates.add(Storage.resolve(cocoFolder, fileName));
            candidates.add(Storage.resolve(Storage.resolve(cocoFolder, "images"), fileName));
        }
        for (String c : candidates) {
            if (Storage.exists(c)) {
                return c;
            }
        }
        throw new DataSetException(e.where() + ": field 'file_name': image '" + fileName + "' not found (looked for "
                + String.join(" and ", candidates) + ")");
    }

    /** Where a copied image goes under {@code images/}: its relative path, or its base name if it was absolute. */
    private static String relativeFileName(String fileName) {
        String f = fileName.replace('\\', '/');
        if (f.contains(":") || f.startsWith("/") || f.contains("../")) {
            return f.substring(f.lastIndexOf('/') + 1);
        }
        return f.startsWith("./") ? f.substring(2) : f;
    }

    private static String format(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Keeps a data set's origin and licence note with every copy of it. */
    private static void copyProvenance(String cocoFolder, String outputFolderUri) throws IOException {
        for (String name : List.of("SOURCE.md", "LICENSE", "LICENSE.txt", "README.dataset.txt")) {
            String src = Storage.resolve(cocoFolder, name);
            if (Storage.exists(src)) {
                Storage.copy(src, Storage.resolve(outputFolderUri, name));
            }
        }
    }

    /**
     * Reads the top-level {@code images}, {@code annotations} and {@code categories} lists with the one COCO reader,
     * keeping for each entry where it is ({@code file:line: section[index] (id N)}) so messages can point at it.
     */
    private static Map<String, List<Entry>> readSections(String cocoFileUri) throws IOException {
        List<String> names = List.of("images", "annotations", "categories");
        Map<String, List<CocoJsonReader.Entry>> read;
        try {
            read = CocoJsonReader.file(cocoFileUri).readSections(names);
        } catch (CocoFormatException e) {
            throw new DataSetException(e.getMessage());
        }
        Map<String, List<Entry>> sections = new LinkedHashMap<>();
        for (String name : names) {
            List<Entry> entries = new ArrayList<>();
            for (CocoJsonReader.Entry e : read.getOrDefault(name, List.of())) {
                JsonNode node = e.node();
                String id = node.has("id") ? " (id " + node.get("id").asText() + ")" : "";
                entries.add(new Entry(cocoFileUri + ":" + e.line() + ": " + e.where() + id, node));
            }
            sections.put(name, entries);
        }
        if (sections.get("images").isEmpty()) {
            throw new DataSetException(cocoFileUri + ": field 'images': missing or empty");
        }
        return sections;
    }

    private static long requireLong(Entry e, String field) {
        JsonNode v = e.node().get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new DataSetException(e.where() + ": field '" + field + "': expected an integer, got "
                    + (v == null ? "nothing" : v.toString()));
        }
        return v.asLong();
    }

    private static int positiveInt(Entry e, String field) {
        long v = requireLong(e, field);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new DataSetException(e.where() + ": field '" + field + "': expected a positive size, got " + v);
        }
        return (int) v;
    }

    private static String requireText(Entry e, String field) {
        JsonNode v = e.node().get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new DataSetException(e.where() + ": field '" + field + "': expected a non-empty string, got "
                    + (v == null ? "nothing" : v.toString()));
        }
        return v.asText();
    }

    private static String parent(String uri) {
        String q = Storage.qualify(uri);
        return q.substring(0, q.lastIndexOf('/'));
    }

    /** Width and height from the image file's header, without decoding the pixels. */
    private static int[] imageSize(String uri, String where) throws IOException {
        if (!Storage.exists(uri)) {
            throw new DataSetException(where + ": image " + uri + " not found, and no width and height are given");
        }
        try (InputStream in = Storage.open(uri); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) {
                throw new DataSetException(where + ": " + uri + " is not an image this program can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    // ---------------------------------------------------------------- MLTable -> COCO

    /**
     * Converts an MLTable folder into a COCO JSON file, leaving out (and counting) what the validating reader rejects,
     * as the reference's default {@code ignore_data_errors: true} does.
     */
    public static Report mlTableToCoco(String mlTableFolderUri, String cocoFileUri, CategoryOrder order)
            throws IOException {
        return mlTableToCoco(mlTableFolderUri, cocoFileUri, order, true);
    }

    /**
     * Converts an MLTable folder into a COCO JSON file. {@code file_name}s are relative to the COCO file's folder when
     * the image lies inside it, otherwise absolute URIs.
     *
     * @param ignoreDataErrors leave out bad lines, objects and polygon parts (counted and named in the report) instead
     *     of failing with every problem's file, line and field
     */
    public static Report mlTableToCoco(String mlTableFolderUri, String cocoFileUri, CategoryOrder order,
            boolean ignoreDataErrors) throws IOException {
        LoadedDataset data;
        try {
            data = MLTableReader.read(mlTableFolderUri,
                    LoadOptions.validation().withIgnoreDataErrors(ignoreDataErrors).withMinImages(1));
        } catch (DataError e) {
            throw new DataSetException(e.getMessage());
        }
        String cocoFolder = parent(cocoFileUri) + "/";
        Set<String> seen = order == CategoryOrder.SORTED ? new TreeSet<>() : new LinkedHashSet<>();
        for (ImageRecord record : data.records()) {
            for (ObjectAnnotation object : record.objects()) {
                seen.add(object.label());
            }
        }
        Map<String, Integer> categoryIds = new LinkedHashMap<>();
        List<Map<String, Object>> categories = new ArrayList<>();
        for (String name : seen) {
            categoryIds.put(name, categoryIds.size() + 1);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", categoryIds.get(name));
            c.put("name", name);
            c.put("supercategory", "none");
            categories.add(c);
        }

        List<Map<String, Object>> images = new ArrayList<>();
        List<Map<String, Object>> annotations = new ArrayList<>();
        for (ImageRecord record : data.records()) {
            int[] size = record.width() > 0 && record.height() > 0
                    ? new int[] {record.width(), record.height()}
                    : imageSize(record.imageUrl(), record.source());
            int imageId = images.size() + 1;
            String qualified = record.imageUrl();
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", imageId);
            image.put("file_name", qualified.startsWith(cocoFolder) ? qualified.substring(cocoFolder.length())
                    : qualified);
            image.put("width", size[0]);
            image.put("height", size[1]);
            images.add(image);

            for (ObjectAnnotation object : record.objects()) {
                List<double[]> parts = new ArrayList<>();
                double[] box = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
                double area = 0;
                for (double[] normalised : object.polygons()) {
                    double[] p = new double[normalised.length];
                    for (int k = 0; k < p.length; k++) {
                        p[k] = round(normalised[k] * (k % 2 == 0 ? size[0] : size[1]));
                    }
                    for (int k = 0; k < p.length; k += 2) {
                        box[0] = Math.min(box[0], p[k]);
                        box[1] = Math.min(box[1], p[k + 1]);
                        box[2] = Math.max(box[2], p[k]);
                        box[3] = Math.max(box[3], p[k + 1]);
                    }
                    area += Math.abs(shoelace(p));
                    parts.add(p);
                }
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", annotations.size() + 1);
                a.put("image_id", imageId);
                a.put("category_id", categoryIds.get(object.label()));
                a.put("segmentation", parts);
                a.put("area", round(area));
                a.put("bbox", new double[] {round(box[0]), round(box[1]), round(box[2] - box[0]),
                        round(box[3] - box[1])});
                a.put("iscrowd", object.crowd() ? 1 : 0);
                annotations.add(a);
            }
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "converted from MLTable " + mlTableFolderUri);
        Map<String, Object> coco = new LinkedHashMap<>();
        coco.put("info", info);
        coco.put("images", images);
        coco.put("categories", categories);
        coco.put("annotations", annotations);
        Json.write(cocoFileUri, coco);
        DataReport skipped = data.report();
        List<String> warnings = new ArrayList<>();
        for (DataProblem p : skipped.examples()) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(p.toString());
            }
        }
        return new Report(images.size(), annotations.size(), new ArrayList<>(seen), List.of(),
                skipped.skipped(DataReport.Skipped.ROW), skipped.skipped(DataReport.Skipped.OBJECT),
                skipped.skipped(DataReport.Skipped.PART), 0, warnings);
    }

    /** Signed area of a flat polygon {@code [x1, y1, ...]}. */
    static double shoelace(double[] p) {
        double twice = 0;
        int n = p.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            twice += p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1];
        }
        return twice / 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
