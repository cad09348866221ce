package io.automlseg.driver.sweep;

import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialSpec;

/** What a trial is given beyond its sampled parameters: its folder, its spec, and what its weights started from. */
public interface TrialSetup {

    String trialDir(Trial t);

    /** The spec of the trial's next run (all its parameters resolved, its data, threads and device). */
    TrialSpec spec(Trial t);

    /** What the trial's weights started from, known once it ran; null if not known. */
    StartingWeights startingWeights(Trial t);
}
