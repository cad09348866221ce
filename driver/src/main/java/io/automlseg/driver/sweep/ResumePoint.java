package io.automlseg.driver.sweep;

import java.util.List;
import java.util.Map;

/**
 * Where a journaled sweep continues: the trials that were running when its driver stopped, how often each was lost,
 * the retries so far and the trial whose model is already published.
 */
public record ResumePoint(List<Trial> interrupted, Map<Trial, Integer> losses, int retries, String publishedBest) {
    public static final ResumePoint NONE = new ResumePoint(List.of(), Map.of(), 0, null);
}
