package io.automlseg.executor.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics/per_label_metrics.json}: the per-label metrics of every evaluated epoch so far, so a reader needs one
 * file rather than every epoch report. Rebuilt from the epoch reports (their one source) after each epoch and written
 * atomically, so it is whole at any moment and right after a trial resumes from a checkpoint.
 *
 * @param labels the trial's label names
 * @param epochs the evaluated epochs, in order
 */
public record PerLabelMetricsFile(@JsonProperty("labels") List<String> labels,
                                  @JsonProperty("epochs") List<Epoch> epochs) {

    /** One evaluated epoch: label name to its metrics (see {@link EpochReport#perLabelMetrics()}). */
    public record Epoch(@JsonProperty("epoch") int epoch,
                        @JsonProperty("per_label_metrics") Map<String, Map<String, Double>> perLabelMetrics) {}

    /** Rewrites the file of the trial in {@code trialDir} from its reports of epochs 1 to {@code lastEpoch}. */
    public static PerLabelMetricsFile write(String trialDir, List<String> labels, int lastEpoch) throws IOException {
        List<Epoch> epochs = new ArrayList<>();
        for (int e = 1; e <= lastEpoch; e++) {
            String report = TrialFiles.resolve(trialDir, TrialFiles.epochReport(e));
            if (!Storage.exists(report)) {
                continue;
            }
            EpochReport r = Json.read(report, EpochReport.class);
            if (r.perLabelMetrics() != null && !r.perLabelMetrics().isEmpty()) {
                epochs.add(new Epoch(r.epoch(), r.perLabelMetrics()));
            }
        }
        PerLabelMetricsFile file = new PerLabelMetricsFile(List.copyOf(labels), epochs);
        Json.writeAtomically(TrialFiles.resolve(trialDir, TrialFiles.PER_LABEL_METRICS), file);
        return file;
    }
}
