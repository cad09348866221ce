package io.automlseg.driver.report;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.sweep.SweepListener;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.executor.trial.EpochReport;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a running sweep's report.html current: rewritten when an epoch is reported or a trial ends, at most every
 * {@link #INTERVAL} (reading the run folder costs reads of the running trials' files), and once more, with the
 * gallery, when the sweep ends. A report that cannot be written never stops the sweep: it is a warning line.
 */
public final class LiveReport implements SweepListener {
    /** How often at most the report is rewritten while the sweep runs. */
    public static final Duration INTERVAL = Duration.ofSeconds(30);

    private final RunFolder run;
    private final PrintStream out;
    private final Clock clock;
    private final GallerySource finalGallery;
    private Instant writtenAt = Instant.EPOCH;
    private boolean pending;
    private boolean warned;

    /** @param finalGallery the gallery of the report written at the end (none while the sweep runs) */
    public LiveReport(RunFolder run, PrintStream out, Clock clock, GallerySource finalGallery) {
        this.run = run;
        this.out = out;
        this.clock = clock;
        this.finalGallery = finalGallery;
    }

    public String path() {
        return SweepReportWriter.defaultPath(run);
    }

    @Override
    public void trialStarted(Trial t) {
        changed();
    }

    @Override
    public void epochReported(Trial t, EpochReport report, int plannedEpochs, boolean evaluation, SweepState state) {
        changed();
    }

    @Override
    public void trialEnded(Trial t, SweepState state, Instant end) {
        changed();
    }

    /** A change not yet in the report is written once the interval has passed, on the loop's next round. */
    @Override
    public void progress(SweepState state, int maxTrials) {
        if (pending) {
            rewriteIfDue();
        }
    }

    private void changed() {
        pending = true;
        rewriteIfDue();
    }

    private void rewriteIfDue() {
        Instant now = clock.instant();
        if (Duration.between(writtenAt, now).compareTo(INTERVAL) < 0) {
            return;
        }
        writtenAt = now;
        pending = false;
        write(GallerySource.NONE, false);
    }

    /**
     * Writes the final report (with the gallery) and says where it is.
     *
     * @return the report's path, or null if it could not be written
     */
    public String finish() {
        SweepReportWriter.Written w = write(finalGallery, true);
        if (w != null) {
            out.println("Report: " + w.path());
        }
        return w == null ? null : w.path();
    }

    private SweepReportWriter.Written write(GallerySource gallery, boolean atEnd) {
        try {
            return new SweepReportWriter(gallery).write(run, path());
        } catch (Exception | LinkageError e) {
            // the report is a view of the sweep, never a reason to stop it; said once while running, and at the end
            if (!warned || atEnd) {
                out.println("Warning: could not write the report " + path() + ": " + e);
                warned = true;
            }
            return null;
        }
    }
}
