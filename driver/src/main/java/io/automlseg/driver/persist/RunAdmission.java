package io.automlseg.driver.persist;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a sweep may run in its output folder, and under which run id, decided from the folder and its journal
 * before Spark starts, so that a wrong folder or a changed configuration fails in a second: a new sweep needs a folder
 * without one; a journaled sweep continues only when asked to (--resume or its run id) and with a configuration that
 * gives the same trials.
 */
public final class RunAdmission {
    private RunAdmission() {}

    /**
     * The run id: the journaled one when resuming, else {@code requestedRunId} or a time stamp.
     *
     * @throws BadInputException when the folder holds a sweep that this run may not continue
     */
    public static String runId(RunFolder folder, List<JournalEvent> history, String requestedRunId, boolean resume,
                               SweepConfig config, Instant started) throws IOException, BadInputException {
        if (!history.isEmpty()) {
            return resumableRunId(folder, history, requestedRunId, resume, config);
        }
        requireFreeOutput(folder);
        return requestedRunId != null ? requestedRunId
                : "sweep-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
    }

    /** A run folder must be a folder: an existing file under its name is refused before anything reads it. */
    public static void requireFolder(RunFolder folder) throws IOException, BadInputException {
        if (Storage.exists(folder.uri()) && !Storage.isDirectory(folder.uri())) {
            throw new BadInputException("the output folder " + folder.uri() + " is a file, not a folder; choose "
                    + "another --output");
        }
    }

    /**
     * Whether the journaled sweep's last run ended (and its summary is there to tell its outcome again). A run that
     * extended an ended sweep and was interrupted has not: its journal ends after a later sweep_started.
     */
    public static boolean hasEnded(RunFolder folder, List<JournalEvent> history) throws IOException {
        boolean ended = false;
        for (JournalEvent e : history) {
            if (e instanceof JournalEvent.SweepStarted) {
                ended = false;
            } else if (e instanceof JournalEvent.SweepEnded) {
                ended = true;
            }
        }
        return ended && Storage.exists(folder.summaryJson());
    }

    /**
     * How many more trials an ended sweep runs with {@code config}: when its limits differ from those of its last run
     * (e.g. a larger {@code max_trials}, or a longer {@code timeout_minutes} for one that timed out) and
     * {@code max_trials} (at most the grid's size) leaves room beyond the trials it has; else 0, and running it again
     * repeats its outcome, so a scheduler's retry with the same configuration stays a no-op.
     */
    public static int extension(List<JournalEvent> history, SweepConfig config) {
        Map<String, String> last = null;
        Set<Integer> trials = new HashSet<>();
        for (JournalEvent e : history) {
            if (e instanceof JournalEvent.SweepStarted s) {
                last = s.limits();
            } else if (e instanceof JournalEvent.TrialStarted t) {
                trials.add(t.trial());
            }
        }
        if (SweepFingerprint.limits(config).equals(last)) {
            return 0;
        }
        long planned = config.searchSpace().isEmpty() ? 1 : config.limits().maxTrials();
        if (config.sampler() instanceof GridSampler grid) {
            planned = Math.min(planned, grid.size());
        }
        return (int) Math.max(0, planned - trials.size());
    }

    /** A new sweep needs a folder that holds no other sweep. */
    public static void requireFreeOutput(RunFolder folder) throws IOException, BadInputException {
        if (Storage.exists(folder.trialsJson()) || Storage.exists(folder.summaryJson())
                || Storage.exists(folder.trialsDir())) {
            throw new BadInputException("the output folder " + folder.uri()
                    + " already holds a sweep (trials.json) without a journal to resume it from; choose another "
                    + "--output");
        }
    }

    /** The run id of the journaled sweep, if this run may continue it: same configuration, and asked to. */
    private static String resumableRunId(RunFolder folder, List<JournalEvent> history, String requestedRunId,
                                         boolean resume, SweepConfig config) throws BadInputException {
        JournalEvent.SweepStarted first = history.stream()
                .filter(JournalEvent.SweepStarted.class::isInstance).map(JournalEvent.SweepStarted.class::cast)
                .findFirst().orElseThrow(() -> new BadInputException("the journal in " + folder.journalDir()
                        + " does not start with sweep_started; choose another --output"));
        String journaled = first.runId();
        if (requestedRunId != null && !requestedRunId.equals(journaled)) {
            throw new BadInputException("the output folder " + folder.uri() + " holds sweep " + journaled
                    + ", not --run-id " + requestedRunId + "; resume it with --run-id " + journaled
                    + " (or --resume), or choose another --output");
        }
        if (requestedRunId == null && !resume) {
            throw new BadInputException("the output folder " + folder.uri() + " already holds sweep " + journaled
                    + "; continue it with --resume (or --run-id " + journaled + "), or choose another --output");
        }
        List<String> diffs = SweepFingerprint.differences(first.fingerprint(), SweepFingerprint.of(config));
        if (!diffs.isEmpty()) {
            throw new BadInputException(config.source() + ": the configuration differs from the one sweep "
                    + journaled + " in " + folder.uri() + " was started with, in a way that changes its trials:\n  "
                    + String.join("\n  ", diffs)
                    + "\nRestore those settings to resume it (limits may change), or start a new sweep in another "
                    + "--output.");
        }
        return journaled;
    }
}
