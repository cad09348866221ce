package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.CheckpointRuns;
import io.automlseg.driver.persist.JournalEvent;
import io.automlseg.driver.persist.JournalReplay;
import io.automlseg.driver.persist.RunAdmission;
import io.automlseg.driver.persist.RunFolderBusyException;
import io.automlseg.driver.persist.RunLease;
import io.automlseg.driver.persist.SkippedData;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.RunRecorder;
import io.automlseg.driver.persist.SweepFingerprint;
import io.automlseg.driver.persist.SweepJournal;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.persist.TrialsTable;
import io.automlseg.driver.persist.WarmStart;
import io.automlseg.driver.config.Hyperparameters;
import io.automlseg.driver.report.GallerySource;
import io.automlseg.driver.report.LiveReport;
import io.automlseg.driver.report.PredictionGallery;
import io.automlseg.driver.report.StatusLine;
import io.automlseg.driver.report.SweepConsole;
import io.automlseg.driver.report.SweepEta;
import io.automlseg.driver.report.SweepProgress;
import io.automlseg.driver.sweep.GridSampler;
import io.automlseg.driver.sweep.ResumePoint;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SchedulerStats;
import io.automlseg.driver.sweep.StopRules;
import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepLoop;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.TerminationPolicy;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialBackend;
import io.automlseg.driver.sweep.TrialSetup;
import io.automlseg.driver.weights.PretrainedPlan;
import io.automlseg.driver.weights.SweepStartingWeights;
import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a sweep on Spark: checks the run folder and the configuration before Spark starts, starts the session,
 * prepares the data, counts Spark's task slots and plans the trials, then hands the sweep to the {@link SweepLoop}
 * with Spark as its {@link TrialBackend} ({@link SparkTrialBackend}: each trial one Spark job running it in a child
 * JVM), the run folder as its record ({@link RunRecorder}) and the console ({@link SweepConsole}); at the end it
 * writes {@code summary.json}.
 *
 * <p>Every launch and end is journaled in the run folder ({@link SweepJournal}), so a sweep whose driver died is
 * continued by running it again with {@code --resume} (or the same {@code --run-id}): finished trials are kept,
 * interrupted ones run again ({@link JournalReplay}), and the sampler goes on from the same history.
 */
