package io.automlseg.executor.bench;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.train.TinyTrials;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * TRIAL-START BENCHMARK setup ({@code scripts/bench/trial-start.sh}): writes the manifests of a tiny synthetic data
 * set (two training images, one validation image, as {@link TinyTrials} does) and the spec of one r18 trial from
 * scratch at 128 px, as the driver would, so that the script can launch {@code TrialMain} on it in a fresh JVM, as
 * an executor does.
 * {@code TrialStartSetup <dataset folder> <output folder> <threads> <runs>} writes {@code run1/spec.json} ... (a
 * fresh trial folder per run: a used one would resume from its checkpoint).
 */
public final class TrialStartSetup {
    private TrialStartSetup() {}

    public static void main(String[] args) throws Exception {
        Path dataset = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        for (int run = 1; run <= runs; run++) {
            String id = "run" + run;
            TrialSpec spec = TinyTrials.spec(dataset, out, id, Map.of("min_size", 128, "max_size", 128), threads);
            Json.write(out.resolve(id).resolve("spec.json").toString(), spec);
        }
    }
}
