package io.automlseg.executor.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;

/**
 * Checks one JSONL line of the reference annotation schema and turns it into an {@link ImageRecord}. Every problem is
 * reported with its file, line and field path; the smallest broken unit (polygon part, object, image details or the
 * whole line) is left out so that the rest of the line can still be checked.
 */
final class AnnotationParser {
    static final String IMAGE_URL = MLTableLine.IMAGE_URL;
    static final String IMAGE_DETAILS = MLTableLine.IMAGE_DETAILS;
    private static final Set<String> FORMATS = Set.of("jpg", "jpeg", "png", "jpe", "jfif", "bmp", "tif", "tiff", "gif");
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*(px)?\\s*", Pattern.CASE_INSENSITIVE);
    /** Scheme -> why Hadoop cannot read it ("" when it can); asking Hadoop once per scheme is enough. */
    private static final Map<String, String> SCHEME_PROBLEMS = new ConcurrentHashMap<>();

    private final String folder;
    private final String targetColumn;
    private final Map<String, String> datastores;

    /**
     * @param folder qualified MLTable folder, against which relative image URLs are resolved
     * @param targetColumn the column holding the objects
     * @param datastores the folders of the reference's datastores, for {@code azureml://} image URLs
     */
    AnnotationParser(String folder, String targetColumn, Map<String, String> datastores) {
        this.folder = folder;
        this.targetColumn = targetColumn;
        this.datastores = datastores;
    }

