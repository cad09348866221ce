package io.automlseg.driver.persist;

import io.automlseg.driver.sweep.ResumePoint;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialFolder;
import io.automlseg.driver.sweep.TrialPlacement;
import io.automlseg.driver.sweep.TrialState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds a sweep from its journal for a resume: every trial in its order with its parameters (so the sampler sees
 * the same history) and its attempts, the ended ones with how they ended, every one with the epoch reports in its
 * folder (so a termination policy does not judge an interrupted trial's old reports again), how often each was lost,
 * and which trial's model is published.
 */
public final class JournalReplay {
    private JournalReplay() {}

    /**
     * Adds the journaled trials to {@code state}.
     *
     * @return where the sweep continues: the trials that were running when it stopped, and its counts
     */
    public static ResumePoint replay(List<JournalEvent> history, SweepState state, RunFolder run) {
        Map<Integer, Trial> byNumber = new HashMap<>();
        Map<Trial, Integer> losses = new HashMap<>();
        Set<Trial> lostLast = new HashSet<>();
        int retries = 0;
        String publishedBest = null;
        for (JournalEvent event : history) {
            if (event instanceof JournalEvent.TrialStarted e) {
                Trial t = byNumber.get(e.trial());
                if (t == null) {
                    t = state.addTrial(e.parameters() == null ? Map.of() : e.parameters());
                    byNumber.put(e.trial(), t);
                }
                t.setAttempts(e.attempt());
                if (lostLast.remove(t)) {
                    retries++;
                }
            } else if (event instanceof JournalEvent.TrialLost e) {
                Trial t = byNumber.get(e.trial());
                if (t != null) {
                    losses.merge(t, 1, Integer::sum);
                    lostLast.add(t);
                }
            } else if (event instanceof JournalEvent.TrialEnded e) {
                Trial t = byNumber.get(e.trial());
                if (t != null && e.record() != null && restore(t, e.record(), run, state.primaryMetric())) {
                    publishedBest = t.id();
                }
            }
            // sweep_started and sweep_ended carry nothing to rebuild.
        }
        List<Trial> interrupted = new ArrayList<>();
        for (Trial t : state.trials()) {
            if (!t.state().isFinal()) {
                // Its reports so far were judged before the driver stopped; known now, they are not judged again.
                readEpochs(t, run, state.primaryMetric());
                interrupted.add(t);
            }
        }
        return new ResumePoint(interrupted, losses, retries, publishedBest);
    }

    private static void readEpochs(Trial t, RunFolder run, String primaryMetric) {
        for (TrialFolder.Report report : new TrialFolder(run.trialDir(t.id())).newReports(new HashSet<>())) {
            t.addEpoch(report.report(), primaryMetric);
        }
    }

    /**
     * Restores an ended trial from its record and its folder's epoch reports.
     *
     * @return whether its model is the one published as the best
     */
    private static boolean restore(Trial t, TrialRecord r, RunFolder run, String primaryMetric) {
        readEpochs(t, run, primaryMetric);
        if (r.startedAt() != null) {
            t.setStartedAt(Instant.parse(r.startedAt()));
        }
        if (r.bestValue() != null) {
            t.setResultBest(r.bestEpoch(), r.bestValue());
        }
        if (r.host() != null) {
            t.setPlacement(new TrialPlacement(r.executorId(), r.host(), r.gpuAddress(),
                    r.device(), r.deviceNote()));
        }
        if (r.stopReason() != null) {
            t.requestStop(r.stopReason());
        }
        t.setStartingWeights(r.startingWeights());
        t.finish(r.status(), r.finishedAt() == null ? Instant.now() : Instant.parse(r.finishedAt()), r.error());
        if (r.status() == TrialState.COMPLETED || r.status() == TrialState.EARLY_TERMINATED) {
            try {
                return t.id().equals(BestModelPublisher.publishedTrial(run.bestModel()));
            } catch (IOException e) {
                return false; // Published again if it is the best.
            }
        }
        return false;
    }
}
