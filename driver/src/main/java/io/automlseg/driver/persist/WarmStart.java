package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.PriorTrial;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.sweep.SpaceFit;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.warm_start_runs}: the finished trials of earlier sweeps, read from their {@code trials.json} (any
 * Hadoop file system), that fit this sweep's search space and share its primary metric. A trial that does not fit is
 * skipped, one line per run and parameter. What was used is written once as {@code warm_start.json} in the run
 * folder, and a resume reads that file instead of the earlier runs (which may have changed since), so the sampler
 * sees the same history again.
 *
 * @param runs the configured run folders
 * @param trials the trials that seed the sampler
 * @param skipped why the others were left out, one line each
 */
public record WarmStart(
        @JsonProperty("runs") List<String> runs,
        @JsonProperty("trials") List<PriorTrial> trials,
        @JsonProperty("skipped") List<String> skipped) {
    public static final WarmStart NONE = new WarmStart(List.of(), List.of(), List.of());

    /** The warm start of the sweep in {@code run}: as recorded when it started, else read from the earlier runs. */
    public static WarmStart load(SweepConfig config, RunFolder run, PrintStream out) throws IOException {
        List<String> runs = config.sweep().warmStartRuns();
        if (runs.isEmpty()) {
            return NONE;
        }
        if (Storage.exists(run.warmStartJson())) {
            WarmStart recorded = Json.read(run.warmStartJson(), WarmStart.class);
            out.println("Warm start: " + recorded.trials().size() + " trial(s) of earlier sweeps, as recorded in "
                    + run.warmStartJson() + " when the sweep started.");
            return recorded;
        }
        WarmStart read = read(runs, config.searchSpace(), config.primaryMetric());
        Json.writeAtomically(run.warmStartJson(), read);
        for (String line : read.skipped()) {
            out.println("Warm start: skipped " + line);
        }
        out.println("Warm start: " + read.trials().size() + " finished trial(s) from " + runs.size()
                + " earlier run(s)" + (config.sweep().samplingAlgorithm().equals("bayesian") ? "" : "; "
                + config.sweep().samplingAlgorithm() + " sampling does not use them (only bayesian does)") + ".");
        return read;
    }

    /** The finished trials of {@code runs} that fit {@code space}; a run that cannot be read is one skipped line. */
    static WarmStart read(List<String> runs, SearchSpace space, String primaryMetric) {
        List<PriorTrial> trials = new ArrayList<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (String dir : runs) {
            RunFolder earlier = new RunFolder(dir);
            JsonNode table;
            try {
                table = Json.MAPPER.readTree(Storage.readBytes(earlier.trialsJson()));
            } catch (IOException | RuntimeException e) {
                skipped.put(dir + ": cannot read " + earlier.trialsJson() + " (" + e.getMessage() + ")", 0);
                continue;
            }
            String metric = table.path("primary_metric").asText();
            if (!metric.equals(primaryMetric)) {
                skipped.put(dir + ": its primary metric is " + metric + ", not " + primaryMetric, 0);
                continue;
            }
            for (JsonNode t : table.path("trials")) {
                String status = t.path("status").asText();
                JsonNode value = t.get("best_value");
                if (!(status.equals("completed") || status.equals("early_terminated")) || value == null
                        || !value.isNumber()) {
                    continue; // not finished with a value: nothing to learn from
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> parameters = Json.MAPPER.convertValue(t.path("parameters"), Map.class);
                String misfit = SpaceFit.misfit(space, parameters);
                if (misfit != null) {
                    skipped.merge(dir + ": " + misfit, 1, Integer::sum);
                } else {
                    trials.add(new PriorTrial(dir, t.path("trial_id").asText(), parameters, value.asDouble()));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        skipped.forEach((line, n) -> lines.add(line + (n > 0 ? " (" + n + " trial" + (n == 1 ? "" : "s") + ")" : "")));
        return new WarmStart(List.copyOf(runs), trials, lines);
    }

    /** The sampler, seeded with these trials if it is Bayesian (random and grid sampling do not use them). */
    public Sampler seed(Sampler sampler) {
        return sampler instanceof BayesianSampler b && !trials.isEmpty() ? b.withWarmStart(trials) : sampler;
    }
}
