package io.automlseg.executor.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.automlseg.executor.io.Sha256;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.weights.TorchReader;
import io.automlseg.executor.weights.TorchTensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports a Mask R-CNN trained with torchvision: its state dict ({@code model.state_dict()} saved with
 * {@code torch.save}, any Hadoop URI) becomes a saved model folder that {@code predict}, the scoring Transformer and
 * {@code checkpoint_model} take like a trained one. The file must fit the model exactly (see {@link StateDictFit});
 * the norm is told from the file unless given.
 */
public final class TorchvisionImport {
    /** The inference settings an import takes, by hyperparameter name; they go to model.json and settings.json. */
    public static final List<String> SETTINGS = List.of("min_size", "max_size", "box_score_threshold",
            "nms_iou_threshold", "box_detections_per_image", "mask_pixel_score_threshold",
            "max_number_of_polygon_points", "rpn_pre_nms_top_n_test", "rpn_post_nms_top_n_test");
    private static final Set<String> FRACTIONS = Set.of("box_score_threshold", "nms_iou_threshold",
            "mask_pixel_score_threshold");

    private TorchvisionImport() {}

    /**
     * @param labels class names in class-index order (class 1 first), the background excluded
     * @param norm the backbone's normalisation, or null to tell it from the file
     * @param groupNormGroups the G of torchvision's {@code GroupNorm(G, channels)} layers (group norm only)
     * @param settings every name of {@link #SETTINGS} with its value
     */
    public record Request(String weights, String modelName, List<String> labels, ModelConfig.NormKind norm,
                          int groupNormGroups, Map<String, Number> settings) {
        public Request {
            labels = List.copyOf(labels);
            settings = Map.copyOf(settings);
        }
    }

    /** What was written: the model folder, its norm (and whether it was told from the file), the source's SHA-256. */
    public record Result(String folder, String modelName, String norm, boolean normDetected, int tensors,
                         String sha256) {}

    /**
     * @throws ModelExchangeException if the request is inconsistent or the file does not fit the model
     * @throws io.automlseg.executor.weights.TorchFileException if the file is not a readable state dict
     */
    public static Result write(Request request, String outputDir) throws IOException {
        OutputFolder.requireUnused(outputDir);
        validate(request);
        String source = request.weights();
        Map<String, TorchTensor> file = new LinkedHashMap<>();
        String sha256 = read(source, file);
        ModelConfig.NormKind norm = request.norm() != null ? request.norm() : NormDetection.detect(file.keySet());
        Map<String, Object> hyperparameters = hyperparameters(request, norm);
        // Where the weights came from, kept with the model (as a trial's record keeps its starting weights).
        hyperparameters.put("imported_from", source);
        hyperparameters.put("imported_sha256", sha256);
        ModelConfig config;
        try {
            config = ModelConfigs.fromHyperparameters(new TrainingParameters(hyperparameters), request.labels().size() + 1);
        } catch (IllegalArgumentException e) {
            throw new ModelExchangeException(e.getMessage());
        }
        Map<String, long[]> fileShapes = new LinkedHashMap<>();
        file.forEach((name, tensor) -> fileShapes.put(name, tensor.shape()));
        StateDictFit.requireClassCount(source, config, fileShapes);
        try (NDManager manager = NDManager.newBaseManager(); MaskRCNN model = MaskRCNN.create(config, manager, 0)) {
            NetworkWeights store = model.parameters();
            Map<String, long[]> modelShapes = shapes(store);
            StateDictFit.require(source, config, fileShapes, modelShapes);
            for (String name : modelShapes.keySet()) {
                TorchTensor t = file.remove(name); // one copy of each tensor alive at a time
                store.assign(name, new NetworkWeights.Tensor(new Shape(t.shape()), t.toFloatArray()));
            }
            Map<String, Object> settings = SavedModel.inferenceSettings(config);
            settings.put("mask_pixel_score_threshold", request.settings().get("mask_pixel_score_threshold"));
            settings.put("max_number_of_polygon_points", request.settings().get("max_number_of_polygon_points"));
            new SavedModel(request.modelName(), request.labels(), hyperparameters, settings, Map.of())
                    .write(outputDir, model);
            return new Result(outputDir, config.modelName(), norm.name().toLowerCase(Locale.ROOT),
                    request.norm() == null, fileShapes.size(), sha256);
        }
    }

    /** Reads the state dict under torchvision's current names into {@code into}; returns the file's SHA-256. */
    private static String read(String source, Map<String, TorchTensor> into) throws IOException {
        try {
            return Sha256.whileReading(source, in -> TorchReader.read(in, source).forEach((name, tensor) -> {
                String current = WeightLoader.currentName(name);
                // both spellings in one file: the second stays as it is and is reported as unexpected
                into.put(into.containsKey(current) ? name : current, tensor);
            }));
        } catch (FileNotFoundException e) {
            throw new ModelExchangeException("weights file " + source + " does not exist");
        }
    }

    private static Map<String, Object> hyperparameters(Request request, ModelConfig.NormKind norm) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_name", request.modelName());
        hp.put("norm", norm.name().toLowerCase(Locale.ROOT));
        if (norm == ModelConfig.NormKind.GROUP) {
            hp.put("group_norm_groups", request.groupNormGroups());
        }
        for (String name : SETTINGS) {
            hp.put(name, request.settings().get(name));
        }
        return hp;
    }

    private static void validate(Request request) throws ModelExchangeException {
        if (!ModelConfig.MODEL_NAMES.contains(request.modelName())) {
            throw new ModelExchangeException("model name '" + request.modelName() + "' is not one of "
                    + String.join(", ", ModelConfig.MODEL_NAMES));
        }
        if (request.labels().isEmpty()) {
            throw new ModelExchangeException("no labels given: name the model's classes in class-index order");
        }
        Set<String> seen = new HashSet<>();
        for (String label : request.labels()) {
            if (label.isBlank()) {
                throw new ModelExchangeException("labels: an empty label name in " + request.labels());
            }
            if (!seen.add(label)) {
                throw new ModelExchangeException("labels: '" + label + "' is given twice");
            }
        }
        if (request.groupNormGroups() < 1 || 64 % request.groupNormGroups() != 0) {
            throw new ModelExchangeException("the group count of group norm must divide 64 (the narrowest layer's"
                    + " channels), got " + request.groupNormGroups());
        }
        for (String name : SETTINGS) {
            Number value = request.settings().get(name);
            if (value == null) {
                throw new ModelExchangeException("setting " + name + " is missing");
            }
            boolean fraction = FRACTIONS.contains(name);
            if (fraction ? !(value.doubleValue() >= 0 && value.doubleValue() <= 1) : value.doubleValue() < 1) {
                throw new ModelExchangeException(name + " must be " + (fraction ? "in [0, 1]" : "a positive integer")
                        + ", got " + value);
            }
        }
    }

    private static Map<String, long[]> shapes(NetworkWeights store) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map<String, NDArray> group : List.of(store.parameters(), store.buffers())) {
            group.forEach((name, array) -> out.put(name, array.getShape().getShape()));
        }
        return out;
    }
}