    /** Returns the record, or null when the line had to be left out (the reason is in {@code report}). */
    ImageRecord parse(JsonNode row, String file, int line, DataReport report) {
        Located at = new Located(file, line, report);
        if (!row.isObject()) {
            at.add(null, DataProblem.Kind.MALFORMED_JSON, "expected a JSON object, got " + kindOf(row), DataReport.Skipped.ROW);
            return null;
        }
        String imageUrl = imageUrl(row.get(IMAGE_URL), at);
        int[] size = imageDetails(row.get(IMAGE_DETAILS), at);
        JsonNode labels = row.get(targetColumn);
        boolean rowOk = imageUrl != null;
        if (labels == null || labels.isNull()) {
            at.add(targetColumn, DataProblem.Kind.MISSING_LABELS, "missing; every line needs a '" + targetColumn
                    + "' list of objects (it may be empty)", DataReport.Skipped.ROW);
            rowOk = false;
        } else if (!labels.isArray()) {
            at.add(targetColumn, DataProblem.Kind.BAD_LABELS, "must be a list of objects, got " + kindOf(labels),
                    DataReport.Skipped.ROW);
            rowOk = false;
        }
        if (!rowOk) {
            return null;
        }
        List<ObjectAnnotation> objects = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            ObjectAnnotation o = object(labels.get(i), targetColumn + "[" + i + "]", at);
            if (o != null) {
                objects.add(o);
            }
        }
        return new ImageRecord(imageUrl, file + ":" + line, size[0], size[1], List.copyOf(objects));
    }

    private String imageUrl(JsonNode node, Located at) {
        if (node == null || node.isNull()) {
            at.add(IMAGE_URL, DataProblem.Kind.MISSING_IMAGE_URL, "missing; every line needs the image's path",
                    DataReport.Skipped.ROW);
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            at.add(IMAGE_URL, DataProblem.Kind.BAD_IMAGE_URL, "must be a non-empty string, got " + kindOf(node),
                    DataReport.Skipped.ROW);
            return null;
        }
        String url = node.asText().trim();
        String scheme = scheme(url);
        if (AzureMlDatastores.isDatastoreUri(url)) {
            try {
                url = AzureMlDatastores.resolve(url, datastores);
                scheme = scheme(url);
            } catch (IllegalArgumentException e) {
                // a missing mapping is the job file's to fix, not this line's: it fails the data, even when ignored
                throw new DataError(new DataProblem(at.file, at.line, IMAGE_URL, DataProblem.Kind.BAD_IMAGE_URL,
                        e.getMessage()));
            }
        }
        if (scheme != null) {
            String why = SCHEME_PROBLEMS.computeIfAbsent(scheme.toLowerCase(Locale.ROOT), AnnotationParser::schemeProblem);
            if (!why.isEmpty()) {
                at.add(IMAGE_URL, DataProblem.Kind.BAD_IMAGE_URL, "'" + url + "': " + why, DataReport.Skipped.ROW);
                return null;
            }
        }
        try {
            return Storage.qualify(Storage.resolve(folder, url));
        } catch (RuntimeException e) {
            at.add(IMAGE_URL, DataProblem.Kind.BAD_IMAGE_URL, "'" + url + "' is not a usable path: " + e.getMessage(),
                    DataReport.Skipped.ROW);
            return null;
        }
    }

    /** The URI scheme, or null for a plain (relative or absolute) path. */
    private static String scheme(String url) {
        try {
            return URI.create(url.replace(" ", "%20")).getScheme();
        } catch (IllegalArgumentException e) {
            int colon = url.indexOf(':');
            int slash = url.indexOf('/');
            return colon > 0 && (slash < 0 || colon < slash) ? url.substring(0, colon) : null;
        }
    }

    private static String schemeProblem(String scheme) {
        try {
            FileSystem.getFileSystemClass(scheme, Storage.configuration());
            return "";
        } catch (IOException | RuntimeException e) {
            return "no Hadoop file system is available for the scheme '" + scheme + ":'";
        }
    }

    /** {width, height} from the optional image details, zeros when absent or unusable. */
    private static int[] imageDetails(JsonNode node, Located at) {
        int[] none = {0, 0};
        if (node == null || node.isNull()) {
            return none;
        }
        if (!node.isObject()) {
            at.add(IMAGE_DETAILS, DataProblem.Kind.BAD_IMAGE_DETAILS, "must be an object with format, width and height, got "
                    + kindOf(node), DataReport.Skipped.DETAILS);
            return none;
        }
        boolean ok = true;
        JsonNode format = node.get("format");
        if (format != null && !format.isNull()
                && !(format.isTextual() && FORMATS.contains(format.asText().toLowerCase(Locale.ROOT).replace(".", "")))) {
            at.add(IMAGE_DETAILS + ".format", DataProblem.Kind.BAD_IMAGE_DETAILS, "unsupported image format '"
                    + format.asText() + "' (supported: " + String.join(", ", FORMATS.stream().sorted().toList()) + ")",
                    DataReport.Skipped.DETAILS);
            ok = false;
        }
        int width = dimension(node.get("width"), "width", at);
        int height = dimension(node.get("height"), "height", at);
        if (!ok || width < 0 || height < 0) {
            return none;
        }
        return width > 0 && height > 0 ? new int[] {width, height} : none;
    }

    /** A positive size as int or string ({@code "499px"}); 0 when absent, -1 (reported) when bad. */
    private static int dimension(JsonNode node, String name, Located at) {
        if (node == null || node.isNull()) {
            return 0;
        }
        long value = -1;
        if (node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()))) {
            value = node.asLong();
        } else if (node.isTextual()) {
            Matcher m = SIZE.matcher(node.asText());
            if (m.matches() && m.group(1).length() < 10) {
                value = Long.parseLong(m.group(1));
            }
        }
        if (value <= 0 || value > Integer.MAX_VALUE) {
            at.add(IMAGE_DETAILS + "." + name, DataProblem.Kind.BAD_IMAGE_DETAILS, "must be a positive number of pixels"
                    + " (such as 499 or \"499px\"), got " + node, DataReport.Skipped.DETAILS);
            return -1;
        }
        return (int) value;
    }

    private static ObjectAnnotation object(JsonNode node, String field, Located at) {
        if (node == null || !node.isObject()) {
            at.add(field, DataProblem.Kind.BAD_OBJECT, "each object must be a JSON object with 'label' and 'polygon', got "
                    + kindOf(node), DataReport.Skipped.OBJECT);
            return null;
        }
        JsonNode name = node.get(MLTableLine.Label.LABEL);
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            at.add(field + ".label", DataProblem.Kind.BAD_OBJECT, name == null || name.isNull()
                    ? "missing; each object needs its class name" : "must be a non-empty class name, got " + kindOf(name),
                    DataReport.Skipped.OBJECT);
            return null;
        }
        Boolean crowd = crowd(node.get(MLTableLine.Label.IS_CROWD));
        if (crowd == null) {
            at.add(field + ".isCrowd", DataProblem.Kind.BAD_CROWD, "must be 0, 1, true, false, \"0\", \"1\", \"true\" or"
                    + " \"false\", got " + node.get(MLTableLine.Label.IS_CROWD), DataReport.Skipped.OBJECT);
            return null;
        }
        JsonNode polygon = node.get(MLTableLine.Label.POLYGON);
        String pf = field + ".polygon";
        if (polygon == null || polygon.isNull()) {
            at.add(pf, DataProblem.Kind.BAD_POLYGON, "missing; instance segmentation needs a polygon for every object",
                    DataReport.Skipped.OBJECT);
            return null;
        }
        if (!polygon.isArray() || polygon.isEmpty()) {
            at.add(pf, DataProblem.Kind.BAD_POLYGON, "must be a non-empty list of lists [[x1, y1, x2, y2, ...], ...], got "
                    + (polygon.isArray() ? "an empty list" : kindOf(polygon)), DataReport.Skipped.OBJECT);
            return null;
        }
        if (polygon.get(0).isNumber()) {
            at.add(pf, DataProblem.Kind.BAD_POLYGON, "must be a list of lists: wrap the coordinates as [[x1, y1, ...]]",
                    DataReport.Skipped.OBJECT);
            return null;
        }
        List<double[]> parts = new ArrayList<>();
        for (int p = 0; p < polygon.size(); p++) {
            double[] part = part(polygon.get(p), pf + "[" + p + "]", at);
            if (part != null) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            // the parts' own problems say why
            at.report.addConsequence(DataReport.Skipped.OBJECT);
            return null;
        }
        ObjectAnnotation object = new ObjectAnnotation(name.asText(), crowd, List.copyOf(parts));
        double[] box = object.normalizedBox();
        if (box[0] >= box[2] || box[1] >= box[3]) {
            at.add(pf, DataProblem.Kind.DEGENERATE_BOX, String.format(Locale.ROOT,
                    "the polygon's box [%s, %s, %s, %s] has no area", num(box[0]), num(box[1]), num(box[2]), num(box[3])),
                    DataReport.Skipped.OBJECT);
            return null;
        }
        return object;
    }

    /** The crowd flag: the reference's crowd forms ("true", "True", "1", 1, true) and their false counterparts. */
    private static Boolean crowd(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNumber()) {
            double v = node.asDouble();
            return v == 1 ? Boolean.TRUE : v == 0 ? Boolean.FALSE : null;
        }
        if (node.isTextual()) {
            switch (node.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true", "1" -> {
                    return true;
                }
                case "false", "0" -> {
                    return false;
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    private static double[] part(JsonNode node, String field, Located at) {
        if (!node.isArray()) {
            at.add(field, DataProblem.Kind.BAD_POLYGON, "each polygon part must be a list [x1, y1, x2, y2, ...], got "
                    + kindOf(node), DataReport.Skipped.PART);
            return null;
        }
        double[] xy = new double[node.size()];
        for (int i = 0; i < xy.length; i++) {
            JsonNode v = node.get(i);
            double d = Double.NaN;
            if (v.isNumber()) {
                d = v.asDouble();
            } else if (v.isTextual()) {
                try {
                    d = Double.parseDouble(v.asText().trim());
                } catch (NumberFormatException e) {
                    d = Double.NaN;
                }
            }
            if (!Double.isFinite(d)) {
                at.add(field + "[" + i + "]", DataProblem.Kind.NON_NUMERIC, "coordinate must be a number, got " + v,
                        DataReport.Skipped.PART);
                return null;
            }
            xy[i] = d;
        }
        if (xy.length % 2 != 0) {
            at.add(field, DataProblem.Kind.ODD_VALUES, "odd number of values (" + xy.length + "); x and y must come in pairs",
                    DataReport.Skipped.PART);
            return null;
        }
        if (xy.length < 6) {
            at.add(field, DataProblem.Kind.TOO_FEW_POINTS, "fewer than three points (" + xy.length / 2 + ")",
                    DataReport.Skipped.PART);
            return null;
        }
        for (int i = 0; i < xy.length; i++) {
            if (xy[i] < 0 || xy[i] > 1) {
                at.add(field + "[" + i + "]", DataProblem.Kind.OUT_OF_RANGE, (i % 2 == 0 ? "x" : "y") + " coordinate "
                        + num(xy[i]) + " is outside [0, 1]; polygons must be normalised by the image "
                        + (i % 2 == 0 ? "width" : "height"), DataReport.Skipped.PART);
                return null;
            }
        }
        return xy;
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String kindOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "the string " + node;
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
    }

    /** Where problems of the current line go. */
    private static final class Located {
        final String file;
        final int line;
        final DataReport report;

        Located(String file, int line, DataReport report) {
            this.file = file;
            this.line = line;
            this.report = report;
        }

        void add(String field, DataProblem.Kind kind, String message, DataReport.Skipped skipped) {
            report.add(new DataProblem(file, line, field, kind, message), skipped);
        }
    }
}
