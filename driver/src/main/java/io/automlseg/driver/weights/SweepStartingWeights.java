package io.automlseg.driver.weights;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Sha256;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.PretrainedWeights;
import io.automlseg.executor.trial.StartingWeights;
import io.automlseg.executor.trial.TrialFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pretrained weights of one sweep run: resolved once when the sweep starts and recorded in the run folder
 * ({@value #FILE}); a resumed sweep keeps that record, so every trial of the sweep starts alike even if the network
 * came or went in between. The recorded files are checked again (and fetched again if they went missing).
 */
public final class SweepStartingWeights {
    public static final String FILE = "pretrained_weights.json";

    private SweepStartingWeights() {}

    /**
     * @param localMaster whether trials run on this machine (the cache may then live in the user's home)
     * @throws BadInputException when an explicit request cannot be met
     * @throws IOException when a recorded file can no longer be had on resume
     */
    public static PretrainedPlan prepare(SweepConfig config, String runFolder, boolean localMaster, PrintStream out)
            throws BadInputException, IOException {
        String record = runFolder.replaceAll("/+$", "") + "/" + FILE;
        if (Storage.exists(record)) {
            PretrainedPlan recorded = Json.read(record, PretrainedPlan.class);
            recheck(recorded, out);
            announce(recorded, out);
            return recorded;
        }
        WeightsCache cache = WeightsCache.forSweep(config.weightsCache(), localMaster, runFolder);
        PretrainedPlan plan = new PretrainedResolver(WeightCatalog.current(), cache, out).resolve(config);
        Json.writeAtomically(record, plan);
        announce(plan, out);
        return plan;
    }

    private static void recheck(PretrainedPlan plan, PrintStream out) throws IOException {
        Set<String> checked = new HashSet<>();
        for (PretrainedWeights w : plan.models().values()) {
            if (w.sha256() == null || !checked.add(w.file())) {
                continue;
            }
            if (Storage.exists(w.file()) && w.sha256().equals(Sha256.ofFile(w.file()))) {
                continue;
            }
            if (!w.source().startsWith("http")) {
                throw new IOException("pretrained weights " + w.file() + " changed or went missing since the "
                        + "sweep started (SHA-256 " + w.sha256() + ")");
            }
            new WeightsCache(plan.cache()).ensure(w.source(), w.file().substring(w.file().lastIndexOf('/') + 1),
                    w.sha256(), out);
        }
    }

    /**
     * What a trial says its weights started from ({@code starting_weights.json} in its folder), with the sweep's
     * reason when that is from scratch; null if the trial did not get that far.
     *
     * @param parameters the trial's resolved hyperparameters
     */
    public static StartingWeights ofTrial(PretrainedPlan plan, String trialDir, Map<String, Object> parameters) {
        String uri = TrialFiles.resolve(trialDir, TrialFiles.STARTING_WEIGHTS);
        try {
            if (!Storage.exists(uri)) {
                return null;
            }
            StartingWeights w = Json.read(uri, StartingWeights.class);
            return w.from() == StartingWeights.From.SCRATCH ? w.withNote(plan.scratchReason(parameters)) : w;
        } catch (IOException e) {
            return null;
        }
    }

    /** Prints which file each variant starts from, and the warning when auto could not get them. */
    public static void announce(PretrainedPlan plan, PrintStream out) {
        plan.models().forEach((model, w) -> out.println("Pretrained weights for " + model + ": "
                + w.kind().name().toLowerCase(Locale.ROOT) + " " + w.source() + (w.sha256() != null ? " (SHA-256 "
                + w.sha256().substring(0, 12) + "..., " + w.file() + ")" : "")));
        if (plan.warning() != null) {
            out.println("Warning: " + plan.warning() + ".");
        }
    }
}
