package io.automlseg.executor.data;

import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    private final String folder;
    private final String display;
    private final List<PathEntry> paths;
    private final Charset charset;
    private final InvalidLines invalidLines;
    private final boolean includePathColumn;
    private final Set<String> streamInfoColumns;

    MLTable(String folder, List<PathEntry> paths, Charset charset, InvalidLines invalidLines,
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
        return MLTableYaml.parse(folder, yamlText);
    }

    /**
     * The annotation files the {@code paths} name, in order, each once. Relative paths are taken from the MLTable
     * folder; {@code folder} entries contain every non-hidden file below them; {@code pattern} is a glob.
     *
     * @throws DataError naming every path that does not exist or matches nothing
     */
    public List<String> dataFiles() {
        MLTableProblems problems = new MLTableProblems(display + "/" + FILE_NAME);
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

    static String lastSegment(String uri) {
        String s = stripSlash(uri);
        int i = s.lastIndexOf('/');
        return i < 0 ? s : s.substring(i + 1);
    }
}
