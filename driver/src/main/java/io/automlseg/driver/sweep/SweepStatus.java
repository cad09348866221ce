package io.automlseg.driver.sweep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a sweep ended, in its {@code summary.json} and journal; written as the lowercase names. */
public enum SweepStatus {
    /** At least one trial produced a model. */
    COMPLETED,
    NO_SUCCESSFUL_TRIAL,
    /** The sweep's {@code timeout_minutes} ran out (the best model so far is still published). */
    TIMED_OUT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SweepStatus of(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
