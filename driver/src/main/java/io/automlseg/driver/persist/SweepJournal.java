package io.automlseg.driver.persist;

import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sweep's journal: one small JSON file per event in {@code journal/}, numbered in order ({@code 000001.json},
 * ...). Each file is written whole and renamed into place, so a crash leaves either the event or nothing; nothing is
 * ever rewritten, so the cost of an event does not grow with the sweep (unlike rewriting one state file) and every
 * Hadoop file system supports it (no appends needed). Replaying the events rebuilds the sweep for a resume.
 */
public final class SweepJournal {
    private final String dir;
    private int next;

    private SweepJournal(String dir, int next) {
        this.dir = dir;
        this.next = next;
    }

    /** Opens the journal of a run folder for appending after its last event (creating it when new). */
    public static SweepJournal open(RunFolder run) throws IOException {
        List<String> files = files(run);
        int last = files.isEmpty() ? 0 : number(files.get(files.size() - 1));
        Storage.mkdirs(run.journalDir());
        return new SweepJournal(run.journalDir(), last + 1);
    }

    public static boolean exists(RunFolder run) throws IOException {
        return !files(run).isEmpty();
    }

    /** Every event in the order written. */
    public static List<JournalEvent> read(RunFolder run) throws IOException {
        List<JournalEvent> events = new ArrayList<>();
        for (String f : files(run)) {
            events.add(Json.read(f, JournalEvent.class));
        }
        return events;
    }

    /**
     * Appends an event. A failed write is not retried or skipped: the sweep must stop rather than run on with a
     * journal that no longer tells what happened.
     */
    public synchronized void append(JournalEvent event) throws IOException {
        String file = dir + "/" + String.format("%06d", next) + ".json";
        try {
            Json.writeAtomically(file, event);
        } catch (IOException e) {
            throw new IOException("cannot write the sweep's journal (" + file + "): " + e.getMessage() + "; the sweep "
                    + "stops, and --resume continues it from what is journaled once the store works again", e);
        }
        next++;
    }

    public void sweepStarted(String runId, Map<String, String> fingerprint, Map<String, String> limits,
                             String sampler, long seed) throws IOException {
        append(new JournalEvent.SweepStarted(now(), runId, fingerprint, limits, sampler, seed));
    }

    public void trialStarted(int trial, Map<String, Object> parameters, int attempt) throws IOException {
        append(new JournalEvent.TrialStarted(now(), trial, parameters, attempt));
    }

    public void trialLost(int trial, int attempt, String reason) throws IOException {
        append(new JournalEvent.TrialLost(now(), trial, attempt, reason));
    }

    public void trialEnded(int trial, TrialRecord record) throws IOException {
        append(new JournalEvent.TrialEnded(now(), trial, record.withoutEpochs()));
    }

    public void sweepEnded(SweepStatus status) throws IOException {
        append(new JournalEvent.SweepEnded(now(), status));
    }

    private static String now() {
        return Instant.now().toString();
    }

    private static List<String> files(RunFolder run) throws IOException {
        if (!Storage.exists(run.journalDir())) {
            return List.of();
        }
        List<String> files = new ArrayList<>();
        for (String f : Storage.list(run.journalDir())) {
            if (f.substring(f.lastIndexOf('/') + 1).matches("\\d{6,}\\.json")) {
                files.add(f);
            }
        }
        files.sort((a, b) -> Integer.compare(number(a), number(b)));
        return files;
    }

    private static int number(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }
}
