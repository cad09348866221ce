package io.automlseg.executor.train;

import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cheapest real trials: two 160 px synthetic images trained at 64 px with small RoI budgets. */
public final class TinyTrials {
    static final Path SAMPLE = Path.of("..", "datasets", "synthetic-shapes");

    private TinyTrials() {}

    /** Writes the manifests once per folder and returns a spec for a trial folder {@code dir/trialId}. */
    static TrialSpec spec(Path dir, String trialId, Map<String, Object> overrides) throws IOException {
        return spec(SAMPLE, dir, trialId, overrides, 2);
    }

    /** The same over the synthetic sample in {@code sample}, for {@code threads} threads. */
    public static TrialSpec spec(Path sample, Path dir, String trialId, Map<String, Object> overrides, int threads)
            throws IOException {
        List<ImageRecord> train = MLTableReader.read(sample.resolve("train").toString(), LoadOptions.training())
                .records().subList(0, 2);
        List<ImageRecord> validation = MLTableReader.read(sample.resolve("validation").toString(),
                LoadOptions.validation()).records().subList(0, 1);
        Manifest.write(dir.resolve("train.jsonl").toString(), train);
        Manifest.write(dir.resolve("validation.jsonl").toString(), validation);
        List<ImageRecord> all = new java.util.ArrayList<>(train);
        all.addAll(validation);
        List<String> labels = LabelSet.labels(all);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model_name", "maskrcnn_resnet18_fpn");
        params.put("number_of_epochs", 1);
        params.put("training_batch_size", 2);
        params.put("learning_rate", 0.002);
        params.put("learning_rate_scheduler", "step");
        params.put("min_size", 64);
        params.put("max_size", 64);
        params.put("box_batch_size_per_image", 32);
        params.put("rpn_pre_nms_top_n_train", 100);
        params.put("rpn_post_nms_top_n_train", 50);
        params.put("rpn_pre_nms_top_n_test", 50);
        params.put("rpn_post_nms_top_n_test", 20);
        params.put("validation_metric_type", "none");
        params.putAll(overrides);
        return new TrialSpec(trialId, dir.resolve(trialId).toString(), dir.resolve("train.jsonl").toString(),
                dir.resolve("validation.jsonl").toString(), labels, params, threads, "cpu");
    }

    record Run(TrialResult result, String log) {}

    static Run run(TrialSpec spec) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrialResult result = new TrialTrainer(spec, TrialData.load(spec), new PrintStream(log, true)).run();
        System.out.print(log);
        return new Run(result, log.toString());
    }

    static Map<String, NetworkWeights.Tensor> weights(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return NetworkWeights.read(in);
        }
    }
}
