package io.automlseg.executor.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code MLTable} YAML checked key by key: {@code paths}, and the {@code read_json_lines} and
 * {@code convert_column_types} transformations an image annotation table uses. Every problem is collected and
 * reported at once, naming its key.
 */
final class MLTableYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_LEVEL = Set.of("paths", "transformations", "type", "$schema");
    private static final Set<String> READ_JSON_LINES_KEYS =
            Set.of("encoding", "invalid_lines", "include_path_column", "path_column", "partition_size");
    private static final Set<String> COLUMN_TYPES = Set.of("stream_info", "boolean", "int", "float", "string", "datetime");
    private static final Map<String, Charset> ENCODINGS = Map.of(
            "utf8", StandardCharsets.UTF_8,
            "utf8bom", StandardCharsets.UTF_8,
            "ascii", StandardCharsets.US_ASCII,
            "latin1", StandardCharsets.ISO_8859_1,
            "iso88591", StandardCharsets.ISO_8859_1,
            "windows1252", Charset.forName("windows-1252"),
            "utf16", StandardCharsets.UTF_16,
            "utf32", Charset.forName("UTF-32"));

    private MLTableYaml() {}

    /** Parses MLTable YAML text belonging to the given (qualified) folder. */
    static MLTable parse(String folder, String yamlText) {
        MLTableProblems problems = new MLTableProblems(MLTable.lastSegment(folder) + "/" + MLTable.FILE_NAME);
        JsonNode root;
        try {
            root = YAML.readTree(yamlText);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DataError(problems.at(line, null, "not valid YAML: " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new DataError(problems.at(0, null, "the file is empty; it needs 'paths' and 'transformations'"));
        }
        if (!root.isObject()) {
            throw new DataError(problems.at(0, null, "expected a YAML mapping with 'paths' and 'transformations'"));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                problems.add(key, "unknown key '" + key + "' (supported: paths, transformations, type)");
            }
        }
        List<MLTable.PathEntry> paths = readPaths(root.get("paths"), problems);

        Charset charset = StandardCharsets.UTF_8;
        MLTable.InvalidLines invalidLines = MLTable.InvalidLines.ERROR;
        boolean includePathColumn = false;
        Set<String> streamInfo = new LinkedHashSet<>();
        boolean sawReader = false;
        JsonNode transformations = root.get("transformations");
        if (transformations == null || transformations.isNull()) {
            problems.add("transformations", "missing; a 'read_json_lines' transformation is required");
        } else if (!transformations.isArray()) {
            problems.add("transformations", "must be a list of transformations");
        } else {
            for (int i = 0; i < transformations.size(); i++) {
                JsonNode t = transformations.get(i);
                String field = "transformations[" + i + "]";
                String name;
                JsonNode args;
                if (t.isTextual()) {
                    name = t.asText();
                    args = null;
                } else if (t.isObject() && t.size() == 1) {
                    name = t.fieldNames().next();
                    args = t.get(name);
                } else {
                    problems.add(field, "each transformation must be a single-key mapping such as 'read_json_lines: ...'");
                    continue;
                }
                field += "." + name;
                switch (name) {
                    case "read_json_lines" -> {
                        if (sawReader) {
                            problems.add(field, "read_json_lines is given twice");
                        }
                        sawReader = true;
                        if (args == null || args.isNull()) {
                            break;
                        }
                        if (!args.isObject()) {
                            problems.add(field, "must be a mapping of options");
                            break;
                        }
                        for (Iterator<String> it = args.fieldNames(); it.hasNext();) {
                            String key = it.next();
                            if (!READ_JSON_LINES_KEYS.contains(key)) {
                                problems.add(field + "." + key, "unknown option '" + key
                                        + "' (supported: encoding, invalid_lines, include_path_column, path_column, partition_size)");
                            }
                        }
                        JsonNode enc = args.get("encoding");
                        if (enc != null && !enc.isNull()) {
                            Charset cs = ENCODINGS.get(enc.asText().toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""));
                            if (cs == null) {
                                problems.add(field + ".encoding", "unknown encoding '" + enc.asText()
                                        + "' (supported: utf8, utf8bom, ascii, latin1, iso88591, windows1252, utf16, utf32)");
                            } else {
                                charset = cs;
                            }
                        }
                        JsonNode inv = args.get("invalid_lines");
                        if (inv != null && !inv.isNull()) {
                            switch (inv.asText().toLowerCase(Locale.ROOT)) {
                                case "error" -> invalidLines = MLTable.InvalidLines.ERROR;
                                case "drop" -> invalidLines = MLTable.InvalidLines.DROP;
                                default -> problems.add(field + ".invalid_lines",
                                        "must be 'error' or 'drop', got '" + inv.asText() + "'");
                            }
                        }
                        JsonNode ipc = args.get("include_path_column");
                        if (ipc != null && !ipc.isNull()) {
                            if (!ipc.isBoolean()) {
                                problems.add(field + ".include_path_column", "must be true or false, got '" + ipc.asText() + "'");
                            } else {
                                includePathColumn = ipc.asBoolean();
                            }
                        }
                    }
                    case "convert_column_types" -> readConversions(args, field, streamInfo, problems);
                    case "read_delimited", "read_parquet", "read_delta_lake" -> problems.add(field,
                            "image annotations must be JSON lines: use 'read_json_lines' instead of '" + name + "'");
                    default -> problems.add(field, "unsupported transformation '" + name
                            + "' (supported: read_json_lines, convert_column_types)");
                }
            }
            if (!sawReader && transformations.isArray()) {
                problems.add("transformations", "a 'read_json_lines' transformation is required");
            }
        }
        problems.throwIfAny();
        return new MLTable(folder, paths, charset, invalidLines, includePathColumn, streamInfo);
    }

    private static List<MLTable.PathEntry> readPaths(JsonNode node, MLTableProblems problems) {
        List<MLTable.PathEntry> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            problems.add("paths", "missing; list the annotation files, e.g. '- file: ./train_annotations.jsonl'");
            return out;
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add("paths", "must be a non-empty list of 'file:', 'folder:' or 'pattern:' entries");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            String field = "paths[" + i + "]";
            if (!e.isObject() || e.size() != 1) {
                problems.add(field, "each entry must have exactly one of 'file', 'folder' or 'pattern'");
                continue;
            }
            String kind = e.fieldNames().next();
            JsonNode value = e.get(kind);
            if (!Set.of("file", "folder", "pattern").contains(kind)) {
                problems.add(field + "." + kind, "unknown path kind '" + kind + "' (supported: file, folder, pattern)");
            } else if (!value.isTextual() || value.asText().isBlank()) {
                problems.add(field + "." + kind, "must be a non-empty path");
            } else {
                out.add(new MLTable.PathEntry(kind, value.asText().trim()));
            }
        }
        return out;
    }

    /** Accepts a list of conversions or a single one; {@code columns} as one name or a list. */
    private static void readConversions(JsonNode args, String field, Set<String> streamInfo, MLTableProblems problems) {
        if (args == null || args.isNull()) {
            problems.add(field, "needs 'columns' and 'column_type'");
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        if (args.isArray()) {
            args.forEach(items::add);
        } else {
            items.add(args);
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode c = items.get(i);
            String f = args.isArray() ? field + "[" + i + "]" : field;
            if (!c.isObject()) {
                problems.add(f, "must be a mapping with 'columns' and 'column_type'");
                continue;
            }
            for (Iterator<String> it = c.fieldNames(); it.hasNext();) {
                String key = it.next();
                if (!key.equals("columns") && !key.equals("column_type")) {
                    problems.add(f + "." + key, "unknown key '" + key + "' (supported: columns, column_type)");
                }
            }
            List<String> columns = new ArrayList<>();
            JsonNode cols = c.get("columns");
            if (cols != null && cols.isTextual()) {
                columns.add(cols.asText());
            } else if (cols != null && cols.isArray() && !cols.isEmpty()) {
                cols.forEach(n -> columns.add(n.asText()));
            } else {
                problems.add(f + ".columns", "must be a column name or a list of column names");
            }
            JsonNode type = c.get("column_type");
            String typeName = null;
            if (type != null && type.isTextual()) {
                typeName = type.asText();
            } else if (type != null && type.isObject() && type.size() == 1) {
                typeName = type.fieldNames().next();
            }
            if (typeName == null || !COLUMN_TYPES.contains(typeName.toLowerCase(Locale.ROOT))) {
                problems.add(f + ".column_type", "unknown column type "
                        + (typeName == null ? "" : "'" + typeName + "' ") + "(supported: " + String.join(", ", COLUMN_TYPES.stream().sorted().toList()) + ")");
                continue;
            }
            if (typeName.equalsIgnoreCase("stream_info")) {
                streamInfo.addAll(columns);
            } else if (columns.contains("image_url")) {
                problems.add(f + ".column_type", "image_url must be converted to stream_info, not " + typeName);
            }
        }
    }
}
