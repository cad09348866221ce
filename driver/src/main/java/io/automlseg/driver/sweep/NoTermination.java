package io.automlseg.driver.sweep;

import java.util.Optional;

/** Every trial runs to completion (the default when no early-termination policy is configured). */
public final class NoTermination implements TerminationPolicy {
    @Override
    public Optional<String> evaluate(Trial trial, SweepState state) {
        return Optional.empty();
    }

    @Override
    public String name() {
        return "none";
    }
}
