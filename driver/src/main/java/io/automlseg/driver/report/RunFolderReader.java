package io.automlseg.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.RunLease;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers what the report shows from a run folder on any Hadoop file system: a finished sweep (summary.json), a
 * running one (its lease is held; trials.json, the journal and the trial folders tell how far it is), or one whose
 * driver died (the same files, and no summary). A file that cannot be read becomes a warning in the report, not a
 * failure: a report of what is there beats none.
 */
public final class RunFolderReader {
    private RunFolderReader() {}

    public static SweepReportModel read(RunFolder run) throws IOException, BadInputException {
        return read(run, Instant.now());
    }

    static SweepReportModel read(RunFolder run, Instant now) throws IOException, BadInputException {
        requireRunFolder(run);
        List<String> warnings = new ArrayList<>();
        SweepSummary summary = summary(run, warnings);
        List<JournalEvent> journal = journal(run, warnings);
        String primary = summary != null ? summary.primaryMetric() : primaryMetric(run);
        List<TrialFacts> trials = new TrialsReader(run, primary, warnings).read(journal);
        boolean running = summary == null && leaseHeld(run, now);
        SweepStatus status = summary != null ? summary.status() : ended(journal);
        TrialFacts best = best(trials, summary);
        Instant start = start(journal, summary, trials);
        Instant end = end(journal, summary, running, now);
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        Map<String, Integer> devices = new LinkedHashMap<>();
        double compute = 0;
        Set<String> searched = new LinkedHashSet<>();
        for (TrialFacts t : trials) {
            byStatus.merge(t.status().yamlName(), 1, Integer::sum);
            if (t.device() != null) {
                devices.merge(t.device(), 1, Integer::sum);
            }
            compute += t.seconds() == null ? 0 : t.seconds();
            searched.addAll(t.parameters().keySet());
        }
        if (summary != null) {
            addIfPresent(warnings, summary.warning());
            if (summary.pretrainedWeights() != null) {
                addIfPresent(warnings, summary.pretrainedWeights().warning());
            }
            if (summary.skippedData() != null && !summary.skippedData().isEmpty()) {
                warnings.add("ignore_data_errors left out " + summary.skippedData().images() + " image(s) and "
                        + summary.skippedData().validationObjects() + " validation object(s)");
            }
        }
        String parametersOf = best != null ? best.id() : trials.isEmpty() ? null : trials.get(0).id();
        return new SweepReportModel(run.uri(), runId(summary, journal),
                summary != null ? summary.experimentName() : null, status, running, primary,
                best == null ? null : best.id(), best == null ? null : best.finalValue(), byStatus,
                start == null ? null : start.toString(), end == null ? null : end.toString(),
                start == null || end == null ? null : Duration.between(start, end).toMillis() / 1000.0,
                compute, devices, settings(summary, journal), parametersOf,
                parametersOf == null ? Map.of() : specParameters(run, parametersOf, warnings),
                List.copyOf(searched), trials, BestFacts.bestSoFar(trials, primary, start),
                best == null ? null : BestFacts.bestModel(run, best, primary), warnings, now.toString());
    }

    private static void requireRunFolder(RunFolder run) throws IOException, BadInputException {
        if (!Storage.exists(run.uri())) {
            throw new BadInputException(run.uri() + " does not exist");
        }
        if (!Storage.isDirectory(run.uri()) || !(Storage.exists(run.summaryJson()) || Storage.exists(run.trialsJson())
                || SweepJournal.exists(run) || Storage.exists(run.trialsDir()))) {
            throw new BadInputException(run.uri() + " is not a sweep's run folder: it has none of summary.json, "
                    + "trials.json, journal/ and trials/ (give the --output folder of `automl sweep`)");
        }
    }

    private static SweepSummary summary(RunFolder run, List<String> warnings) {
        try {
            return Storage.exists(run.summaryJson()) ? Json.read(run.summaryJson(), SweepSummary.class) : null;
        } catch (IOException e) {
            warnings.add("could not read " + run.summaryJson() + ": " + e.getMessage());
            return null;
        }
    }

    private static List<JournalEvent> journal(RunFolder run, List<String> warnings) {
        try {
            return SweepJournal.read(run);
        } catch (IOException e) {
            warnings.add("could not read the journal " + run.journalDir() + ": " + e.getMessage());
            return List.of();
        }
    }

