package io.automlseg.executor.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Sha256;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import java.io.IOException;
import java.security.DigestOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a saved model for torchvision: a folder with {@code model.pth} (a state dict that torchvision's Mask R-CNN
 * of the same variant and norm loads with {@code strict=True}), {@code labels.json} (index i is class i + 1) and
 * {@code load_torchvision.py} (builds that model with the saved settings, loads the weights, runs it, exports it to
 * ONNX). The folder appears whole or not at all; the same model gives the same bytes.
 */
public final class TorchvisionExport {
    public static final String WEIGHTS = "model.pth";
    public static final String LABELS = "labels.json";
    public static final String SCRIPT = "load_torchvision.py";

    private TorchvisionExport() {}

    /** What was written: the folder, the number of state-dict entries and model.pth's SHA-256 (hex). */
    public record Result(String folder, String modelName, String norm, int entries, String sha256) {}

    /**
     * @throws ModelExchangeException if {@code modelDir} is not a complete saved model or {@code outputDir} is in use
     */
    public static Result write(String modelDir, String outputDir) throws IOException {
        OutputFolder.requireUnused(outputDir);
        if (!Storage.exists(modelDir) || !SavedModel.isComplete(modelDir)) {
            throw new ModelExchangeException(modelDir + " is not a saved model folder (no " + SavedModel.COMPLETE_MARKER
                    + " marker): give a trial's model/ folder, a sweep's best_model/ or an imported model");
        }
        SavedModel saved = SavedModel.read(modelDir);
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = load(saved, modelDir, manager)) {
            Map<String, TorchTensor> state = stateDict(model);
            ModelConfig config = model.config();
            String staging = OutputFolder.staging(outputDir);
            String sha256;
            try (DigestOutputStream out = new DigestOutputStream(Storage.create(TrialFiles.resolve(staging, WEIGHTS)),
                    Sha256.digest())) {
                TorchWriter.write(state, out);
                out.flush();
                sha256 = Sha256.hex(out.getMessageDigest());
            }
            Json.write(TrialFiles.resolve(staging, LABELS), saved.labels());
            Storage.writeString(TrialFiles.resolve(staging, SCRIPT),
                    LoaderScript.render(config, saved.doubleSetting("mask_pixel_score_threshold")));
            OutputFolder.publish(staging, outputDir);
            return new Result(outputDir, config.modelName(), config.norm().name().toLowerCase(java.util.Locale.ROOT),
                    state.size(), sha256);
        }
    }

    private static MaskRCNN load(SavedModel saved, String modelDir, NDManager manager) throws IOException {
        try {
            return saved.loadNetwork(modelDir, manager);
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            // model.json or settings.json names an architecture or a setting that does not exist
            throw new ModelExchangeException(modelDir + " has an unusable model.json or settings.json: " + e.getMessage());
        }
    }

    /**
     * The model's state dict under torchvision's names: every parameter, then every buffer, as float32 and, for
     * BatchNorm2d layers, the int64 0-d {@code num_batches_tracked} that torchvision's module has
     * (0: our batch norm counts no steps, and eval mode never reads it).
     */
    public static Map<String, TorchTensor> stateDict(MaskRCNN model) {
        NetworkWeights store = model.parameters();
        boolean counters = model.config().norm() == ModelConfig.NormKind.BATCH;
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        for (Map<String, NDArray> group : List.of(store.parameters(), store.buffers())) {
            group.forEach((name, array) -> {
                state.put(name, TorchTensor.float32(array.getShape().getShape(), array.toFloatArray()));
                if (counters && name.endsWith(".running_var")) {
                    String counter = name.substring(0, name.length() - ".running_var".length())
                            + StateDictFit.STEP_COUNTER;
                    state.put(counter, TorchTensor.int64(new long[0], new long[] {0}));
                }
            });
        }
        return state;
    }
}
