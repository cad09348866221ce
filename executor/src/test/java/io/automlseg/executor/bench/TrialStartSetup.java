package io.automlseg.executor.bench;

import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.TrialSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TRIAL-START BENCHMARK setup ({@code scripts/bench/trial-start.sh}): writes the manifests of a tiny synthetic data
 * set (two training images, one validation image) and the spec of one r18 trial from scratch, as the driver would,
 * so that the script can launch {@code TrialMain} on it in a fresh JVM, as an executor does.
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
        List<ImageRecord> train = MLTableReader.read(dataset.resolve("train").toString(), LoadOptions.training())
                .records().subList(0, 2);
        List<ImageRecord> validation = MLTableReader.read(dataset.resolve("validation").toString(),
                LoadOptions.validation()).records().subList(0, 1);
        Manifest.write(out.resolve("train.jsonl").toString(), train);
        Manifest.write(out.resolve("validation.jsonl").toString(), validation);
        List<ImageRecord> all = new ArrayList<>(train);
        all.addAll(validation);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model_name", "maskrcnn_resnet18_fpn");
        params.put("number_of_epochs", 1);
        params.put("training_batch_size", 2);
        params.put("min_size", 128);
        params.put("max_size", 128);
        params.put("validation_metric_type", "none");
        for (int run = 1; run <= runs; run++) {
            String id = "run" + run;
            TrialSpec spec = new TrialSpec(id, out.resolve(id).toString(), out.resolve("train.jsonl").toString(),
                    out.resolve("validation.jsonl").toString(), LabelSet.labels(all), params, threads, "cpu");
            Json.write(out.resolve(id).resolve("spec.json").toString(), spec);
        }
    }
}
