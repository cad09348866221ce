package io.automlseg.driver.spark;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.RunAdmission;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SweepFingerprint;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.persist.TrialRecord;
import io.automlseg.driver.persist.TrialsTable;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.SweepStatus;
import io.automlseg.driver.sweep.TerminationPolicy;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialPlacement;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.driver.weights.PretrainedPlan;
import io.automlseg.driver.weights.SweepStartingWeights;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a sweep on Spark. Each trial is one Spark job with one task, in its own job group {@code trial-<id>} so it can
 * be cancelled alone; the task runs the trial in a child JVM ({@link TrialTask}). A pool of driver threads submits
 * the jobs, as many at once as the sweep may run concurrently; the calling thread is the monitor. It wakes as soon as
 * a trial's job ends (so a freed slot gets its next trial at once) and otherwise every poll interval, reads each
 * running trial's epoch reports, applies the termination policy (writing the trial's {@code STOP} file, and
 * cancelling the trial's job if it does not stop within its grace period) and the time limits, records finished
 * trials, publishes the best model so far and keeps {@code trials.json} current.
 *
 * <p>How a trial ended decides what happens next: its {@code result.json} says how the trial itself ended; a trial
 * whose process exits without one failed (its error and log tail are recorded, the sweep goes on); a trial whose
 * process was killed by a signal we did not send, or whose Spark task failed (a lost executor), is run again in the
 * same folder, where it resumes from its checkpoint, up to {@code max_trial_retries} times.
 *
 * <p>Every launch and end is journaled in the run folder ({@link SweepJournal}), so a sweep whose driver died is
 * continued by running it again with {@code --resume} (or the same {@code --run-id}): finished trials are kept,
 * interrupted ones run again, and the sampler goes on from the same history.
 */
public final class SparkSweepRunner {
    private SweepConfig config;
    private final String output;
    private final RecordSource records;
    private final RunnerOptions options;
    private final PrintStream out;

    private SweepState state;
    private RunFolder run;
    private JavaSparkContext jsc;
    private TerminationPolicy policy;
    private SweepJournal journal;
    private ExecutorService pool;
    private DatasetPreparer.PreparedData data;
    private TrialLaunch launch;
    private String device;
    /** What pretrained_weights resolved to, before any trial started. */
    private PretrainedPlan pretrained;
    private final SchedulerStats stats = new SchedulerStats();
    private final BlockingQueue<Boolean> wake = new LinkedBlockingQueue<>();
    private final Map<Trial, FutureTask<TrialExit>> running = new LinkedHashMap<>();
    private final Map<Trial, Cancellation> cancellations = new ConcurrentHashMap<>();
    private final Map<Trial, Set<String>> seenReports = new HashMap<>();
    private final Map<Trial, Integer> plannedEpochs = new HashMap<>();
    private final Map<Trial, Instant> resultSeen = new HashMap<>();
    private final Map<Trial, Instant> stopDeadlines = new HashMap<>();
    private final Map<Trial, Integer> attempts = new HashMap<>();
    private final Map<Trial, Integer> losses = new HashMap<>();
    private final Set<Trial> reaped = new HashSet<>();
    private final List<Trial> endedToJournal = new ArrayList<>();
    private int retries;
    private String publishedBest;
    private boolean trialsDirty;
    private long[] cpuStart;
    private long trialsWrittenAt;

    /**
     * trials.json is rewritten whole (every trial with its epochs), so at most this often: rewriting it on every
     * change would cost the driver O(trials²). The journal, not this file, is what a resume reads.
     */
    static final Duration TRIALS_JSON_INTERVAL = Duration.ofSeconds(2);

    /** Why the sweep cancelled a trial's job. */
    private enum CancelKind { SWEEP_TIMEOUT, TRIAL_TIMEOUT, HARD_STOP, LINGERING }

    private record Cancellation(CancelKind kind, String reason) {}

    /**
     * How long a trial's process may linger after writing result.json before it is stopped (a stuck native thread
     * must not hold the trial slot); its result still counts.
     */
    static final Duration RESULT_GRACE = Duration.ofSeconds(60);

    /**
     * @param output the run folder (any Hadoop FileSystem URI); must not hold an earlier sweep unless it is resumed
     * @param records reads the configuration's MLTables
     * @param out where progress is printed
     */
    public SparkSweepRunner(SweepConfig config, String output, RecordSource records, RunnerOptions options,
                            PrintStream out) {
        this.config = config;
        this.output = output;
        this.records = records;
        this.options = options;
        this.out = out;
    }

