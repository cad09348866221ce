package io.automlseg.executor.trial;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a trial says it ended, in its {@code result.json} (and its checkpoint). Written and read as the lowercase
 * names ({@code completed}, ...), which is also what {@link #toString()} gives, so messages read as before.
 */
public enum TrialStatus {
    COMPLETED,
    /** Stopped at the sweep's request (its termination policy); its best epoch's model counts. */
    EARLY_TERMINATED,
    FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TrialStatus of(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
