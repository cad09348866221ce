package io.automlseg.driver.weights;

import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.spark.BadInputException;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.PretrainedWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, String> checked = new LinkedHashMap<>();
        for (PretrainedWeights w : plan.models().values()) {
            if (w.sha256() == null || checked.containsKey(w.file())) {
                continue;
            }
            String sha = Storage.exists(w.file()) ? WeightsCache.sha256(w.file()) : null;
            if (!w.sha256().equals(sha)) {
                if (!w.source().startsWith("http")) {
                    throw new IOException("pretrained weights " + w.file() + " changed or went missing since the "
                            + "sweep started (SHA-256 " + w.sha256() + ")");
                }
                String name = w.file().substring(w.file().lastIndexOf('/') + 1);
                WeightsCache cache = new WeightsCache(w.file().substring(0, w.file().lastIndexOf('/')));
                WeightsCache.Stored stored = cache.ensure(w.source(), name, w.sha256(), out);
                sha = stored.sha256();
            }
            checked.put(w.file(), sha);
        }
    }

    private static void announce(PretrainedPlan plan, PrintStream out) {
        plan.models().forEach((model, w) -> out.println("Pretrained weights for " + model + ": "
                + w.kind().name().toLowerCase() + " " + w.source() + (w.sha256() != null ? " (SHA-256 "
                + w.sha256().substring(0, 12) + "..., " + w.file() + ")" : "")));
        if (plan.warning() != null) {
            out.println("Warning: " + plan.warning() + ".");
        }
    }
}
