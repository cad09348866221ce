package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.TrialResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The sweep's scheduler. It owns which trials run ({@link RunningTrial}), their attempts, stop requests and
 * deadlines, and how each ended ({@link TrialEnd}). Each round it records the runs that ended (running a lost one
 * again within its retry budget), fills the free slots with the sampler's next proposals, reads the running trials'
 * epoch reports, lets the termination policy judge them (writing a trial's STOP file) and applies the
 * {@link StopRules}; then it waits until a run ends or the poll interval passes.
 */
public final class SweepLoop {

    /**
     * @param maxTrials trials in the sweep (after capping to the grid's size)
     * @param concurrency trials at once
     * @param maxTrialRetries how often a lost trial runs again
     * @param pollInterval how often the running trials' folders are read when no run ends
     */
    public record Limits(int maxTrials, int concurrency, int maxTrialRetries, Duration pollInterval) {}

    /** How the loop waits for the next round: until a run ends ({@code wake}) or {@code max} passed. */
    public interface Waiting {
        void await(BlockingQueue<Boolean> wake, Duration max) throws InterruptedException;

        Waiting REAL = (wake, max) -> {
            if (wake.poll(max.toMillis(), TimeUnit.MILLISECONDS) != null) {
                wake.clear();
            }
        };
    }

    /** How the sweep ended; {@code best} is the published best trial, if any. */
    public record Outcome(SweepStatus status, Optional<Trial> best, String warning, int retries, Instant end) {}

    private final SweepState state;
    private final Sampler sampler;
    private final Limits limits;
    private final StopRules rules;
    private final TrialBackend backend;
    private final TrialSetup setup;
    private final SweepRecorder recorder;
    private final SweepListener listener;
    private final SchedulerStats stats;
    private final TrialMonitor monitor;
    private final Clock clock;
    private final Waiting waiting;
    private final BlockingQueue<Boolean> wake = new LinkedBlockingQueue<>();
    private final Map<Trial, RunningTrial> running = new LinkedHashMap<>();
    private final List<Trial> endedToJournal = new ArrayList<>();
    private int retries;
    private String publishedBest;

    public SweepLoop(SweepState state, Sampler sampler, TerminationPolicy policy, Limits limits, StopRules rules,
                     TrialBackend backend, TrialSetup setup, SweepRecorder recorder, SweepListener listener,
                     SchedulerStats stats, Clock clock, Waiting waiting) {
        this.state = state;
        this.sampler = sampler;
        this.limits = limits;
        this.rules = rules;
        this.backend = backend;
        this.setup = setup;
        this.recorder = recorder;
        this.listener = listener;
        this.stats = stats;
        this.clock = clock;
        this.waiting = waiting;
        this.monitor = new TrialMonitor(state, policy, rules, backend, listener, stats, clock);
    }

    /** Runs the sweep to its end, first continuing the trials a resumed sweep's previous driver left running. */
    public Outcome run(ResumePoint resume) throws IOException {
        retries = resume.retries();
        publishedBest = resume.publishedBest();
        int concurrency = Math.min(limits.concurrency(), backend.slots());
        boolean exhausted = false;
        boolean timedOut = false;
        boolean tooManyFailures = false;
        try {
            for (Trial t : resume.interrupted()) {
                resume(t, resume.losses().getOrDefault(t, 0));
            }
            journalEnded();
            publishBest();
            recorder.writeTrials(clock.instant());
            stats.cpuStart();
            while (true) {
                Instant now = clock.instant();
                if (!timedOut && rules.sweepTimedOut(now)) {
                    timedOut = true;
                    listener.sweepTimedOut(rules.timeoutMinutes(), running.size());
                }
                // Ended runs first, so their slots get the next trials before the reports are read.
                boolean changed = recordEndedRuns();
                if (!timedOut && !tooManyFailures && rules.tooManyFailures(state.count(TrialState.FAILED))) {
                    tooManyFailures = true;
                    listener.tooManyFailures(state.count(TrialState.FAILED), rules.maxFailedTrials());
                }
                while (!timedOut && !tooManyFailures && !exhausted && running.size() < concurrency
                        && state.trials().size() < limits.maxTrials()) {
                    Optional<Map<String, Object>> proposal = sampler.propose(state);
                    if (proposal.isEmpty()) {
                        exhausted = true;
                        break;
                    }
                    Trial t = state.addTrial(proposal.get());
                    launch(new RunningTrial(t, new TrialFolder(setup.trialDir(t)), 0), 1);
                    changed = true;
                }
                // After the launches: journaling ends and copying a model must not keep a freed slot waiting. (A crash
                // in between is harmless: a resume records an unjournaled end from the trial's result.json.)
                journalEnded();
                if (changed) {
                    publishBest();
                }
                for (RunningTrial r : running.values()) {
                    monitor.watch(r, now, timedOut);
                }
                if (running.isEmpty() && (timedOut || tooManyFailures || exhausted
                        || state.trials().size() >= limits.maxTrials())) {
                    break;
                }
                recorder.trialsChanged(changed, clock.instant());
                listener.progress(state, limits.maxTrials());
                // A run ending wakes the loop at once, so its slot does not wait for the next round.
                waiting.await(wake, limits.pollInterval());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the sweep was interrupted", e);
        } finally {
            backend.close();
            stats.cpuStop();
        }
        Instant end = clock.instant();
        recorder.writeFinalTrials(end);
        publishBest();
        Optional<Trial> best = state.best().filter(b -> b.id().equals(publishedBest));
        SweepStatus status = timedOut ? SweepStatus.TIMED_OUT
                : best.isPresent() ? SweepStatus.COMPLETED : SweepStatus.NO_SUCCESSFUL_TRIAL;
        String warning = tooManyFailures && !timedOut
                ? rules.tooManyFailuresWarning(state.count(TrialState.FAILED)) : null;
        return new Outcome(status, best, warning, retries, end);
    }

    /** A trial the dead driver left running: recorded from its result if it finished, else run again. */
    private void resume(Trial t, int losses) throws IOException {
        RunningTrial r = new RunningTrial(t, new TrialFolder(setup.trialDir(t)), losses);
        if (backend.endLeftoverProcess(r.folder.dir())) {
            listener.leftoverProcessEnded(t);
        }
        if (r.folder.result() != null) {
            t.markRunning(clock.instant());
            ended(r, null, null);
            return;
        }
        String stop = r.folder.stopRequest();
        if (stop != null) {
            t.requestStop(stop);
        }
        int attempt = t.attempts() + 1;
        listener.trialResumed(t, attempt);
        launch(r, attempt);
    }

    private void launch(RunningTrial r, int attempt) throws IOException {
        Trial t = r.trial;
        stats.launched(t, clock.millis());
        var spec = setup.spec(t);
        r.plannedEpochs = spec.parameters().get("number_of_epochs") instanceof Number n ? n.intValue() : 0;
        String specUri = r.folder.writeSpec(spec);
        t.setAttempts(attempt);
        t.markRunning(clock.instant());
        if (attempt == 1) {
            listener.trialStarted(t);
        }
        r.run = backend.launch(t, specUri, () -> wake.offer(Boolean.TRUE));
        running.put(t, r);
        // Journaled once submitted, so the write does not delay the run; a crash before it is harmless, as the
        // deterministic sampler proposes the same trial again on resume and its folder is reused.
        recorder.trialStarted(t, attempt);
    }

    /** Records the runs that ended; runs the lost ones again in their folders, where they resume from checkpoints. */
    private boolean recordEndedRuns() throws IOException {
        boolean changed = false;
        List<RunningTrial> again = new ArrayList<>();
        for (Iterator<RunningTrial> it = running.values().iterator(); it.hasNext(); ) {
            RunningTrial r = it.next();
            if (r.run.isDone()) {
                it.remove();
                TrialExit exit = null;
                String taskFailure = null;
                try {
                    exit = r.run.get();
                } catch (ExecutionException e) {
                    taskFailure = TrialEnd.rootMessage(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    taskFailure = "interrupted";
                }
                long seen = clock.millis();
                stats.slotFreed(exit != null ? exit.finishedAtMillis() : seen, seen);
                if (ended(r, exit, taskFailure)) {
                    again.add(r);
                }
                changed = true;
            }
        }
        for (RunningTrial r : again) {
            r.nextAttempt();
            if (r.stopDeadline != null) {
                r.stopDeadline = clock.instant().plus(rules.grace(r.trial, clock.instant()));
            }
            launch(r, r.trial.attempts() + 1);
        }
        return changed;
    }

    /**
     * Records how a run ended (see {@link TrialEnd#decide}).
     *
     * @return true when the infrastructure lost the run and the trial must run again
     */
    private boolean ended(RunningTrial r, TrialExit exit, String taskFailure) throws IOException {
        Trial t = r.trial;
        monitor.judgeNewReports(r);
        if (exit != null) {
            t.setStartedAt(Instant.ofEpochMilli(exit.startedAtMillis()));
            stats.taskRan(t, exit.startedAtMillis(), exit.finishedAtMillis());
            t.setPlacement(exit.placement());
        }
        Instant end = exit != null ? Instant.ofEpochMilli(exit.finishedAtMillis()) : clock.instant();
        Cancellation cancelled = r.takeCancellation();
        t.setStartingWeights(setup.startingWeights(t));
        TrialResult result = r.folder.result();
        if (result != null) {
            t.setResultBest(result.bestEpoch(), result.bestValue());
        }
        TrialEnd how = TrialEnd.decide(t, exit, taskFailure, cancelled, result, r.folder);
        if (how instanceof TrialEnd.Lost lost) {
            recorder.trialLost(t, Math.max(1, t.attempts()), lost.reason());
            r.losses++;
            int budget = limits.maxTrialRetries();
            if (r.losses <= budget) {
                retries++;
                listener.trialLost(t, lost.reason(), r.losses, budget);
                return true;
            }
            how = new TrialEnd.Failed("lost " + r.losses + " times to infrastructure failures (max_trial_retries "
                    + budget + "); the last: " + lost.reason());
        }
        how.finish(t, end);
        endedToJournal.add(t);
        listener.trialEnded(t, state, end);
        return false;
    }

    private void journalEnded() throws IOException {
        for (Trial t : endedToJournal) {
            recorder.trialEnded(t, clock.instant());
        }
        endedToJournal.clear();
    }

    /** Publishes the best trial's model when the best changed. */
    private void publishBest() {
        Optional<Trial> best = state.best();
        if (best.isEmpty() || best.get().id().equals(publishedBest)) {
            return;
        }
        Trial b = best.get();
        try {
            String where = recorder.publishBest(b);
            publishedBest = b.id();
            listener.newBest(b, state.primaryMetric(), where);
        } catch (IOException e) {
            listener.publishFailed(b, e);
        }
    }
}
