package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunAdmission;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.weights.PretrainedPlan;
import io.automlseg.driver.weights.PretrainedResolver;
import io.automlseg.driver.weights.SweepStartingWeights;
import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.driver.weights.WeightsCache;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pre-flight check of {@code sweep --validate-only}: everything the sweep checks before its first trial, without
 * Spark, training or writing anything: the configuration (already parsed by the caller), the MLTables (every JSONL
 * line through the same reader as the sweep), that validation labels occur in training, and that every image can be
 * opened and has a readable header with a size. A scheduler runs it as a cheap first task: exit code 0 means the sweep
 * may start.
 */
public final class Preflight {
    private Preflight() {}

    /**
     * @param output the run folder, admitted as the sweep would admit it
     * @param runId the sweep's --run-id, or null
     * @param resume whether the sweep is asked to resume
     * @param localMaster whether the sweep would run with a local master (it decides the default weights cache)
     * @throws BadInputException naming file, line and field of what must be fixed
     */
    public static void check(SweepConfig config, RecordSource source, String output, String runId, boolean resume,
                             boolean localMaster, PrintStream out) throws IOException, BadInputException {
        String outputNote = admitOutput(config, output, runId, resume);
        List<ImageRecord> train = source.read(config.trainingData(), config, true);
        List<ImageRecord> validation = config.validationData() == null ? List.of()
                : source.read(config.validationData(), config, false);
        if (config.validationData() != null && !config.ignoreDataErrors()) {
            DataSkips.requireKnownLabels(train, validation, config);
        }
        // The same decisions as the sweep's data preparation, from the image headers.
        Map<String, String> unusable = new TreeMap<>();
        checkImages(train, unusable);
        checkImages(validation, unusable);
        DataSkips skips = new DataSkips(config, out);
        train = skips.withoutUnusable(train, unusable, "training");
        if (config.validationData() != null) {
            validation = skips.withoutUnusable(validation, unusable, "validation");
            validation = skips.withoutUnknownLabels(train, validation);
        }
        List<String> labels = LabelSet.labels(train);
        if (labels.isEmpty()) {
            throw new BadInputException("the data has no labelled objects: " + config.trainingData().path());
        }
        WeightsCache cache = WeightsCache.forSweep(config.weightsCache(), localMaster, Storage.qualify(output));
        PretrainedPlan weights = new PretrainedResolver(WeightCatalog.current(), cache, out).check(config);
        SweepStartingWeights.announce(weights, out);
        out.printf("Valid: %s, %d training and %s validation images, %d labels %s; output folder %s. "
                        + "The sweep may start.%n", config.experimentName(), train.size(),
                config.validationData() == null ? "(split off: validation_data_size " + config.validationDataSize()
                        + ")" : Integer.toString(validation.size()), labels.size(), labels, outputNote);
    }

    /** The run folder as the sweep admits it (a folder; a journaled sweep only when it may be continued). */
    private static String admitOutput(SweepConfig config, String output, String runId, boolean resume)
            throws BadInputException {
        try {
            RunFolder folder = new RunFolder(Storage.qualify(output));
            RunAdmission.requireFolder(folder);
            List<JournalEvent> history = SweepJournal.read(folder);
            String admitted = RunAdmission.runId(folder, history, runId, resume, config, Instant.now());
            if (history.isEmpty()) {
                return (Storage.exists(folder.uri()) ? "exists: " : "will be created: ") + folder.uri();
            }
            if (!RunAdmission.hasEnded(folder, history)) {
                return folder.uri() + " holds sweep " + admitted + ", which will be resumed";
            }
            int more = RunAdmission.extension(history, config);
            return folder.uri() + " holds sweep " + admitted + (more == 0
                    ? ", which has ended: running it again repeats its outcome"
                    : ", which has ended: the changed limits extend it by up to " + more + " trial(s)");
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("the output folder " + output + " is not reachable: " + e.getMessage(), e);
        }
    }

    /** Reads every image's header (not its pixels): the file exists, is an image, has a size within the limit. */
    private static void checkImages(List<ImageRecord> records, Map<String, String> unusable) {
        for (ImageRecord r : records) {
            try {
                ImageDecoder.probeSize(r.imageUrl(), r.source());
            } catch (DataError e) {
                unusable.put(r.source(), e.problems().get(0).toString());
            }
        }
    }
}
