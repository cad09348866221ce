package io.automlseg.driver.sweep;

/**
 * Why the sweep cancelled a running trial: decided by {@link StopRules}, it also decides how the trial ended when
 * the trial did not write its own result (see {@link TrialEnd#decide}).
 */
public record Cancellation(Kind kind, String reason) {

    public enum Kind {
        /** The sweep's timeout_minutes ran out: the trial is canceled, not failed. */
        SWEEP_TIMEOUT,
        TRIAL_TIMEOUT,
        /** Asked to stop, it did not within its grace: it keeps its best model if it saved one. */
        HARD_STOP,
        /** Its process lingered after writing its result (which still counts). */
        LINGERING
    }
}
