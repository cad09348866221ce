package io.automlseg.driver.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes and reads an MLTable folder in the reference product's image form: an {@code MLTable} YAML naming a JSONL
 * file, the JSONL (one image per line) and, usually, an {@code images/} folder that {@code image_url} values are
 * relative to. Reading is deliberately lenient about everything except what conversion needs; the sweep's own data
 * loader does the full validation.
 */
public final class MlTableFolder {
    /** Name of the descriptor file inside the folder. */
    public static final String DESCRIPTOR = "MLTable";

    private static final YAMLMapper YAML = new YAMLMapper();

    /** One JSONL line with where it came from ({@code <file>:<line>}) for messages. */
    public record Line(String source, JsonNode json) {}

    private MlTableFolder() {}

    /** The descriptor text for a JSONL file beside it, as the reference product documents it. */
    public static String descriptor(String jsonlFileName) {
        return "paths:\n"
                + "  - file: ./" + jsonlFileName + "\n"
                + "transformations:\n"
                + "  - read_json_lines:\n"
                + "      encoding: utf8\n"
                + "      invalid_lines: error\n"
                + "      include_path_column: false\n"
                + "  - convert_column_types:\n"
                + "      - columns: image_url\n"
                + "        column_type: stream_info\n";
    }

    /** Writes {@code <folder>/<jsonlFileName>} (one object per line) and {@code <folder>/MLTable}. */
    public static void write(String folderUri, String jsonlFileName, List<?> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object line : lines) {
            sb.append(Json.line(line)).append('\n');
        }
        Storage.writeString(Storage.resolve(folderUri, jsonlFileName), sb.toString());
        Storage.writeString(Storage.resolve(folderUri, DESCRIPTOR), descriptor(jsonlFileName));
    }

    /** The JSONL files the descriptor names, resolved against the folder ({@code file:}, {@code folder:}, {@code pattern:}). */
    public static List<String> jsonlFiles(String folderUri) throws IOException {
        String descriptorUri = Storage.resolve(folderUri, DESCRIPTOR);
        if (!Storage.exists(descriptorUri)) {
            throw new DataSetException(descriptorUri + ": no MLTable file in this folder");
        }
        JsonNode root;
        try {
            root = YAML.readTree(Storage.readBytes(descriptorUri));
        } catch (JsonProcessingException e) {
            throw new DataSetException(descriptorUri + (e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr())
                    + ": not valid YAML: "
                    + e.getOriginalMessage());
        }
        JsonNode paths = root == null ? null : root.get("paths");
        if (paths == null || !paths.isArray() || paths.isEmpty()) {
            throw new DataSetException(descriptorUri + ": field 'paths' must be a non-empty list");
        }
        List<String> files = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            JsonNode entry = paths.get(i);
            if (entry.hasNonNull("file")) {
                files.add(Storage.resolve(folderUri, entry.get("file").asText()));
            } else if (entry.hasNonNull("folder")) {
                String dir = Storage.resolve(folderUri, entry.get("folder").asText());
                for (String f : Storage.list(dir)) {
                    if (f.endsWith(".jsonl")) {
                        files.add(f);
                    }
                }
            } else if (entry.hasNonNull("pattern")) {
                String pattern = entry.get("pattern").asText();
                String glob = pattern.startsWith("./") ? pattern.substring(2) : pattern;
                int slash = glob.lastIndexOf('/');
                String dir = slash < 0 ? folderUri : Storage.resolve(folderUri, glob.substring(0, slash));
                Pattern name = globToRegex(glob.substring(slash + 1));
                for (String f : Storage.list(dir)) {
                    if (name.matcher(f.substring(f.lastIndexOf('/') + 1)).matches()) {
                        files.add(f);
                    }
                }
            } else {
                throw new DataSetException(descriptorUri + ": paths[" + i + "] needs one of 'file', 'folder', 'pattern'");
            }
        }
        return files;
    }

    /** Every non-blank line of every JSONL file of the folder, parsed. */
    public static List<Line> readLines(String folderUri) throws IOException {
        List<Line> out = new ArrayList<>();
        for (String file : jsonlFiles(folderUri)) {
            if (!Storage.exists(file)) {
                throw new DataSetException(Storage.resolve(folderUri, DESCRIPTOR) + ": paths names " + file
                        + ", which does not exist");
            }
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(Storage.open(file), StandardCharsets.UTF_8))) {
                String text;
                int lineNo = 0;
                while ((text = in.readLine()) != null) {
                    lineNo++;
                    if (text.isBlank()) {
                        continue;
                    }
                    String source = file + ":" + lineNo;
                    try {
                        out.add(new Line(source, Json.MAPPER.readTree(text)));
                    } catch (JsonProcessingException e) {
                        throw new DataSetException(source + ": not valid JSON: " + e.getOriginalMessage());
                    }
                }
            }
        }
        return out;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
