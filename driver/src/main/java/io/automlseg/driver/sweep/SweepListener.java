package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.EpochReport;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;

/**
 * What happens in a running sweep, for whoever shows it (the console today; a report or a progress bar beside it).
 * Called on the sweep loop's thread; every method does nothing unless overridden.
 */
public interface SweepListener {

    /** A trial's first attempt was launched. */
    default void trialStarted(Trial t) {}

    /** A trial the previous driver left running is launched again. */
    default void trialResumed(Trial t, int attempt) {}

    default void leftoverProcessEnded(Trial t) {}

    /** A new epoch report was read; {@code evaluation} when it carries the primary metric. */
    default void epochReported(Trial t, EpochReport report, int plannedEpochs, boolean evaluation,
                               SweepState state) {}

    default void stopRequested(Trial t, String reason) {}

    default void stopRequestFailed(Trial t, IOException e) {}

    /** A trial asked to stop did not within its grace: its run is cancelled. */
    default void hardStopping(Trial t) {}

    /** A trial's process still runs well after it wrote its result: its run is cancelled. */
    default void lingering(Trial t) {}

    default void sweepTimedOut(int timeoutMinutes, int running) {}

    /** max_failed_trials was reached: no trial is launched any more. */
    default void tooManyFailures(long failed, int maxFailedTrials) {}

    /** A trial lost its run to the infrastructure and runs again ({@code retry} of {@code budget}). */
    default void trialLost(Trial t, String reason, int retry, int budget) {}

    default void trialEnded(Trial t, SweepState state, Instant end) {}

    /** A new best trial's model was published at {@code where}. */
    default void newBest(Trial t, String primaryMetric, String where) {}

    default void publishFailed(Trial t, IOException e) {}

    /** Once per round of the loop, with the sweep as it stands. */
    default void progress(SweepState state, int maxTrials) {}

    /** Several listeners as one, each told in order: the console and, beside it, a report or a progress bar. */
    static SweepListener all(SweepListener... listeners) {
        List<SweepListener> all = List.of(listeners);
        // A proxy, so that a new event reaches every listener without a line here.
        return (SweepListener) Proxy.newProxyInstance(SweepListener.class.getClassLoader(),
                new Class<?>[] {SweepListener.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(all, args);
                    }
                    for (SweepListener l : all) {
                        try {
                            method.invoke(l, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    return null;
                });
    }
}