    /** Whether a driver holds the folder's lease now: the sweep is running (else it ended or its driver died). */
    private static boolean leaseHeld(RunFolder run, Instant now) {
        try {
            if (!Storage.exists(run.lease())) {
                return false;
            }
            RunLease.Holder holder = Json.read(run.lease(), RunLease.Holder.class);
            return holder.expiresAt() != null && Instant.parse(holder.expiresAt()).isAfter(now);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static SweepStatus ended(List<JournalEvent> journal) {
        SweepStatus status = null;
        for (JournalEvent e : journal) {
            if (e instanceof JournalEvent.SweepEnded end) {
                status = end.status();
            } else if (e instanceof JournalEvent.SweepStarted) {
                status = null; // resumed after it had ended? then it runs again
            }
        }
        return status;
    }

    private static String primaryMetric(RunFolder run) {
        try {
            if (Storage.exists(run.trialsJson())) {
                JsonNode n = Json.MAPPER.readTree(Storage.readBytes(run.trialsJson())).path("primary_metric");
                if (n.isTextual()) {
                    return n.asText();
                }
            }
        } catch (IOException e) {
            // the trials reader has warned already
        }
        return SweepConfig.PRIMARY_METRIC;
    }

    /**
     * The best trial: summary.json's, else as SweepState.best() picks it (a finished trial with a model and the
     * highest value; ties to the earlier), else while nothing has finished the running trial with the best value.
     */
    private static TrialFacts best(List<TrialFacts> trials, SweepSummary summary) {
        if (summary != null) {
            return summary.bestTrial() == null ? null
                    : trials.stream().filter(t -> t.id().equals(summary.bestTrial())).findFirst().orElse(null);
        }
        TrialFacts best = null;
        TrialFacts bestRunning = null;
        for (TrialFacts t : trials) {
            Double v = t.finalValue();
            if (v == null || v.isInfinite()) {
                continue;
            }
            boolean model = t.status() == TrialState.COMPLETED || t.status() == TrialState.EARLY_TERMINATED;
            if (model && (best == null || v > best.finalValue())) {
                best = t;
            }
            if (!t.status().isFinal() && (bestRunning == null || v > bestRunning.finalValue())) {
                bestRunning = t;
            }
        }
        return best != null ? best : bestRunning;
    }

    /**
     * When the sweep started: summary.json's start (before the data was prepared) or, for a resumed sweep (whose
     * summary tells the last run's start), the journal's first sweep_started, whichever is earlier.
     */
    private static Instant start(List<JournalEvent> journal, SweepSummary summary, List<TrialFacts> trials) {
        Instant start = summary != null && summary.startedAt() != null ? Instant.parse(summary.startedAt()) : null;
        for (JournalEvent e : journal) {
            if (e instanceof JournalEvent.SweepStarted) {
                Instant journaled = Instant.parse(e.at());
                return start == null || journaled.isBefore(start) ? journaled : start;
            }
        }
        if (start != null) {
            return start;
        }
        return trials.stream().filter(t -> t.startedAt() != null).map(t -> Instant.parse(t.startedAt()))
                .min(Instant::compareTo).orElse(null);
    }

    private static Instant end(List<JournalEvent> journal, SweepSummary summary, boolean running, Instant now) {
        if (summary != null && summary.finishedAt() != null) {
            return Instant.parse(summary.finishedAt());
        }
        if (running || journal.isEmpty()) {
            return now;
        }
        return Instant.parse(journal.get(journal.size() - 1).at()); // a dead sweep: its last word
    }

    private static String runId(SweepSummary summary, List<JournalEvent> journal) {
        if (summary != null) {
            return summary.runId();
        }
        for (JournalEvent e : journal) {
            if (e instanceof JournalEvent.SweepStarted s) {
                return s.runId();
            }
        }
        return null;
    }

    private static Map<String, Object> settings(SweepSummary summary, List<JournalEvent> journal) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (JournalEvent e : journal) {
            if (e instanceof JournalEvent.SweepStarted started) {
                s.put("sampling_algorithm", started.sampler());
                s.put("seed", started.seed());
            }
        }
        if (summary != null) {
            s.put("sampling_algorithm", summary.samplingAlgorithm());
            s.put("termination_policy", summary.terminationPolicy());
            s.put("concurrent_trials", summary.concurrentTrials());
            s.put("retries", summary.retries());
            if (summary.pretrainedWeights() != null) {
                s.put("pretrained_weights", summary.pretrainedWeights().requested());
            }
            if (summary.bestModelPath() != null) {
                s.put("best_model_path", summary.bestModelPath());
            }
        }
        s.values().removeIf(v -> v == null);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> specParameters(RunFolder run, String trialId, List<String> warnings) {
        String spec = run.trialFile(trialId, TrialFiles.SPEC);
        try {
            if (Storage.exists(spec)) {
                Object p = Json.read(spec, Map.class).get("parameters");
                return p instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            }
        } catch (IOException e) {
            warnings.add("could not read " + spec + ": " + e.getMessage());
        }
        return Map.of();
    }

    private static void addIfPresent(List<String> list, String s) {
        if (s != null && !s.isBlank()) {
            list.add(s);
        }
    }
}
