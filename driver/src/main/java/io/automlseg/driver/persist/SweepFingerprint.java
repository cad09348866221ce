package io.automlseg.driver.persist;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.executor.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of a configuration that a resumed sweep must share with the one it continues: what the trials train
 * on, how they are proposed, judged and stopped. Limits, the experiment name and the tolerated keys may change (a
 * larger {@code max_trials} extends the sweep).
 */
public final class SweepFingerprint {
    private SweepFingerprint() {}

    public static Map<String, String> of(SweepConfig c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("task", c.task());
        f.put("primary_metric", c.primaryMetric());
        f.put("target_column_name", String.valueOf(c.targetColumnName()));
        f.put("training_data", c.trainingData() == null ? "null" : c.trainingData().path());
        f.put("validation_data", c.validationData() == null ? "null" : c.validationData().path());
        f.put("validation_data_size", Double.toString(c.validationDataSize()));
        f.put("training_parameters", Json.line(new TreeMap<>(c.trainingParameters())));
        f.put("sweep.sampling_algorithm", String.valueOf(c.sweep().samplingAlgorithm()));
        f.put("sweep.early_termination", c.sweep().earlyTermination() == null ? "none"
                : c.sweep().earlyTermination().type() + " "
                        + Json.line(new TreeMap<>(c.sweep().earlyTermination().settings())));
        f.put("search_space", c.searchSpace().toString());
        if (c.sweep().multivariate()) {
            f.put("sweep.sampling_algorithm_settings", "multivariate");
        }
        if (!c.sweep().warmStartRuns().isEmpty()) {
            // only when set, so that journals from before these settings still match
            f.put("sweep.warm_start_runs", c.sweep().warmStartRuns().toString());
        }
        return f;
    }

    /**
     * The limits a run of the sweep had, which a resume may change: an ended sweep whose limits changed (and leave
     * room for more trials) is extended rather than its outcome repeated.
     */
    public static Map<String, String> limits(SweepConfig c) {
        SweepConfig.Limits l = c.limits();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("max_trials", Integer.toString(l.maxTrials()));
        f.put("max_concurrent_trials", Integer.toString(l.maxConcurrentTrials()));
        f.put("timeout_minutes", String.valueOf(l.timeoutMinutes()));
        f.put("trial_timeout_minutes", String.valueOf(l.trialTimeoutMinutes()));
        f.put("max_failed_trials", String.valueOf(l.maxFailedTrials()));
        f.put("max_trial_retries", Integer.toString(l.maxTrialRetries()));
        return f;
    }

    /** One line per key whose value differs, e.g. {@code search_space: was X, now Y}; empty when they match. */
    public static List<String> differences(Map<String, String> journaled, Map<String, String> now) {
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            String was = journaled.get(e.getKey());
            if (!e.getValue().equals(was)) {
                diffs.add(e.getKey() + ": was " + (was == null ? "not set" : was) + ", now " + e.getValue());
            }
        }
        for (Map.Entry<String, String> e : journaled.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                // a setting recorded only when set (e.g. sweep.warm_start_runs), since removed
                diffs.add(e.getKey() + ": was " + e.getValue() + ", now not set");
            }
        }
        return diffs;
    }
}
