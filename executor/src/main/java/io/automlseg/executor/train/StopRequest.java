package io.automlseg.executor.train;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;

/**
 * The sweep's request that this trial stop ({@link TrialFiles#STOP_REQUEST}). Looked for after every evaluation and,
 * while an epoch trains, at most every {@link TrialFiles#STOP_POLL_SECONDS}: a stopped trial then gives up the epoch
 * under way instead of training it to the end for nothing (its model is from an evaluated epoch already).
 */
final class StopRequest {
    private final String file;
    private final long pollNanos = (long) (TrialFiles.STOP_POLL_SECONDS * 1e9);
    private long nextLook = System.nanoTime() + pollNanos;

    StopRequest(String trialDir) {
        file = TrialFiles.resolve(trialDir, TrialFiles.STOP_REQUEST);
    }

    /** Whether the sweep asked the trial to stop. */
    boolean requested() throws IOException {
        nextLook = System.nanoTime() + pollNanos;
        return Storage.exists(file);
    }

    /** {@link #requested()}, but only once the poll interval has passed since the last look (false before). */
    boolean requestedWhileTraining() throws IOException {
        return System.nanoTime() - nextLook >= 0 && requested();
    }
}