    /** What the sweep machinery cost (filled while {@link #run()} runs). */
    public SchedulerStats schedulerStats() {
        return stats;
    }

    /**
     * Runs the sweep to its end (or continues a journaled one) and returns its summary (also written as
     * {@code summary.json}). A sweep that already ended is not run again: its summary is printed and returned.
     */
    public SweepSummary run() throws IOException, BadInputException {
        Instant started = Instant.now();
        // Checked before Spark starts, so a wrong folder or a changed configuration fails in a second.
        RunFolder folder = new RunFolder(Storage.qualify(output));
        List<JournalEvent> history = SweepJournal.read(folder);
        String runId = RunAdmission.runId(folder, history, options.runId(), options.resume(), config, started);
        if (RunAdmission.hasEnded(folder, history)) {
            return alreadyEnded(folder);
        }
        // checkpoint_run_id names an earlier run beside this one; the trials get its model folder.
        config = io.automlseg.driver.persist.CheckpointRuns.resolveIn(config, output);
        // Fetched by the driver, before Spark starts: trials read the checked files, executors need no network.
        pretrained = SweepStartingWeights.prepare(config, folder.uri(),
                RunnerOptions.isLocalMaster(options.master()), out);
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = session(runId);
        try {
            return sweep(spark, runId, started, history);
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    /** A finished sweep run again (e.g. an Airflow retry): nothing to do but tell its outcome again. */
    private SweepSummary alreadyEnded(RunFolder folder) throws IOException {
        SweepSummary summary = Json.read(folder.summaryJson(), SweepSummary.class);
        out.println("Sweep " + summary.runId() + " in " + folder.uri() + " already ended (" + summary.status()
                + ", " + summary.finishedAt() + "); nothing to run.");
        printOutcome(summary);
        return summary;
    }

    private SparkSession session(String runId) {
        SparkConf conf = new SparkConf();
        if (options.master() != null) {
            conf.setMaster(options.master());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.app.name", "automl-seg " + runId);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // The driver decides whether a trial runs again (its own retry budget, in the same folder); Spark must not.
        conf.setIfMissing("spark.task.maxFailures", "1");
        conf.setIfMissing("spark.speculation", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private SweepSummary sweep(SparkSession spark, String runId, Instant started, List<JournalEvent> history)
            throws IOException, BadInputException {
        SparkContext sc = spark.sparkContext();
        jsc = JavaSparkContext.fromSparkContext(sc);
        Storage.configure(sc.hadoopConfiguration());
        run = new RunFolder(Storage.qualify(output));
        boolean resuming = !history.isEmpty();
        if (!resuming) {
            RunAdmission.requireFreeOutput(run);
        }
        Storage.mkdirs(run.uri());
        out.println((resuming ? "Resuming sweep " : "Sweep ") + runId + ": " + config.experimentName() + " -> "
                + run.uri() + " (Spark " + sc.master() + ")");
        data = resuming && Storage.exists(run.trainManifest()) && Storage.exists(run.validationManifest())
                && Storage.exists(run.labels())
                ? new DatasetPreparer.PreparedData(run.trainManifest(), run.validationManifest(),
                        List.of(Json.read(run.labels(), String[].class)), 0, 0)
                : DatasetPreparer.prepare(spark, config, records, run, out);

        int maxTrials = config.limits().maxTrials();
        if (config.searchSpace().isEmpty() && maxTrials > 1) {
            out.println("No search space: every trial would be the same, so 1 trial runs instead of max_trials "
                    + maxTrials + " (automatic search-space selection is not supported).");
            maxTrials = 1;
        }
        Sampler sampler = config.sampler();
        if (sampler instanceof GridSampler grid && grid.size() < maxTrials) {
            out.println("The grid has " + grid.size() + " combinations: " + grid.size() + " trials instead of "
                    + "max_trials " + maxTrials + ".");
            maxTrials = (int) grid.size();
        }
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        TaskSlots slots = TaskSlots.await(sc, out);
        int concurrency = Math.min(Math.min(config.limits().maxConcurrentTrials(), slots.count()), maxTrials);
        if (concurrency < config.limits().maxConcurrentTrials()) {
            out.println("max_concurrent_trials " + config.limits().maxConcurrentTrials() + " capped to "
                    + concurrency + " (Spark has " + slots.describe() + ", max_trials is " + maxTrials + ").");
        }
        int threads = options.threadsPerTrial() > 0 ? options.threadsPerTrial()
                : sc.isLocal() ? Math.max(1, sc.defaultParallelism() / concurrency) : taskCpus;
        device = sc.getConf().contains("spark.task.resource.gpu.amount") ? "gpu" : "cpu";
        launch = new TrialLaunch(options.trialMainClass(), options.trialMaxHeap(), threads,
                options.extraTrialJvmOptions(), options.inTaskTrials());
        policy = config.terminationPolicy();
        state = new SweepState(config.primaryMetric());
        journal = SweepJournal.open(run);
        List<Trial> interrupted = resuming ? replay(history) : List.of();
        journal.sweepStarted(runId, SweepFingerprint.of(config), sampler.name(), config.seed());
        out.printf("Plan: %d trial%s, %d at once, %d thread%s each, %s sampling, early termination: %s%n",
                maxTrials, maxTrials == 1 ? "" : "s", concurrency, threads, threads == 1 ? "" : "s",
                sampler.name(), policy.name());

        AtomicInteger threadNumber = new AtomicInteger();
        pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "trial-submitter-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Instant deadline = config.limits().timeoutMinutes() == null ? null
                : started.plus(options.limitMinute().multipliedBy(config.limits().timeoutMinutes()));
        Duration trialTimeout = config.limits().trialTimeoutMinutes() == null ? null
                : options.limitMinute().multipliedBy(config.limits().trialTimeoutMinutes());
        Integer maxFailed = config.limits().maxFailedTrials();
        boolean exhausted = false;
        boolean timedOut = false;
        String stopLaunchingWhy = null;
        String lastStatus = "";
        try {
            for (Trial t : interrupted) {
                resumeInterrupted(t);
            }
            journalEnded();
            publishBest();
            writeTrials();
            long monitorCpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long processCpuStart = processCpuNanos();
            cpuStart = new long[] {monitorCpuStart, processCpuStart};
            while (true) {
                Instant now = Instant.now();
                if (deadline != null && !timedOut && now.isAfter(deadline)) {
                    timedOut = true;
                    stopLaunchingWhy = "timeout_minutes";
                    out.println("The sweep's timeout_minutes (" + config.limits().timeoutMinutes()
                            + ") ran out: cancelling " + running.size() + " running trial(s).");
                }
                // Ended trials first, so their slots get the next trials before the reports are read.
                boolean changed = false;
                List<Trial> again = new ArrayList<>();
                for (Iterator<Map.Entry<Trial, FutureTask<TrialExit>>> it = running.entrySet().iterator();
                        it.hasNext(); ) {
                    Map.Entry<Trial, FutureTask<TrialExit>> e = it.next();
                    if (e.getValue().isDone()) {
                        it.remove();
                        if (ended(e.getKey(), e.getValue())) {
                            again.add(e.getKey());
                        }
                        changed = true;
                    }
                }
                for (Trial t : again) {
                    relaunch(t);
                }
                if (maxFailed != null && stopLaunchingWhy == null
                        && state.count(TrialState.FAILED) >= Math.max(1, maxFailed)) {
                    stopLaunchingWhy = "max_failed_trials";
                    out.println(state.count(TrialState.FAILED) + " trials failed, reaching max_failed_trials ("
                            + maxFailed + "): no new trials are started; the running ones finish.");
                }
                while (stopLaunchingWhy == null && !exhausted && running.size() < concurrency
                        && state.trials().size() < maxTrials) {
                    Optional<Map<String, Object>> proposal = sampler.propose(state);
                    if (proposal.isEmpty()) {
                        exhausted = true;
                        break;
                    }
                    Trial t = state.addTrial(proposal.get());
                    launch(t, 1);
                    changed = true;
                }
                // After the launches: journaling ends and copying a model must not keep a freed slot waiting. (A crash
                // in between is harmless: a resume records an unjournaled end from the trial's result.json.)
                journalEnded();
                if (changed) {
                    publishBest();
                }
                for (Trial t : running.keySet()) {
                    if (timedOut) {
                        // Every round, so a trial run again after a lost executor is cancelled too.
                        cancellations.putIfAbsent(t, new Cancellation(CancelKind.SWEEP_TIMEOUT,
                                "cancelled: the sweep's timeout_minutes (" + config.limits().timeoutMinutes()
                                        + ") ran out"));
                    }
                    if (trialTimeout != null && t.duration(now).compareTo(trialTimeout) > 0) {
                        cancellations.putIfAbsent(t, new Cancellation(CancelKind.TRIAL_TIMEOUT, "timed out after "
                                + config.limits().trialTimeoutMinutes() + " minutes (trial_timeout_minutes)"));
                    }
                    Instant stopBy = stopDeadlines.get(t);
                    if (stopBy != null && now.isAfter(stopBy) && !cancellations.containsKey(t)) {
                        cancellations.put(t, new Cancellation(CancelKind.HARD_STOP, "it had not stopped "
                                + Duration.between(stopBy, now).plus(graceOf(t)).toSeconds()
                                + " s after being asked to, so its Spark job was cancelled"));
                        out.println("  trial " + t.id() + " did not stop when asked: cancelling its Spark job");
                    }
                    reapIfLingering(t, now);
                    if (cancellations.containsKey(t)) {
                        // Repeated on every round: a job that had not registered yet escapes one cancel call.
                        jsc.cancelJobGroup(jobGroup(t));
                    }
                    readReports(t, true);
                }
                if (running.isEmpty() && (stopLaunchingWhy != null || exhausted
                        || state.trials().size() >= maxTrials)) {
                    break;
                }
                trialsDirty |= changed;
                if (trialsDirty && System.nanoTime() - trialsWrittenAt >= TRIALS_JSON_INTERVAL.toNanos()) {
                    writeTrials();
                }
                String status = status(maxTrials);
                if (!status.equals(lastStatus)) {
                    out.println(status);
                    lastStatus = status;
                }
                // A trial's job ending wakes the monitor at once, so its slot does not wait for the next round.
                if (wake.poll(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS) != null) {
                    wake.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the sweep was interrupted", e);
        } finally {
            for (Trial t : running.keySet()) {
                jsc.cancelJobGroup(jobGroup(t));
            }
            pool.shutdownNow();
            if (cpuStart != null) {
                stats.cpu(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart[0],
                        processCpuNanos() - cpuStart[1]);
            }
        }
        String warning = "max_failed_trials".equals(stopLaunchingWhy)
                ? "the sweep stopped early: " + state.count(TrialState.FAILED) + " trials failed, reaching "
                        + "max_failed_trials (" + maxFailed + ")"
                : null;
        return conclude(spark, runId, started, timedOut, concurrency, warning);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * Rebuilds the sweep from its journal: every trial in its order with its parameters (so the sampler sees the same
     * history), the ended ones with how they ended (their epoch reports are read back from their folders).
     *
     * @return the trials that were running when the sweep stopped
     */
    private List<Trial> replay(List<JournalEvent> history) throws IOException {
        Map<Integer, Trial> byNumber = new HashMap<>();
        Set<Trial> lostLast = new HashSet<>();
        for (JournalEvent event : history) {
            if (event instanceof JournalEvent.TrialStarted e) {
                Trial t = byNumber.get(e.trial());
                if (t == null) {
                    t = state.addTrial(e.parameters() == null ? Map.of() : e.parameters());
                    byNumber.put(e.trial(), t);
                }
                attempts.put(t, e.attempt());
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
                if (t != null && e.record() != null) {
                    restore(t, e.record());
                }
            }
        }
        List<Trial> interrupted = new ArrayList<>();
        for (Trial t : state.trials()) {
            if (!t.state().isFinal()) {
                interrupted.add(t);
            }
        }
        out.println("Journal: " + (state.trials().size() - interrupted.size()) + " trial(s) ended, "
                + interrupted.size() + " interrupted (run again in their folders, from their checkpoints).");
        return interrupted;
    }

    private void restore(Trial t, TrialRecord r) {
        plannedEpochs.put(t, 0);
        readReports(t, false);
        if (r.startedAt() != null) {
            t.setStartedAt(Instant.parse(r.startedAt()));
        }
        if (r.bestValue() != null) {
            t.setResultBest(r.bestEpoch(), r.bestValue());
        }
        if (r.host() != null) {
            t.setPlacement(new TrialPlacement(r.executorId(), r.host(), r.gpuAddress(), r.device(), r.deviceNote()));
        }
        if (r.stopReason() != null) {
            t.requestStop(r.stopReason());
        }
        t.setStartingWeights(r.startingWeights());
        t.finish(r.status(), r.finishedAt() == null ? Instant.now() : Instant.parse(r.finishedAt()),
                r.error());
        if (r.status() == TrialState.COMPLETED || r.status() == TrialState.EARLY_TERMINATED) {
            try {
                if (t.id().equals(BestModelPublisher.publishedTrial(run.bestModel()))) {
                    publishedBest = t.id();
                }
            } catch (IOException e) {
                // Published again below if it is the best.
            }
        }
    }

    /** A trial the dead driver left running: recorded from its result if it finished, else run again. */
    private void resumeInterrupted(Trial t) throws IOException {
        if (TrialTask.endLeftoverProcess(run.trialDir(t.id()))) {
            out.println("  ended the process trial " + t.id() + " had left running");
        }
        if (readResult(t) != null) {
            t.markRunning(Instant.now());
            ended(t, null, null);
            return;
        }
        String stop = readStopRequest(t);
        if (stop != null) {
            t.requestStop(stop);
        }
        int attempt = attempts.getOrDefault(t, 0) + 1;
        out.println("Trial " + t.id() + " was interrupted: running it again (attempt " + attempt + ")");
        launch(t, attempt);
    }

    private String readStopRequest(Trial t) {
        try {
            String uri = run.trialFile(t.id(), TrialFiles.STOP_REQUEST);
            return Storage.exists(uri) ? Storage.readString(uri).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void launch(Trial t, int attempt) throws IOException {
        stats.launched(t, System.currentTimeMillis());
        Map<String, Object> parameters = config.resolve(t.parameters());
        plannedEpochs.put(t, parameters.get("number_of_epochs") instanceof Number n ? n.intValue() : 0);
        TrialSpec spec = new TrialSpec(t.id(), run.trialDir(t.id()), data.trainManifest(),
                data.validationManifest(), data.labels(), parameters, launch.numThreads(), device,
                pretrained.forTrial(parameters));
        String specUri = run.trialFile(t.id(), TrialFiles.SPEC);
        Json.writeAtomically(specUri, spec);
        attempts.put(t, attempt);
        t.markRunning(Instant.now());
        if (attempt == 1) {
            out.println("Trial " + t.id() + " started: " + (t.parameters().isEmpty() ? "fixed parameters"
                    : t.parameters()));
        }
        FutureTask<TrialExit> task = new FutureTask<>(() -> {
            jsc.setJobGroup(jobGroup(t), "automl-seg trial " + t.id() + " " + t.parameters(), true);
            try {
                Cancellation c = cancellations.get(t);
                if (c != null) {
                    throw new IllegalStateException(c.reason());
                }
                return jsc.parallelize(List.of(specUri), 1).mapPartitions(new TrialTask(launch)).collect().get(0);
            } finally {
                jsc.clearJobGroup();
            }
        }) {
            @Override
            protected void done() {
                wake.offer(Boolean.TRUE);
            }
        };
        running.put(t, task);
        pool.execute(task);
        // Journaled once submitted, so the write does not delay the task; a crash before it is harmless, as the
        // deterministic sampler proposes the same trial again on resume and its folder is reused.
        journal.trialStarted(t.number(), t.parameters(), attempt);
    }

    /** Runs a trial again in its own folder after an infrastructure failure; it resumes from its checkpoint. */
    private void relaunch(Trial t) throws IOException {
        resultSeen.remove(t);
        reaped.remove(t);
        if (stopDeadlines.containsKey(t)) {
            stopDeadlines.put(t, Instant.now().plus(graceOf(t)));
        }
        launch(t, attempts.getOrDefault(t, 1) + 1);
    }

    /** Stops a trial whose process is still alive well after it wrote its result. */
    private void reapIfLingering(Trial t, Instant now) {
        if (!resultSeen.containsKey(t)) {
            try {
                if (Storage.exists(run.trialFile(t.id(), TrialFiles.RESULT))) {
                    resultSeen.put(t, now);
                }
            } catch (IOException e) {
                return;
            }
        } else if (!reaped.contains(t) && Duration.between(resultSeen.get(t), now).compareTo(RESULT_GRACE) > 0) {
            reaped.add(t);
            cancellations.putIfAbsent(t, new Cancellation(CancelKind.LINGERING, "the trial's process did not exit "
                    + "within " + RESULT_GRACE.toSeconds() + " s of writing " + TrialFiles.RESULT));
            out.println("  trial " + t.id() + " wrote its result but its process is still running: stopping it");
        }
    }

    private static String jobGroup(Trial t) {
        return "trial-" + t.id();
    }

    /**
     * Reads the trial's new epoch reports, prints them and (when {@code judge}) lets the policy judge each new
     * evaluation.
     */
    private void readReports(Trial t, boolean judge) {
        List<String> files;
        try {
            files = Storage.list(run.trialFile(t.id(), TrialFiles.METRICS_DIR));
        } catch (IOException e) {
            return; // Not there yet, or a passing storage hiccup: next round.
        }
        Set<String> seen = seenReports.computeIfAbsent(t, k -> new HashSet<>());
        files.sort(null);
        for (String file : files) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            if (seen.contains(name) || !name.matches("epoch-\\d+\\.json")) {
                continue;
            }
            EpochReport report;
            try {
                report = Json.read(file, EpochReport.class);
            } catch (IOException e) {
                continue; // Being written: read it next round.
            }
            seen.add(name);
            boolean evaluation = t.addEpoch(report, state.primaryMetric());
            if (!judge) {
                continue;
            }
            int planned = plannedEpochs.getOrDefault(t, 0);
            StringBuilder line = new StringBuilder("  trial " + t.id() + " epoch " + report.epoch()
                    + (planned > 0 ? "/" + planned : "") + String.format(": loss %.4f", report.trainLoss()));
            if (evaluation) {
                line.append(String.format(", %s %.4f (trial best %.4f, sweep best %.4f)", state.primaryMetric(),
                        report.metrics().get(state.primaryMetric()), t.bestValue(), state.bestValueSoFar()));
            }
            out.println(line);
            if (evaluation && t.state() == TrialState.RUNNING && !t.stopRequested()) {
                Optional<String> stop = policy.evaluate(t, state);
                stats.decision(modificationMillis(file), System.currentTimeMillis(), stop.isPresent());
                stop.ifPresent(reason -> requestStop(t, reason));
            }
        }
    }

    private static long modificationMillis(String uri) {
        try {
            org.apache.hadoop.fs.Path p = Storage.path(uri);
            return Storage.fileSystem(p).getFileStatus(p).getModificationTime();
        } catch (IOException e) {
            return System.currentTimeMillis();
        }
    }

    private void requestStop(Trial t, String reason) {
        try {
            Storage.writeString(run.trialFile(t.id(), TrialFiles.STOP_REQUEST), reason + "\n");
            t.requestStop(reason);
            stopDeadlines.put(t, Instant.now().plus(graceOf(t)));
            out.println("  trial " + t.id() + " asked to stop: " + reason);
        } catch (IOException e) {
            out.println("  could not write the stop request of trial " + t.id() + ": " + e.getMessage());
        }
    }

    /**
     * How long a trial asked to stop may take to stop by itself: two of its evaluation intervals (it stops at its next
     * evaluation), measured by the epochs' own durations (so its process start does not count), and never less than
     * the configured grace.
     */
    private Duration graceOf(Trial t) {
        int evaluations = Math.max(1, t.evaluations().size());
        double epochSeconds = t.epochs().stream().mapToDouble(EpochReport::seconds).sum();
        Duration perEvaluation = epochSeconds > 0 ? Duration.ofMillis((long) (epochSeconds * 1000 / evaluations))
                : t.duration(Instant.now()).dividedBy(evaluations);
        Duration twice = perEvaluation.multipliedBy(2);
        return twice.compareTo(options.stopGrace()) > 0 ? twice : options.stopGrace();
    }

    /**
     * Records how a trial ended from its task's report, its cancellation and its result.json, and publishes it if it
     * is the best.
     *
     * @return true when the trial lost its process to an infrastructure failure and must run again
     */
    private boolean ended(Trial t, FutureTask<TrialExit> future) throws IOException {
        TrialExit exit = null;
        String taskFailure = null;
        try {
            exit = future.get();
        } catch (ExecutionException e) {
            taskFailure = rootMessage(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taskFailure = "interrupted";
        }
        long seen = System.currentTimeMillis();
        stats.slotFreed(exit != null ? exit.finishedAtMillis() : seen, seen);
        return ended(t, exit, taskFailure);
    }

    private boolean ended(Trial t, TrialExit exit, String taskFailure) throws IOException {
        readReports(t, true);
        if (exit != null) {
            t.setStartedAt(Instant.ofEpochMilli(exit.startedAtMillis()));
            stats.taskRan(t, exit.startedAtMillis(), exit.finishedAtMillis());
            t.setPlacement(new TrialPlacement(exit.executorId(), exit.host(), exit.gpuAddress(), exit.device(),
                    exit.deviceNote()));
        }
        Instant end = exit != null ? Instant.ofEpochMilli(exit.finishedAtMillis()) : Instant.now();
        Cancellation cancelled = cancellations.remove(t);
        t.setStartingWeights(SweepStartingWeights.ofTrial(pretrained, run.trialDir(t.id()),
                config.resolve(t.parameters())));
        TrialResult result = readResult(t);
        String lost = null;
        if (result != null) {
            // The trial's own account wins, even if a cancellation raced with its end.
            t.setResultBest(result.bestEpoch(), result.bestValue());
            TrialState s = switch (result.status()) {
                case COMPLETED -> TrialState.COMPLETED;
                case EARLY_TERMINATED -> TrialState.EARLY_TERMINATED;
                case FAILED -> TrialState.FAILED;
            };
            String error = s == TrialState.FAILED
                    ? (result.error() != null ? result.error() : "the trial reported status " + result.status())
                    : null;
            if (s != TrialState.FAILED && !hasModel(t)) {
                s = TrialState.FAILED;
                error = "the trial reported " + result.status() + " but wrote no " + TrialFiles.MODEL_DIR + "/";
            }
            t.finish(s, end, error);
        } else if (cancelled != null) {
            switch (cancelled.kind()) {
                case SWEEP_TIMEOUT -> t.finish(TrialState.CANCELED, end, cancelled.reason());
                case HARD_STOP -> {
                    t.requestStop(t.stopReason() + "; " + cancelled.reason());
                    if (hasModel(t)) {
                        // It keeps the model of its best epoch, saved before it was asked to stop.
                        t.finish(TrialState.EARLY_TERMINATED, end, null);
                    } else {
                        t.finish(TrialState.FAILED, end, "asked to stop, " + cancelled.reason()
                                + ", and it had saved no model");
                    }
                }
                default -> t.finish(TrialState.FAILED, end, cancelled.reason());
            }
        } else if (exit != null && killedBySignal(exit.exitCode())) {
            lost = "its process was killed by signal " + (exit.exitCode() - 128) + " (not sent by the sweep)";
        } else if (exit != null) {
            t.finish(TrialState.FAILED, end, "the trial process exited with code " + exit.exitCode()
                    + " without writing " + TrialFiles.RESULT + "; the end of its log (" + TrialFiles.LOG + "):\n"
                    + lastLines(exit.logTail(), 15));
        } else {
            lost = "its Spark task failed: " + taskFailure;
        }
        if (lost != null) {
            int attempt = attempts.getOrDefault(t, 1);
            journal.trialLost(t.number(), attempt, lost);
            int count = losses.merge(t, 1, Integer::sum);
            int budget = config.limits().maxTrialRetries();
            if (count <= budget) {
                retries++;
                out.println("Trial " + t.id() + " lost: " + lost + "; running it again in its folder (retry "
                        + count + " of " + budget + ")");
                return true;
            }
            t.finish(TrialState.FAILED, end, "lost " + count + " times to infrastructure failures (max_trial_retries "
                    + budget + "); the last: " + lost);
        }
        endedToJournal.add(t);
        switch (t.state()) {
            case FAILED, CANCELED -> out.println("Trial " + t.id() + " " + t.state().yamlName() + ": " + t.error());
            default -> out.printf("Trial %s %s: best %s %.4f at epoch %d (%.1f s)%n", t.id(), t.state().yamlName(),
                    state.primaryMetric(), t.bestValue(), t.bestEpoch(), t.duration(end).toMillis() / 1000.0);
        }
        return false;
    }

    private void journalEnded() throws IOException {
        for (Trial t : endedToJournal) {
            journal.trialEnded(t.number(), record(t, Instant.now()));
        }
        endedToJournal.clear();
    }

    /**
     * A JVM killed by a signal exits with 128 + the signal's number; the sweep's own kills come as a cancelled task,
     * so such an exit means someone else (the OS, an operator, a dying node) ended the process.
     */
    static boolean killedBySignal(int exitCode) {
        return exitCode > 128 && exitCode <= 128 + 64;
    }

    private boolean hasModel(Trial t) throws IOException {
        return Storage.exists(run.trialFile(t.id(), TrialFiles.MODEL_DIR));
    }

    private TrialResult readResult(Trial t) {
        String uri = run.trialFile(t.id(), TrialFiles.RESULT);
        try {
            return Storage.exists(uri) ? Json.read(uri, TrialResult.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Copies the best trial's model into best_model/ when the best changed. */
    private void publishBest() {
        Optional<Trial> best = state.best();
        if (best.isEmpty() || best.get().id().equals(publishedBest)) {
            return;
        }
        Trial b = best.get();
        try {
            BestModelPublisher.publish(run.trialFile(b.id(), TrialFiles.MODEL_DIR), run.bestModel(), b.id(),
                    state.primaryMetric(), b.bestValue());
            publishedBest = b.id();
            out.printf("New best: trial %s with %s %.4f -> %s%n", b.id(), state.primaryMetric(), b.bestValue(),
                    run.bestModel());
        } catch (IOException e) {
            out.println("Could not publish the model of trial " + b.id() + ": " + e.getMessage());
        }
    }

    private String status(int maxTrials) {
        Optional<Trial> best = state.best();
        long canceled = state.count(TrialState.CANCELED);
        return String.format("Sweep: %d running, %d completed, %d early-terminated, %d failed%s of %d%s",
                state.count(TrialState.RUNNING), state.count(TrialState.COMPLETED),
                state.count(TrialState.EARLY_TERMINATED), state.count(TrialState.FAILED),
                canceled > 0 ? ", " + canceled + " canceled" : "", maxTrials,
                best.map(b -> String.format("; best %.4f (trial %s)", b.bestValue(), b.id())).orElse(""));
    }

    private TrialRecord record(Trial t, Instant now) {
        return TrialRecord.of(t, run.trialDir(t.id()), now, attempts.getOrDefault(t, 0));
    }

    private List<TrialRecord> trialRecords(Instant now) {
        List<TrialRecord> list = new ArrayList<>();
        for (Trial t : state.trials()) {
            list.add(record(t, now));
        }
        return list;
    }

    private void writeTrials() throws IOException {
        trialsDirty = false;
        trialsWrittenAt = System.nanoTime();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("primary_metric", state.primaryMetric());
        doc.put("trials", trialRecords(Instant.now()));
        Json.writeAtomically(run.trialsJson(), doc);
    }

    private SweepSummary conclude(SparkSession spark, String runId, Instant started, boolean timedOut,
                                  int concurrency, String warning) throws IOException {
        Instant end = Instant.now();
        writeTrials();
        try {
            TrialsTable.write(spark, trialRecords(end), state.primaryMetric(), run.trialsParquet());
        } catch (RuntimeException e) {
            out.println("Could not write " + run.trialsParquet() + ": " + rootMessage(e));
        }
        publishBest();
        Optional<Trial> best = state.best().filter(b -> b.id().equals(publishedBest));
        SweepStatus status = timedOut ? SweepStatus.TIMED_OUT
                : best.isPresent() ? SweepStatus.COMPLETED : SweepStatus.NO_SUCCESSFUL_TRIAL;
        SweepSummary summary = new SweepSummary(runId, config.experimentName(), status, state.primaryMetric(),
                best.map(Trial::id).orElse(null), best.map(Trial::bestValue).orElse(null),
                best.map(b -> config.resolve(b.parameters())).orElse(null),
                best.isPresent() ? run.bestModel() : null, state.trials().size(),
                (int) state.count(TrialState.COMPLETED), (int) state.count(TrialState.EARLY_TERMINATED),
                (int) state.count(TrialState.FAILED), (int) state.count(TrialState.CANCELED), retries, concurrency,
                config.sweep().samplingAlgorithm(), policy.name(), started.toString(), end.toString(),
                Duration.between(started, end).toMillis() / 1000.0, warning, pretrained);
        Json.writeAtomically(run.summaryJson(), summary);
        journal.sweepEnded(status);
        printTrialTable(end);
        out.println(status(state.trials().size()));
        printOutcome(summary);
        return summary;
    }

    private void printOutcome(SweepSummary summary) {
        if (summary.warning() != null) {
            out.println("Warning: " + summary.warning() + ".");
        }
        out.println(summary.bestTrial() != null
                ? String.format("Best trial %s: %s %.4f, model in %s", summary.bestTrial(), summary.primaryMetric(),
                        summary.bestValue(), summary.bestModelPath())
                : "No trial produced a model.");
    }

    /** One row per trial: id, status, best metric and epoch, epochs run, duration and the sampled parameters. */
    private void printTrialTable(Instant now) {
        out.printf("%n%-6s %-17s %10s %5s %6s %9s  %s%n", "trial", "status", state.primaryMetric().equals(
                SweepConfig.PRIMARY_METRIC) ? "mAP" : state.primaryMetric(), "best", "epochs", "seconds", "parameters");
        for (Trial t : state.trials()) {
            double best = t.bestValue();
            out.printf("%-6s %-17s %10s %5s %6d %9.1f  %s%n", t.id(), t.state().yamlName(),
                    Double.isNaN(best) ? "-" : String.format("%.4f", best),
                    t.bestEpoch() > 0 ? Integer.toString(t.bestEpoch()) : "-", t.epochs().size(),
                    t.duration(now).toMillis() / 1000.0, t.parameters());
        }
        out.println();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.split("\n");
        return lines.length <= n ? text : String.join("\n", Arrays.copyOfRange(lines, lines.length - n, lines.length));
    }
}
