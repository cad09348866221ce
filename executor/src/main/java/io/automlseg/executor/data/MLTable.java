package io.automlseg.executor.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The definition in an MLTable folder: which JSONL files hold the annotations ({@code paths}) and how to read them
 * ({@code read_json_lines}, {@code convert_column_types}). Only what an image annotation table uses is accepted;
 * anything else is rejected with a message naming the key, rather than silently ignored.
 */
public final class MLTable {
    public static final String FILE_NAME = "MLTable";

    /** What to do with a line that is not valid JSON ({@code read_json_lines.invalid_lines}). */
    public enum InvalidLines { ERROR, DROP }

    /** One entry of {@code paths}: kind is {@code file}, {@code folder} or {@code pattern}. */
    public record PathEntry(String kind, String value) {}

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

    private final String folder;
    private final String display;
    private final List<PathEntry> paths;
    private final Charset charset;
    private final InvalidLines invalidLines;
    private final boolean includePathColumn;
    private final Set<String> streamInfoColumns;

    private MLTable(String folder, List<PathEntry> paths, Charset charset, InvalidLines invalidLines,
            boolean includePathColumn, Set<String> streamInfoColumns) {
        this.folder = folder;
        this.display = lastSegment(folder);
        this.paths = List.copyOf(paths);
        this.charset = charset;
        this.invalidLines = invalidLines;
        this.includePathColumn = includePathColumn;
        this.streamInfoColumns = Set.copyOf(streamInfoColumns);
    }

    /**
     * Reads the {@code MLTable} file of a folder (any Hadoop URI or local path; the {@code MLTable} file itself is
     * accepted too).
     *
     * @throws DataError if the folder or its MLTable file is missing or invalid
     */
    public static MLTable read(String folderUri) {
        if (folderUri.regionMatches(true, 0, "azureml:", 0, 8)) {
            throw new DataError(new DataProblem(folderUri, 0, null, DataProblem.Kind.MISSING_MLTABLE, "this is an Azure ML"
                    + " datastore URI, which Hadoop cannot read; give the folder as a local path or a Hadoop URI"));
        }
        String folder;
        try {
            folder = stripSlash(Storage.qualify(folderUri));
        } catch (RuntimeException e) {
            throw new DataError(new DataProblem(folderUri, 0, null, DataProblem.Kind.MISSING_MLTABLE,
                    "cannot reach this MLTable folder: " + rootCause(e)));
        }
        String yamlText;
        try {
            if (!Storage.exists(folder)) {
                throw new DataError(new DataProblem(folder, 0, null, DataProblem.Kind.MISSING_MLTABLE,
                        "the MLTable folder does not exist"));
            }
            if (!Storage.isDirectory(folder) && lastSegment(folder).equals(FILE_NAME)) {
                folder = stripSlash(Storage.path(folder).getParent().toString());
            }
            String file = folder + "/" + FILE_NAME;
            if (!Storage.exists(file) || Storage.isDirectory(file)) {
                throw new DataError(new DataProblem(folder, 0, null, DataProblem.Kind.MISSING_MLTABLE,
                        "no file named 'MLTable' in this folder; an MLTable folder must contain an 'MLTable' YAML file"
                                + " that lists the JSONL annotation files under 'paths'"));
            }
            yamlText = Storage.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MLTable folder " + folder, e);
        }
        return parse(folder, yamlText);
    }

