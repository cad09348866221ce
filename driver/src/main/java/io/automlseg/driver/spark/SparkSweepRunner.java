package io.automlseg.driver.spark;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.persist.TrialRecord;
import io.automlseg.driver.persist.TrialsTable;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.TerminationPolicy;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a sweep on Spark. Each trial is one Spark job with one task, in its own job group {@code trial-<id>} so it can
 * be cancelled alone; the task runs the trial in a child JVM ({@link TrialTask}). A pool of driver threads submits
 * the jobs, as many at once as the sweep may run concurrently; the calling thread is the monitor: about every second
 * it reads each running trial's epoch reports, prints progress, applies the termination policy (writing the trial's
 * {@code STOP} file) and the time limits, records finished trials, publishes the best model so far and keeps
 * {@code trials.json} current. A trial that crashes is recorded as failed with the end of its log and the sweep
 * goes on.
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
    private final Map<Trial, Future<TrialExit>> running = new LinkedHashMap<>();
    private final Map<Trial, String> cancelReasons = new ConcurrentHashMap<>();
    private final Map<Trial, Set<String>> seenReports = new HashMap<>();
    private final Map<Trial, Integer> plannedEpochs = new HashMap<>();
    private final Map<Trial, Instant> resultSeen = new HashMap<>();
    private final Set<Trial> reaped = new HashSet<>();
    private String publishedBest;

    /**
     * How long a trial's process may linger after writing result.json before it is stopped (a stuck native thread
     * must not hold the trial slot); its result still counts.
     */
    static final Duration RESULT_GRACE = Duration.ofSeconds(60);

    /**
     * @param output the run folder (any Hadoop FileSystem URI); must not hold an earlier sweep
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

    /** Runs the sweep to its end and returns its summary (also written as {@code summary.json}). */
    public SweepSummary run() throws IOException, BadInputException {
        Instant started = Instant.now();
        String runId = options.runId() != null ? options.runId()
                : "sweep-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        // Checked before Spark starts, so a wrong folder fails in a second, not after the session is up.
        requireFreeOutput(new RunFolder(Storage.qualify(output)));
        config = io.automlseg.driver.persist.CheckpointRuns.resolveIn(config, output);
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = session(runId);
        try {
            return sweep(spark, runId, started);
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    private static void requireFreeOutput(RunFolder folder) throws IOException, BadInputException {
        if (Storage.exists(folder.trialsJson()) || Storage.exists(folder.summaryJson())
                || Storage.exists(folder.trialsDir())) {
            throw new BadInputException("the output folder " + folder.uri()
                    + " already holds a sweep (trials.json); choose another --output");
        }
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
        // A failed trial is recorded by the driver; Spark must not run the same trial again on its own.
        conf.setIfMissing("spark.task.maxFailures", "1");
        conf.setIfMissing("spark.speculation", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private SweepSummary sweep(SparkSession spark, String runId, Instant started)
            throws IOException, BadInputException {
        SparkContext sc = spark.sparkContext();
        jsc = JavaSparkContext.fromSparkContext(sc);
        Storage.configure(sc.hadoopConfiguration());
        run = new RunFolder(Storage.qualify(output));
        requireFreeOutput(run);
        Storage.mkdirs(run.uri());
        out.println("Sweep " + runId + ": " + config.experimentName() + " -> " + run.uri() + " (Spark "
                + sc.master() + ")");
        DatasetPreparer.PreparedData data = DatasetPreparer.prepare(spark, config, records, run, out);

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
        int slots = Math.max(1, sc.defaultParallelism() / taskCpus);
        int concurrency = Math.min(Math.min(config.limits().maxConcurrentTrials(), slots), maxTrials);
        if (concurrency < config.limits().maxConcurrentTrials()) {
            out.println("max_concurrent_trials " + config.limits().maxConcurrentTrials() + " capped to "
                    + concurrency + " (Spark has " + slots + " task slot" + (slots == 1 ? "" : "s")
                    + ", max_trials is " + maxTrials + ").");
        }
        int threads = options.threadsPerTrial() > 0 ? options.threadsPerTrial()
                : sc.isLocal() ? Math.max(1, sc.defaultParallelism() / concurrency) : taskCpus;
        String device = sc.getConf().contains("spark.task.resource.gpu.amount") ? "gpu" : "cpu";
        TrialLaunch launch = new TrialLaunch(options.trialMainClass(), options.trialMaxHeap(), threads,
                options.extraTrialJvmOptions());
        policy = config.terminationPolicy();
        state = new SweepState(config.primaryMetric());
        out.printf("Plan: %d trial%s, %d at once, %d thread%s each, %s sampling, early termination: %s%n",
                maxTrials, maxTrials == 1 ? "" : "s", concurrency, threads, threads == 1 ? "" : "s",
                sampler.name(), policy.name());

        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "trial-submitter-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Instant deadline = config.limits().timeoutMinutes() == null ? null
                : started.plus(Duration.ofMinutes(config.limits().timeoutMinutes()));
        Duration trialTimeout = config.limits().trialTimeoutMinutes() == null ? null
                : Duration.ofMinutes(config.limits().trialTimeoutMinutes());
        boolean exhausted = false;
        boolean stopLaunching = false;
        boolean timedOut = false;
        String lastStatus = "";
        try {
            while (true) {
                Instant now = Instant.now();
                if (deadline != null && !timedOut && now.isAfter(deadline)) {
                    timedOut = true;
                    stopLaunching = true;
                    out.println("The sweep's timeout_minutes (" + config.limits().timeoutMinutes()
                            + ") ran out: cancelling " + running.size() + " running trial(s).");
                    for (Trial t : running.keySet()) {
                        cancelReasons.putIfAbsent(t, "cancelled: the sweep's timeout_minutes ("
                                + config.limits().timeoutMinutes() + ") ran out");
                    }
                }
                for (Trial t : running.keySet()) {
                    if (trialTimeout != null && t.duration(now).compareTo(trialTimeout) > 0) {
                        cancelReasons.putIfAbsent(t, "timed out after " + config.limits().trialTimeoutMinutes()
                                + " minutes (trial_timeout_minutes)");
                    }
                    reapIfLingering(t, now);
                    if (cancelReasons.containsKey(t)) {
                        // Repeated on every round: a job that had not registered yet escapes one cancel call.
                        jsc.cancelJobGroup(jobGroup(t));
                    }
                    readReports(t);
                }
                boolean changed = false;
                for (Iterator<Map.Entry<Trial, Future<TrialExit>>> it = running.entrySet().iterator();
                        it.hasNext(); ) {
                    Map.Entry<Trial, Future<TrialExit>> e = it.next();
                    if (e.getValue().isDone()) {
                        it.remove();
                        finish(e.getKey(), e.getValue());
                        changed = true;
                    }
                }
                Integer maxFailed = config.limits().maxFailedTrials();
                if (maxFailed != null && !stopLaunching && state.count(TrialState.FAILED) >= maxFailed) {
                    stopLaunching = true;
                    out.println(state.count(TrialState.FAILED) + " trials failed (max_failed_trials " + maxFailed
                            + "): no new trials are started.");
                }
                while (!stopLaunching && !exhausted && running.size() < concurrency
                        && state.trials().size() < maxTrials) {
                    Optional<Map<String, Object>> proposal = sampler.propose(state);
                    if (proposal.isEmpty()) {
                        exhausted = true;
                        break;
                    }
                    Trial t = state.addTrial(proposal.get());
                    running.put(t, launch(pool, t, data, launch, device));
                    changed = true;
                }
                if (running.isEmpty() && (stopLaunching || exhausted || state.trials().size() >= maxTrials)) {
                    break;
                }
                if (changed) {
                    writeTrials();
                }
                String status = status(maxTrials);
                if (!status.equals(lastStatus)) {
                    out.println(status);
                    lastStatus = status;
                }
                Thread.sleep(options.pollInterval().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the sweep was interrupted", e);
        } finally {
            for (Trial t : running.keySet()) {
                jsc.cancelJobGroup(jobGroup(t));
            }
            pool.shutdownNow();
        }
        return conclude(spark, runId, started, timedOut, concurrency);
    }

    private Future<TrialExit> launch(ExecutorService pool, Trial t, DatasetPreparer.PreparedData data,
                                     TrialLaunch launch, String device) throws IOException {
        Map<String, Object> parameters = config.resolve(t.parameters());
        plannedEpochs.put(t, parameters.get("number_of_epochs") instanceof Number n ? n.intValue() : 0);
        TrialSpec spec = new TrialSpec(t.id(), run.trialDir(t.id()), data.trainManifest(),
                data.validationManifest(), data.labels(), parameters, launch.numThreads(), device);
        String specUri = run.trialFile(t.id(), TrialFiles.SPEC);
        Json.writeAtomically(specUri, spec);
        t.markRunning(Instant.now());
        out.println("Trial " + t.id() + " started: " + (t.parameters().isEmpty() ? "fixed parameters"
                : t.parameters()));
        return pool.submit(() -> {
            jsc.setJobGroup(jobGroup(t), "automl-seg trial " + t.id() + " " + t.parameters(), true);
            try {
                String reason = cancelReasons.get(t);
                if (reason != null) {
                    throw new IllegalStateException(reason);
                }
                return jsc.parallelize(List.of(specUri), 1).mapPartitions(new TrialTask(launch)).collect().get(0);
            } finally {
                jsc.clearJobGroup();
            }
        });
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
            cancelReasons.putIfAbsent(t, "the trial's process did not exit within "
                    + RESULT_GRACE.toSeconds() + " s of writing " + TrialFiles.RESULT);
            out.println("  trial " + t.id() + " wrote its result but its process is still running: stopping it");
        }
    }

    private static String jobGroup(Trial t) {
        return "trial-" + t.id();
    }

    /** Reads the trial's new epoch reports, prints them and lets the policy judge each new evaluation. */
    private void readReports(Trial t) {
        List<String> files;
        try {
            files = Storage.list(run.trialFile(t.id(), TrialFiles.METRICS_DIR));
        } catch (IOException e) {
            return; // Not there yet, or a passing storage hiccup: next round.
        }
        Set<String> seen = seenReports.computeIfAbsent(t, k -> new HashSet<>());
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
            int planned = plannedEpochs.getOrDefault(t, 0);
            StringBuilder line = new StringBuilder("  trial " + t.id() + " epoch " + report.epoch()
                    + (planned > 0 ? "/" + planned : "") + String.format(": loss %.4f", report.trainLoss()));
            if (evaluation) {
                line.append(String.format(", %s %.4f (trial best %.4f, sweep best %.4f)", state.primaryMetric(),
                        report.metrics().get(state.primaryMetric()), t.bestValue(), state.bestValueSoFar()));
            }
            out.println(line);
            if (evaluation && t.state() == TrialState.RUNNING && !t.stopRequested()) {
                policy.evaluate(t, state).ifPresent(reason -> requestStop(t, reason));
            }
        }
    }

    private void requestStop(Trial t, String reason) {
        try {
            Storage.writeString(run.trialFile(t.id(), TrialFiles.STOP_REQUEST), reason + "\n");
            t.requestStop(reason);
            out.println("  trial " + t.id() + " asked to stop: " + reason);
        } catch (IOException e) {
            out.println("  could not write the stop request of trial " + t.id() + ": " + e.getMessage());
        }
    }

    /** Records how a trial ended from its task's report and its result.json, and publishes it if it is the best. */
    private void finish(Trial t, Future<TrialExit> future) throws IOException {
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
        readReports(t);
        if (exit != null) {
            t.setStartedAt(Instant.ofEpochMilli(exit.startedAtMillis()));
        }
        Instant end = exit != null ? Instant.ofEpochMilli(exit.finishedAtMillis()) : Instant.now();
        String cancelled = cancelReasons.get(t);
        TrialResult result = readResult(t);
        if (cancelled != null && !(reaped.contains(t) && result != null)) {
            t.finish(TrialState.FAILED, end, cancelled);
        } else if (result != null) {
            t.setResultBest(result.bestEpoch(), result.bestValue());
            TrialState s = switch (result.status()) {
                case TrialResult.COMPLETED -> TrialState.COMPLETED;
                case TrialResult.EARLY_TERMINATED -> TrialState.EARLY_TERMINATED;
                default -> TrialState.FAILED;
            };
            String error = s == TrialState.FAILED
                    ? (result.error() != null ? result.error() : "the trial reported status " + result.status())
                    : null;
            if (s != TrialState.FAILED && !Storage.exists(run.trialFile(t.id(), TrialFiles.MODEL_DIR))) {
                s = TrialState.FAILED;
                error = "the trial reported " + result.status() + " but wrote no " + TrialFiles.MODEL_DIR + "/";
            }
            t.finish(s, end, error);
        } else if (exit != null) {
            t.finish(TrialState.FAILED, end, "the trial process exited with code " + exit.exitCode()
                    + " without writing " + TrialFiles.RESULT + "; the end of its log (" + TrialFiles.LOG + "):\n"
                    + lastLines(exit.logTail(), 15));
        } else {
            t.finish(TrialState.FAILED, end, "the trial's Spark task failed: " + taskFailure);
        }
        switch (t.state()) {
            case FAILED -> out.println("Trial " + t.id() + " failed: " + t.error());
            default -> out.printf("Trial %s %s: best %s %.4f at epoch %d (%.1f s)%n", t.id(), t.state().yamlName(),
                    state.primaryMetric(), t.bestValue(), t.bestEpoch(), t.duration(end).toMillis() / 1000.0);
        }
        publishBest();
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
        return String.format("Sweep: %d running, %d completed, %d early-terminated, %d failed of %d%s",
                state.count(TrialState.RUNNING), state.count(TrialState.COMPLETED),
                state.count(TrialState.EARLY_TERMINATED), state.count(TrialState.FAILED), maxTrials,
                best.map(b -> String.format("; best %.4f (trial %s)", b.bestValue(), b.id())).orElse(""));
    }

    private List<TrialRecord> trialRecords(Instant now) {
        List<TrialRecord> list = new ArrayList<>();
        for (Trial t : state.trials()) {
            list.add(TrialRecord.of(t, run.trialDir(t.id()), now));
        }
        return list;
    }

    private void writeTrials() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("primary_metric", state.primaryMetric());
        doc.put("trials", trialRecords(Instant.now()));
        Json.writeAtomically(run.trialsJson(), doc);
    }

    private SweepSummary conclude(SparkSession spark, String runId, Instant started, boolean timedOut,
                                  int concurrency) throws IOException {
        Instant end = Instant.now();
        writeTrials();
        try {
            TrialsTable.write(spark, trialRecords(end), state.primaryMetric(), run.trialsParquet());
        } catch (RuntimeException e) {
            out.println("Could not write " + run.trialsParquet() + ": " + rootMessage(e));
        }
        publishBest();
        Optional<Trial> best = state.best().filter(b -> b.id().equals(publishedBest));
        String status = timedOut ? SweepSummary.TIMED_OUT
                : best.isPresent() ? SweepSummary.COMPLETED : SweepSummary.NO_SUCCESSFUL_TRIAL;
        SweepSummary summary = new SweepSummary(runId, config.experimentName(), status, state.primaryMetric(),
                best.map(Trial::id).orElse(null), best.map(Trial::bestValue).orElse(null),
                best.map(b -> config.resolve(b.parameters())).orElse(null),
                best.isPresent() ? run.bestModel() : null, state.trials().size(),
                (int) state.count(TrialState.COMPLETED), (int) state.count(TrialState.EARLY_TERMINATED),
                (int) state.count(TrialState.FAILED), concurrency, config.sweep().samplingAlgorithm(), policy.name(),
                started.toString(), end.toString(), Duration.between(started, end).toMillis() / 1000.0);
        Json.writeAtomically(run.summaryJson(), summary);
        printTrialTable(end);
        out.println(status(state.trials().size()));
        out.println(best.map(b -> String.format("Best trial %s: %s %.4f, model in %s", b.id(), state.primaryMetric(),
                b.bestValue(), run.bestModel())).orElse("No trial produced a model."));
        return summary;
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
        return lines.length <= n ? text
                : String.join("\n", java.util.Arrays.copyOfRange(lines, lines.length - n, lines.length));
    }
}
