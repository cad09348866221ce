package io.automlseg.executor.trial;

/**
 * The layout of one trial's folder, shared by the driver (which writes the spec and the stop request and reads
 * the rest) and the trial (which does the opposite). Every path is relative to the trial folder.
 */
public final class TrialFiles {
    public static final String SPEC = "spec.json";
    public static final String METRICS_DIR = "metrics";
    public static final String MODEL_DIR = "model";
    public static final String CHECKPOINT_DIR = "checkpoint";
    public static final String RESULT = "result.json";
    /**
     * Created by the driver to ask the trial to stop (cooperative early termination): a training trial stops within
     * {@link #STOP_POLL_SECONDS}, giving up the epoch under way; any trial stops at its next evaluation at the latest.
     */
    public static final String STOP_REQUEST = "STOP";
    /** How often a training trial looks for {@link #STOP_REQUEST} while an epoch trains. */
    public static final double STOP_POLL_SECONDS = 2.0;
    public static final String LOG = "trial.log";
    /** Written by the trial before training: the device it trains on and why ({@link DeviceChoice}). */
    public static final String DEVICE = "device.json";
    /** Written by the trial before its first epoch: what its weights started from ({@link StartingWeights}). */
    public static final String STARTING_WEIGHTS = "starting_weights.json";
    /** Written by the driver's side of the trial when its process starts: where it runs (host, pid). */
    public static final String PROCESS = "process.json";

    /** Every evaluated epoch's per-label metrics so far, in one file (train.PerLabelMetricsFile). */
    public static final String PER_LABEL_METRICS = METRICS_DIR + "/per_label_metrics.json";

    private TrialFiles() {}

    public static String epochReport(int epoch) {
        return METRICS_DIR + "/epoch-" + String.format("%04d", epoch) + ".json";
    }

    /** Joins a folder URI and a relative path with exactly one slash. */
    public static String resolve(String dir, String relative) {
        return dir.endsWith("/") ? dir + relative : dir + "/" + relative;
    }
}