    /** Parses MLTable YAML text belonging to the given (qualified) folder. */
    static MLTable parse(String folder, String yamlText) {
        Problems problems = new Problems(lastSegment(folder) + "/" + FILE_NAME);
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
        List<PathEntry> paths = readPaths(root.get("paths"), problems);

        Charset charset = StandardCharsets.UTF_8;
        InvalidLines invalidLines = InvalidLines.ERROR;
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
                                case "error" -> invalidLines = InvalidLines.ERROR;
                                case "drop" -> invalidLines = InvalidLines.DROP;
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

    private static List<PathEntry> readPaths(JsonNode node, Problems problems) {
        List<PathEntry> out = new ArrayList<>();
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
                out.add(new PathEntry(kind, value.asText().trim()));
            }
        }
        return out;
    }

    /** Accepts a list of conversions or a single one; {@code columns} as one name or a list. */
    private static void readConversions(JsonNode args, String field, Set<String> streamInfo, Problems problems) {
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

    /**
     * The annotation files the {@code paths} name, in order, each once. Relative paths are taken from the MLTable
     * folder; {@code folder} entries contain every non-hidden file below them; {@code pattern} is a glob.
     *
     * @throws DataError naming every path that does not exist or matches nothing
     */
    public List<String> dataFiles() {
        Problems problems = new Problems(display + "/" + FILE_NAME);
        Set<String> files = new LinkedHashSet<>();
        for (int i = 0; i < paths.size(); i++) {
            PathEntry p = paths.get(i);
            String field = "paths[" + i + "]." + p.kind();
            String uri = Storage.resolve(folder, p.value());
            try {
                switch (p.kind()) {
                    case "file" -> {
                        if (!Storage.exists(uri)) {
                            problems.add(field, DataProblem.Kind.MISSING_FILE, "file '" + p.value() + "' does not exist ("
                                    + Storage.qualify(uri) + ")");
                        } else if (Storage.isDirectory(uri)) {
                            problems.add(field, DataProblem.Kind.MISSING_FILE, "'" + p.value() + "' is a folder; use 'folder:' for it");
                        } else {
                            files.add(Storage.qualify(uri));
                        }
                    }
                    case "folder" -> {
                        if (!Storage.exists(uri) || !Storage.isDirectory(uri)) {
                            problems.add(field, DataProblem.Kind.MISSING_FILE, "folder '" + p.value() + "' does not exist ("
                                    + Storage.qualify(uri) + ")");
                        } else {
                            List<String> found = new ArrayList<>();
                            for (String f : Storage.listFilesRecursively(uri)) {
                                if (!isHidden(f, uri)) {
                                    found.add(f);
                                }
                            }
                            if (found.isEmpty()) {
                                problems.add(field, DataProblem.Kind.MISSING_FILE, "folder '" + p.value() + "' holds no file");
                            }
                            files.addAll(found);
                        }
                    }
                    default -> {
                        List<String> found = Storage.glob(uri);
                        if (found.isEmpty()) {
                            problems.add(field, DataProblem.Kind.MISSING_FILE, "pattern '" + p.value() + "' matches no file");
                        }
                        files.addAll(found);
                    }
                }
            } catch (IOException e) {
                problems.add(field, DataProblem.Kind.MISSING_FILE, "cannot read '" + p.value() + "': " + e.getMessage());
            }
        }
        problems.throwIfAny();
        return new ArrayList<>(files);
    }

    /** Hidden and bookkeeping files (names starting with '.' or '_', such as {@code _SUCCESS}) are not data. */
    private static boolean isHidden(String file, String under) {
        String rel = file.startsWith(under) ? file.substring(under.length()) : lastSegment(file);
        for (String seg : rel.split("/")) {
            if (seg.startsWith(".") || seg.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    /** A short name for messages: the path below the MLTable folder's parent, or the full URI for outside files. */
    public String displayName(String fileUri) {
        String qualified = stripSlash(fileUri);
        String parent = Storage.path(folder).getParent() == null ? folder : stripSlash(Storage.path(folder).getParent().toString());
        if (qualified.startsWith(folder + "/")) {
            return qualified.substring(parent.length() + (parent.endsWith("/") ? 0 : 1));
        }
        return qualified;
    }

    /** Qualified URI of the MLTable folder, without a trailing slash. */
    public String folder() {
        return folder;
    }

    public List<PathEntry> paths() {
        return paths;
    }

    public Charset charset() {
        return charset;
    }

    public InvalidLines invalidLines() {
        return invalidLines;
    }

    public boolean includePathColumn() {
        return includePathColumn;
    }

    /** Columns converted to {@code stream_info} (file references). */
    public Set<String> streamInfoColumns() {
        return streamInfoColumns;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String stripSlash(String s) {
        return s.length() > 1 && s.endsWith("/") && !s.endsWith(":/") && !s.endsWith("//") ? s.substring(0, s.length() - 1) : s;
    }

    private static String lastSegment(String uri) {
        String s = stripSlash(uri);
        int i = s.lastIndexOf('/');
        return i < 0 ? s : s.substring(i + 1);
    }

    /** Problems of the MLTable file itself, all reported at once. */
    private static final class Problems {
        private final String file;
        private final List<DataProblem> list = new ArrayList<>();

        Problems(String file) {
            this.file = file;
        }

        DataProblem at(int line, String field, String message) {
            return new DataProblem(file, line, field, DataProblem.Kind.BAD_MLTABLE, message);
        }

        void add(String field, String message) {
            list.add(at(0, field, message));
        }

        void add(String field, DataProblem.Kind kind, String message) {
            list.add(new DataProblem(file, 0, field, kind, message));
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new DataError(list, list.size());
            }
        }
    }
}
