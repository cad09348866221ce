package io.automlseg.driver.cli;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.ConfigException;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.driver.persist.SweepSummary;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.eval.CocoFormatException;

/**
 * Exit codes of the {@code automl} command, for scripts and schedulers (e.g. an Airflow task deciding whether to
 * retry).
 */
public final class ExitCodes {
    /**
     * The command succeeded; for {@code sweep}, at least one trial produced a model (also when
     * {@code max_failed_trials} stopped the sweep early: summary.json then has a {@code warning}).
     */
    public static final int OK = 0;
    /** An unexpected error (a bug or an infrastructure failure); the message says which. */
    public static final int INTERNAL_ERROR = 1;
    /** Bad input: command line, configuration file, data or output folder. Retrying will not help. */
    public static final int BAD_INPUT = 2;
    /** The sweep ran but no trial completed with a model (e.g. {@code max_failed_trials} reached first). */
    public static final int NO_SUCCESSFUL_TRIAL = 3;
    /** The sweep's {@code timeout_minutes} ran out (the best model so far, if any, is still published). */
    public static final int TIMEOUT = 4;
    /**
     * Another driver is running the sweep in this output folder (it holds the folder's lease): nothing was done.
     * Retrying later may succeed, once that driver has ended or its lease has expired.
     */
    public static final int RUN_FOLDER_BUSY = 5;

    private ExitCodes() {}

    /**
     * Whether an error that reached the command line is the user's input (exit code {@link #BAD_INPUT}, message
     * alone): the configuration, the data (MLTable lines, COCO files, images) or the output folder.
     */
    public static boolean isBadInput(Throwable e) {
        return e instanceof ConfigException || e instanceof BadInputException || e instanceof DataSetException
                || e instanceof DataError || e instanceof CocoFormatException;
    }

    /** The exit code of a sweep that ran (or had already ended: the same code again). */
    public static int of(SweepSummary summary) {
        return switch (summary.status()) {
            case COMPLETED -> OK;
            case TIMED_OUT -> TIMEOUT;
            case NO_SUCCESSFUL_TRIAL -> NO_SUCCESSFUL_TRIAL;
        };
    }
}
