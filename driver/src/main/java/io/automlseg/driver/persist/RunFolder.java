package io.automlseg.driver.persist;

import io.automlseg.executor.trial.TrialFiles;

/**
 * Layout of a sweep's run folder (the {@code --output} folder, any Hadoop FileSystem URI):
 * <pre>
 *   data/train.jsonl, data/validation.jsonl, data/labels.json   the validated data handed to every trial
 *   trials/&lt;trial_id&gt;/                                       one trial (spec.json by the driver, the rest by the trial)
 *   trials.json, trials.parquet                                 every trial's parameters, status and metrics
 *   summary.json                                                the outcome of the sweep
 *   best_model/                                                 copy of the best trial's model/, with a _COMPLETE marker
 *   journal/000001.json, ...                                    the sweep's events, for resuming it (SweepJournal)
 * </pre>
 */
public record RunFolder(String uri) {
    public static final String COMPLETE_MARKER = "_COMPLETE";

    public RunFolder {
        uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    public String dataDir() {
        return uri + "/data";
    }

    public String trainManifest() {
        return dataDir() + "/train.jsonl";
    }

    public String validationManifest() {
        return dataDir() + "/validation.jsonl";
    }

    public String labels() {
        return dataDir() + "/labels.json";
    }

    /** Which driver runs the sweep now ({@link RunLease}). */
    public String lease() {
        return uri + "/lease.json";
    }

    /** What ignore_data_errors left out ({@link SkippedData}). */
    public String skippedData() {
        return dataDir() + "/skipped.json";
    }

    public String trialsDir() {
        return uri + "/trials";
    }

    public String trialDir(String trialId) {
        return trialsDir() + "/" + trialId;
    }

    public String trialFile(String trialId, String relative) {
        return TrialFiles.resolve(trialDir(trialId), relative);
    }

    public String trialsJson() {
        return uri + "/trials.json";
    }

    public String trialsParquet() {
        return uri + "/trials.parquet";
    }

    public String summaryJson() {
        return uri + "/summary.json";
    }

    /** The warm-start trials read when the sweep started, so that a resume uses the same ones. */
    public String warmStartJson() {
        return uri + "/warm_start.json";
    }

    public String journalDir() {
        return uri + "/journal";
    }

    public String bestModel() {
        return uri + "/best_model";
    }
}
