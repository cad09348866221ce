package io.automlseg.driver.sweep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Life cycle of a trial: queued, then running, then one of the four final states. Written (trials.json, the journal)
 * as the lowercase names.
 */
public enum TrialState {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    /** Stopped by the sweep's termination policy; its best epoch still counts. */
    EARLY_TERMINATED,
    /** Stopped by the sweep itself (its timeout_minutes ran out), not through any fault of the trial. */
    CANCELED;

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == EARLY_TERMINATED || this == CANCELED;
    }

    @JsonCreator
    public static TrialState of(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
