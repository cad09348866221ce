package io.automlseg.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/**
 * {@code sweep.sampling_algorithm_settings} (ours): settings of the sampling algorithm. Only Bayesian sampling has
 * one, {@code multivariate} (default false): model the parameters of a sub-space jointly rather than one by one.
 */
final class SamplingSettings {
    static final String KEY = "sampling_algorithm_settings";
    private static final String PATH = "sweep." + KEY;

    private SamplingSettings() {}

    static boolean multivariate(JsonNode n, String algorithm, ConfigProblems problems) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isObject()) {
            problems.add(PATH, "must be a mapping (multivariate: true or false), got " + n);
            return false;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("multivariate")) {
                problems.add(PATH + "." + key, "unknown setting; the one there is: multivariate");
            }
        }
        JsonNode m = n.get("multivariate");
        if (m == null || m.isNull()) {
            return false;
        }
        if (!m.isBoolean()) {
            problems.add(PATH + ".multivariate", "must be true or false, got " + m);
            return false;
        }
        if (m.asBoolean() && !"bayesian".equals(algorithm)) {
            problems.add(PATH + ".multivariate", "only bayesian sampling models parameters; " + algorithm
                    + " sampling would ignore it");
            return false;
        }
        return m.asBoolean();
    }
}
