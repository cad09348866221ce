package io.automlseg.driver.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem of a configuration file with its YAML path ({@code limits.max_trials},
 * {@code search_space[0].learning_rate}) and line, to report them together before anything starts.
 */
final class ConfigProblems {
    private final String source;
    private final Map<String, Integer> lines;
    private final List<String> problems = new ArrayList<>();
    private final List<Integer> problemLines = new ArrayList<>();

    private ConfigProblems(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    /** Reads the line of every key and list element of {@code yaml} (the tree API does not keep them). */
    static ConfigProblems forYaml(String source, byte[] yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                String path = path(parser.getParsingContext(), token);
                if (!path.isEmpty()) {
                    lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
                }
            }
        }
        return new ConfigProblems(source, lines);
    }

    private static String path(JsonStreamContext context, JsonToken token) {
        List<String> parts = new ArrayList<>();
        JsonStreamContext c = context;
        // A START token opens a new context: its own position lives in the parent.
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            c = c.getParent();
        }
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.getCurrentIndex() >= 0) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /** Adds a problem; the line is that of the path, or of its nearest ancestor found in the file. */
    void add(String path, String message) {
        Integer line = null;
        for (String p = path; p != null && line == null; p = parent(p)) {
            line = lines.get(p);
        }
        String where = path.isEmpty() ? "" : path + ": ";
        problems.add((line != null ? "line " + line + ": " : "") + where + message);
        problemLines.add(line == null ? 0 : line);
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? (path.isEmpty() ? null : "") : path.substring(0, cut);
    }

    int size() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** All problems, in the order of their lines in the file. */
    ConfigException toException() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Integer.compare(problemLines.get(a), problemLines.get(b)));
        List<String> sorted = new ArrayList<>();
        for (int i : order) {
            sorted.add(problems.get(i));
        }
        String header = "Invalid sweep configuration " + source + " (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):";
        return new ConfigException(header + "\n  " + String.join("\n  ", sorted), sorted);
    }
}
