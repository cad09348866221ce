package io.automlseg.driver.cli;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.driver.spark.Preflight;
import io.automlseg.driver.spark.RecordSource;
import io.automlseg.driver.spark.RecordSources;
import io.automlseg.driver.report.PredictionGallery;
import io.automlseg.driver.spark.RunnerOptions;
import io.automlseg.driver.spark.SparkSweepRunner;
import io.automlseg.driver.spark.TrialLaunch;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code automl sweep --config job.yaml --output DIR}: runs the sweep a reference-style job YAML describes. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a hyperparameter sweep described by a job YAML (type: automl, "
                + "task: image_instance_segmentation). The configuration is checked fully before Spark starts.")
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The job YAML.")
    String config;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Run folder (any Hadoop path); must not hold an earlier sweep unless it is resumed.")
    String output;

    @Option(names = "--resume",
            description = "Continue the sweep journaled in --output if there is one (else start it): finished trials "
                    + "are kept, interrupted ones run again from their checkpoints. A sweep that already ended is "
                    + "not run again (its summary and exit code are repeated; safe for scheduler retries) unless "
                    + "its limits changed and max_trials leaves room: then it is extended.")
    boolean resume;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: Spark's configured master, else local[*].")
    String master;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Name of the run; default: a time stamp. Running again with the run id of the sweep in "
                    + "--output resumes it, as --resume does.")
    String runId;

    @Option(names = "--trial-memory", paramLabel = "SIZE", defaultValue = "6g",
            description = "Heap (-Xmx) of each trial's JVM (default: ${DEFAULT-VALUE}).")
    String trialMemory;

    @Option(names = "--trial-threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads per trial; 0 shares the cores among concurrent trials (default).")
    int trialThreads;

    @Option(names = "--trial-main-class", paramLabel = "CLASS", defaultValue = TrialLaunch.DEFAULT_MAIN_CLASS,
            description = "Main class of a trial's JVM (default: ${DEFAULT-VALUE}).")
    String trialMainClass;

    @Option(names = "--trial-jvm-option", paramLabel = "OPTION",
            description = "Extra option of each trial's JVM (repeatable), e.g. -Dkey=value.")
    List<String> trialJvmOptions = List.of();

    @Option(names = "--report-gallery-images", paramLabel = "N", defaultValue = PredictionGallery.IMAGES_OPTION_DEFAULT,
            description = "How many validation images the report written at the sweep's end draws the best model's "
                    + "predictions on (0: none; default: $" + PredictionGallery.IMAGES_ENV + " if set, else "
                    + PredictionGallery.DEFAULT_IMAGES + ").")
    int reportGalleryImages;

    @Option(names = "--validate-only",
            description = "Check the configuration, the data paths and the MLTable contents (every line and image "
                    + "header) without starting Spark or any trial; exit code 0 means the sweep may start.")
    boolean validateOnly;

    /** Where the training and validation MLTables are read from. */
    static RecordSource recordSource = RecordSources.mltable();

    @Override
    public Integer call() throws Exception {
        if (trialThreads < 0) {
            throw new CliException(ExitCodes.BAD_INPUT, "--trial-threads must be >= 0");
        }
        if (reportGalleryImages < 0) {
            throw new CliException(ExitCodes.BAD_INPUT, "--report-gallery-images must be >= 0");
        }
        SweepConfig sweepConfig = SweepConfig.load(config);
        if (validateOnly) {
            Preflight.check(sweepConfig, recordSource, output, runId, resume, RunnerOptions.isLocalMaster(master),
                    System.out);
            return ExitCodes.OK;
        }
        RunnerOptions options = RunnerOptions.defaults().withMaster(master).withRunId(runId)
                .withTrialMaxHeap(trialMemory).withThreadsPerTrial(trialThreads).withTrialMainClass(trialMainClass)
                .withExtraTrialJvmOptions(trialJvmOptions).withResume(resume);
        SweepSummary summary = new SparkSweepRunner(sweepConfig, output, recordSource, options, System.out)
                .withGallery(PredictionGallery.of(reportGalleryImages)).run();
        return ExitCodes.of(summary);
    }
}
