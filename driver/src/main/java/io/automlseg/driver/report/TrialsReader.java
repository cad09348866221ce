package io.automlseg.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trials of a run folder, from whatever it holds: {@code trials.json} (rewritten every few seconds while the sweep
 * runs), the journal (every launch and end, written as they happen) and the trials' own folders (epoch reports,
 * result, process and device files). The freshest source wins: a trial that trials.json does not know yet comes from
 * the journal or its folder, and a trial still running gets its epochs from its folder. Finished trials recorded in
 * trials.json are not read again from their folders, so a live rewrite costs reads of the running trials only.
 */
final class TrialsReader {
    private final RunFolder run;
    private final String primaryMetric;
    private final List<String> warnings;

    TrialsReader(RunFolder run, String primaryMetric, List<String> warnings) {
        this.run = run;
        this.primaryMetric = primaryMetric;
        this.warnings = warnings;
    }

    List<TrialFacts> read(List<JournalEvent> journal) throws IOException {
        Map<String, TrialFacts> trials = new LinkedHashMap<>();
        for (TrialFacts t : recorded()) {
            trials.put(t.id(), t);
        }
        Map<String, TrialFacts> ended = new LinkedHashMap<>();
        for (JournalEvent event : journal) {
            if (event instanceof JournalEvent.TrialStarted e) {
                String id = Trial.id(e.trial());
                trials.putIfAbsent(id, TrialFacts.launched(id, e.trial(),
                        e.parameters() == null ? Map.of() : e.parameters(), e.at()));
            } else if (event instanceof JournalEvent.TrialEnded e && e.record() != null) {
                ended.put(Trial.id(e.trial()), Json.MAPPER.convertValue(e.record(), TrialFacts.class));
            }
        }
        for (Map.Entry<String, TrialFacts> e : ended.entrySet()) {
            TrialFacts known = trials.get(e.getKey());
            if (known == null || !known.status().isFinal()) {
                // the journal's record of the end is newer than trials.json's; its epochs stay in the folder
                trials.put(e.getKey(), e.getValue().withEpochs(known == null ? List.of() : known.epochs()));
            }
        }
        for (String dir : Storage.list(run.trialsDir())) {
            String id = dir.substring(dir.lastIndexOf('/') + 1);
            if (id.matches("\\d+") && !trials.containsKey(id)) {
                trials.put(id, TrialFacts.launched(id, Integer.parseInt(id), Map.of(), null));
            }
        }
        List<TrialFacts> out = new ArrayList<>();
        for (TrialFacts t : trials.values()) {
            out.add(fromFolderIfNeeded(t));
        }
        out.sort(Comparator.comparingInt(TrialFacts::number));
        return out;
    }

    private List<TrialFacts> recorded() {
        List<TrialFacts> list = new ArrayList<>();
        try {
            if (!Storage.exists(run.trialsJson())) {
                return list;
            }
            JsonNode doc = Json.MAPPER.readTree(Storage.readBytes(run.trialsJson()));
            for (JsonNode node : doc.path("trials")) {
                list.add(Json.MAPPER.treeToValue(node, TrialFacts.class));
            }
        } catch (IOException | IllegalArgumentException e) {
            warnings.add("could not read " + run.trialsJson() + ": " + e.getMessage());
        }
        return list;
    }

    /** Fills in from the trial's folder what the records lack: a running trial's epochs, its place, its end. */
    private TrialFacts fromFolderIfNeeded(TrialFacts t) {
        boolean recordedWhole = t.status().isFinal() && t.epochs().size() >= t.epochsRun() && t.host() != null;
        if (recordedWhole) {
            return t;
        }
        String dir = run.trialDir(t.id());
        try {
            if (!Storage.exists(dir)) {
                return t;
            }
            List<EpochFacts> epochs = epochs(dir);
            TrialFacts out = epochs.size() > t.epochs().size() ? t.withEpochs(epochs) : t;
            out = out.withPlace(text(dir, TrialFiles.PROCESS, "host"), text(dir, TrialFiles.DEVICE, "device"));
            JsonNode result = node(dir, TrialFiles.RESULT);
            if (!out.status().isFinal() && result != null && result.hasNonNull("status")) {
                out = out.withResult(TrialState.of(result.get("status").asText()),
                        result.hasNonNull("best_epoch") ? result.get("best_epoch").asInt() : null,
                        result.path("best_value").isNumber() ? result.get("best_value").asDouble() : null,
                        result.hasNonNull("seconds") ? result.get("seconds").asDouble() : null,
                        result.hasNonNull("error") ? result.get("error").asText() : null);
            }
            return out.finalValue() == null && !out.status().isFinal() ? withBestSoFar(out) : out;
        } catch (IOException | IllegalArgumentException e) {
            warnings.add("could not read trial " + t.id() + "'s folder " + dir + ": " + e.getMessage());
            return t;
        }
    }

    private TrialFacts withBestSoFar(TrialFacts t) {
        EpochFacts best = null;
        for (EpochFacts e : t.epochs()) {
            Double v = e.metric(primaryMetric);
            if (v != null && (best == null || v > best.metric(primaryMetric))) {
                best = e;
            }
        }
        return best == null ? t : t.withBest(best.epoch(), best.metric(primaryMetric));
    }

    private List<EpochFacts> epochs(String dir) throws IOException {
        List<EpochFacts> list = new ArrayList<>();
        for (String f : Storage.list(TrialFiles.resolve(dir, TrialFiles.METRICS_DIR))) {
            if (f.substring(f.lastIndexOf('/') + 1).matches("epoch-\\d+\\.json")) {
                list.add(Json.MAPPER.readValue(Storage.readBytes(f), EpochFacts.class));
            }
        }
        list.sort(Comparator.comparingInt(EpochFacts::epoch));
        return list;
    }

    private static JsonNode node(String dir, String file) throws IOException {
        String uri = TrialFiles.resolve(dir, file);
        return Storage.exists(uri) ? Json.MAPPER.readTree(Storage.readBytes(uri)) : null;
    }

    private static String text(String dir, String file, String field) throws IOException {
        JsonNode n = node(dir, file);
        return n == null || !n.hasNonNull(field) ? null : n.get(field).asText();
    }
}
