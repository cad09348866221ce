package io.automlseg.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Storage;
import java.util.ArrayList;
import java.util.List;

/** {@code sweep.warm_start_runs} (ours): a list of earlier run folders, each resolved like a data path. */
final class WarmStartRuns {
    static final String KEY = "sweep.warm_start_runs";

    private WarmStartRuns() {}

    static List<String> parse(JsonNode n, String baseDir, ConfigProblems problems) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            problems.add(KEY, "must be a list of run folders (earlier sweeps' --output), got " + n);
            return List.of();
        }
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual() || e.asText().isBlank()) {
                problems.add(KEY + "[" + i + "]", "must be a run folder's path or URI, got " + e);
            } else if (!runs.contains(Storage.resolve(baseDir, e.asText()))) {
                runs.add(Storage.resolve(baseDir, e.asText()));
            }
        }
        return runs;
    }
}
