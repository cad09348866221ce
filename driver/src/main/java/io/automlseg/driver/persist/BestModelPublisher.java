package io.automlseg.driver.persist;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes the best trial's model as the run's {@code best_model/} so that a reader never sees a half-written
 * model: the copy goes into a hidden temporary sibling, gets a {@value RunFolder#COMPLETE_MARKER} marker written
 * last, and only then is renamed into place. A folder without the marker is never a finished model.
 */
public final class BestModelPublisher {
    private BestModelPublisher() {}

    /**
     * @param modelDir the trial's {@code model/} folder
     * @param target the run's {@code best_model} folder (replaced if present)
     */
    public static void publish(String modelDir, String target, String trialId, String primaryMetric, double value)
            throws IOException {
        if (!Storage.exists(modelDir) || !Storage.isDirectory(modelDir)) {
            throw new IOException("trial " + trialId + " reported success but has no model folder " + modelDir);
        }
        String parent = target.substring(0, target.lastIndexOf('/'));
        String name = target.substring(target.lastIndexOf('/') + 1);
        long stamp = System.nanoTime();
        String tmp = parent + "/." + name + ".tmp-" + stamp;
        String old = parent + "/." + name + ".old-" + stamp;
        try {
            Storage.copy(modelDir, tmp);
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("trial_id", trialId);
            marker.put("primary_metric", primaryMetric);
            marker.put("best_value", value);
            marker.put("source", modelDir);
            marker.put("published_at", Instant.now().toString());
            Json.write(tmp + "/" + RunFolder.COMPLETE_MARKER, marker);
            if (Storage.exists(target)) {
                Storage.rename(target, old);
            }
            Storage.rename(tmp, target);
            if (Storage.exists(old)) {
                Storage.delete(old);
            }
        } catch (IOException e) {
            if (Storage.exists(tmp)) {
                Storage.delete(tmp);
            }
            throw e;
        }
    }

    /** The trial id recorded in a published model's marker, or null when the folder is missing or incomplete. */
    public static String publishedTrial(String target) throws IOException {
        String marker = target + "/" + RunFolder.COMPLETE_MARKER;
        if (!Storage.exists(marker)) {
            return null;
        }
        return String.valueOf(Json.read(marker, Map.class).get("trial_id"));
    }
}
