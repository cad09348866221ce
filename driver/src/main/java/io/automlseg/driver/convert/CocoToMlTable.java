package io.automlseg.driver.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.convert.CocoConverter.Report;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.driver.datasets.MlTableFolder;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.eval.CocoFormatException;
import io.automlseg.executor.eval.CocoJsonReader;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * COCO to MLTable: images located (and copied if asked), annotations turned into normalised polygon parts
 * ({@link SegmentationParts}), one JSONL line per image. Entries are named by file, line, list index and id.
 */
final class CocoToMlTable {
    /** One COCO entry and where it is, {@code file:line: section[index] (id N)}. */
    record Entry(String where, JsonNode node) {}

    private record ImageOut(String where, String source, String url, int width, int height,
            List<MLTableLine.Label> labels) {}

    private CocoToMlTable() {}

    static Report convert(String cocoFileUri, String imagesFolderUri, String outputFolderUri, boolean copyImages)
            throws IOException {
        if (!Storage.exists(cocoFileUri)) {
            throw new DataSetException(cocoFileUri + ": COCO file not found");
        }
        Map<String, List<Entry>> sections = readSections(cocoFileUri);
        String cocoFolder = CocoConverter.parent(cocoFileUri);

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
                int[] size = CocoConverter.imageSize(source, e.where());
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

        SegmentationParts.Counters counters = new SegmentationParts.Counters();
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
            List<double[]> parts = SegmentationParts.normalisedParts(e, image.width(), image.height(), counters);
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
}