public final class SparkSweepRunner {
    private SweepConfig config;
    private final String output;
    private final RecordSource records;
    private final RunnerOptions options;
    private final StatusLine statusLine;
    private final PrintStream out;
    private final SweepConsole console;
    private final SchedulerStats stats = new SchedulerStats();
    private GallerySource gallery = PredictionGallery.of(PredictionGallery.defaultImages());

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
        this.statusLine = StatusLine.on(out);
        // Everything goes through the status line, which a terminal's live progress must not garble.
        this.out = statusLine.out();
        this.console = new SweepConsole(this.out);
    }

    /** Draws the gallery of the report written at the sweep's end (default: the best model's predictions). */
    public SparkSweepRunner withGallery(GallerySource source) {
        this.gallery = source;
        return this;
    }

    /** What the sweep machinery cost (filled while {@link #run()} runs). */
    public SchedulerStats schedulerStats() {
        return stats;
    }

    /**
     * Runs the sweep to its end (or continues a journaled one) and returns its summary (also written as
     * {@code summary.json}). A sweep that already ended is not run again: its summary is printed and returned.
     */
    public SweepSummary run() throws IOException, BadInputException, RunFolderBusyException {
        Instant started = Instant.now();
        // Checked before Spark starts, so a wrong folder or a changed configuration fails in a second.
        RunFolder folder = new RunFolder(Storage.qualify(output));
        RunAdmission.requireFolder(folder);
        try (RunLease lease = RunLease.acquire(folder)) {
            return admitAndRun(folder, started);
        }
    }

    private SweepSummary admitAndRun(RunFolder folder, Instant started) throws IOException, BadInputException {
        List<JournalEvent> history = SweepJournal.read(folder);
        String runId = RunAdmission.runId(folder, history, options.runId(), options.resume(), config, started);
        if (RunAdmission.hasEnded(folder, history)) {
            int more = RunAdmission.extension(history, config);
            SweepSummary summary = Json.read(folder.summaryJson(), SweepSummary.class);
            if (more == 0) {
                // A finished sweep run again (e.g. an Airflow retry): nothing to do but tell its outcome again.
                console.alreadyEnded(summary, folder.uri());
                return summary;
            }
            console.extending(summary, more, config.limits().maxTrials());
        }
        // checkpoint_run_id names an earlier run beside this one; the trials get its model folder.
        config = CheckpointRuns.resolveIn(config, output);
        // Fetched by the driver, before Spark starts: trials read the checked files, executors need no network.
        PretrainedPlan pretrained = SweepStartingWeights.prepare(config, folder.uri(),
                RunnerOptions.isLocalMaster(options.master()), out);
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = session(runId);
        try {
            return sweep(spark, runId, started, history, pretrained);
        } finally {
            if (ownSession) {
                spark.stop();
            }
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
        // The driver decides whether a trial runs again (its own retry budget, in the same folder); Spark must not.
        conf.setIfMissing("spark.task.maxFailures", "1");
        conf.setIfMissing("spark.speculation", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private SweepSummary sweep(SparkSession spark, String runId, Instant started, List<JournalEvent> history,
                               PretrainedPlan pretrained) throws IOException, BadInputException {
        SparkContext sc = spark.sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Storage.configure(sc.hadoopConfiguration());
        RunFolder run = new RunFolder(Storage.qualify(output));
        boolean resuming = !history.isEmpty();
        if (!resuming) {
            RunAdmission.requireFreeOutput(run);
        }
        Storage.mkdirs(run.uri());
        out.println((resuming ? "Resuming sweep " : "Sweep ") + runId + ": " + config.experimentName() + " -> "
                + run.uri() + " (Spark " + sc.master() + ")");
        DatasetPreparer.PreparedData data = resuming && Storage.exists(run.trainManifest())
                && Storage.exists(run.validationManifest()) && Storage.exists(run.labels())
                ? new DatasetPreparer.PreparedData(run.trainManifest(), run.validationManifest(),
                        List.of(Json.read(run.labels(), String[].class)), 0, 0)
                : DatasetPreparer.prepare(spark, config, records, run, out);

        int maxTrials = config.limits().maxTrials();
        if (config.searchSpace().isEmpty() && maxTrials > 1) {
            out.println("No search space: every trial would be the same, so 1 trial runs instead of max_trials "
                    + maxTrials + " (automatic search-space selection is not supported).");
            maxTrials = 1;
        }
        WarmStart warm = WarmStart.load(config, run, out);
        Sampler sampler = warm.seed(config.sampler());
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
        String device = sc.getConf().contains("spark.task.resource.gpu.amount") ? "gpu" : "cpu";
        List<String> trialOptions = new ArrayList<>(options.extraTrialJvmOptions());
        if (System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY) != null) {
            // the driver's pixel limit is the trials' too, wherever they run
            trialOptions.add("-D" + ImageDecoder.MAX_PIXELS_PROPERTY + "=" + ImageDecoder.maxPixels());
        }
        TrialLaunch launch = new TrialLaunch(options.trialMainClass(), options.trialMaxHeap(), threads,
                trialOptions, options.inTaskTrials());
        TerminationPolicy policy = config.terminationPolicy();
        SweepState state = new SweepState(config.primaryMetric());
        SweepJournal journal = SweepJournal.open(run);
        ResumePoint resume = ResumePoint.NONE;
        if (resuming) {
            resume = JournalReplay.replay(history, state, run);
            console.journalReplayed(state.trials().size() - resume.interrupted().size(), resume.interrupted().size());
        }
        journal.sweepStarted(runId, SweepFingerprint.of(config), SweepFingerprint.limits(config), sampler.name(),
                config.seed());
        out.printf("Plan: %d trial%s, %d at once, %d thread%s each, %s sampling, early termination: %s%n",
                maxTrials, maxTrials == 1 ? "" : "s", concurrency, threads, threads == 1 ? "" : "s",
                sampler.name(), policy.name());

        SweepConfig.Limits limits = config.limits();
        StopRules rules = new StopRules(started, options.limitMinute(), limits.timeoutMinutes(),
                limits.trialTimeoutMinutes(), options.stopGrace(), limits.maxFailedTrials());
        RunRecorder recorder = new RunRecorder(run, journal, state, trials -> {
            try {
                TrialsTable.write(spark, trials, state.primaryMetric(), run.trialsParquet());
            } catch (RuntimeException e) {
                out.println("Could not write " + run.trialsParquet() + ": " + rootMessage(e));
            }
        });
        TrialSetup setup = new TrialSetup() {
            @Override
            public String trialDir(Trial t) {
                return run.trialDir(t.id());
            }

            @Override
            public TrialSpec spec(Trial t) {
                Map<String, Object> parameters = config.resolve(t.parameters());
                return new TrialSpec(t.id(), run.trialDir(t.id()), data.trainManifest(), data.validationManifest(),
                        data.labels(), parameters, launch.numThreads(), device, pretrained.forTrial(parameters));
            }

            @Override
            public StartingWeights startingWeights(Trial t) {
                return SweepStartingWeights.ofTrial(pretrained, run.trialDir(t.id()), config.resolve(t.parameters()));
            }
        };
        // report.html in the run folder, rewritten as the sweep goes and written once more at its end
        LiveReport report = new LiveReport(run, out, Clock.systemUTC(), gallery);
        int plannedEpochs = config.resolve(Map.of()).get(Hyperparameters.NUMBER_OF_EPOCHS) instanceof Number n
                ? n.intValue() : 0;
        SweepProgress progress = new SweepProgress(statusLine,
                new SweepEta.Plan(maxTrials, concurrency, plannedEpochs, rules.deadline()), started,
                Clock.systemUTC(), SweepProgress.PLAIN_EVERY);
        SparkTrialNotes notes = new SparkTrialNotes(jsc);
        SweepLoop loop = new SweepLoop(state, sampler, policy,
                new SweepLoop.Limits(maxTrials, concurrency, limits.maxTrialRetries(), options.pollInterval()),
                rules, new SparkTrialBackend(jsc, launch, slots.count()), setup, recorder,
                SweepListener.all(console, progress, notes, report), stats, Clock.systemUTC(), SweepLoop.Waiting.REAL);
        SweepLoop.Outcome outcome;
        PrintStream err = System.err;
        // Spark's log lines (standard error, log4j's console appender following System.err) keep off the live line.
        System.setErr(statusLine.alongside(err));
        try {
            outcome = loop.run(resume);
        } finally {
            System.setErr(err);
            progress.close();
            notes.close();
        }

        SweepSummary summary = SweepSummary.of(runId, config, state, outcome, run.bestModel(), concurrency,
                policy.name(), started, pretrained, SkippedData.read(run)).withWarmStart(warm);
        Json.writeAtomically(run.summaryJson(), summary);
        journal.sweepEnded(outcome.status());
        console.concluded(state, summary, outcome.end());
        report.finish();
        return summary;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
