package io.automlseg.executor.savedmodel;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.trial.TrialFiles;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model on disk (any Hadoop FS folder):
 *
 * <ul>
 *   <li>{@code model.json}: architecture ({@code model_name}, number of classes) and the trial's hyperparameters;
 *   <li>{@code settings.json}: inference settings with the reference product's names ({@code min_size},
 *       {@code max_size}, {@code box_score_thresh}, {@code nms_iou_thresh}, {@code box_detections_per_img},
 *       {@code mask_pixel_score_threshold}, {@code max_number_of_polygon_points}, {@code export_as_image},
 *       {@code image_type}); edit it to change inference;
 *   <li>{@code labels.json}: class names, index i is class i+1;
 *   <li>{@code metrics.json}: the validation metrics of the saved epoch;
 *   <li>{@code weights.params}: the weights by torchvision parameter name;
 *   <li>{@code _COMPLETE}: written last. A folder without it is not a model.
 * </ul>
 *
 * <p>The folder is written beside its target and renamed into place, so a crash never leaves a half-written model
 * that looks complete.
 */
public final class SavedModel {
    public static final String MODEL_JSON = "model.json";
    public static final String SETTINGS_JSON = "settings.json";
    public static final String LABELS_JSON = "labels.json";
    public static final String METRICS_JSON = "metrics.json";
    public static final String WEIGHTS = "weights.params";
    public static final String COMPLETE_MARKER = "_COMPLETE";

    private final String modelName;
    private final List<String> labels;
    private final Map<String, Object> hyperparameters;
    private final Map<String, Object> settings;
    private final Map<String, Object> metrics;

    public SavedModel(String modelName, List<String> labels, Map<String, Object> hyperparameters,
            Map<String, Object> settings, Map<String, Object> metrics) {
        this.modelName = modelName;
        this.labels = List.copyOf(labels);
        this.hyperparameters = hyperparameters;
        this.settings = settings;
        this.metrics = metrics;
    }

    public String modelName() {
        return modelName;
    }

    public List<String> labels() {
        return labels;
    }

    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }

    public Map<String, Object> settings() {
        return settings;
    }

    public Map<String, Object> metrics() {
        return metrics;
    }

    /** Inference settings of a model, with the table's defaults for the prediction-only settings. */
    public static Map<String, Object> inferenceSettings(ModelConfig config) {
        return inferenceSettings(config, new TrainingParameters(Map.of()));
    }

    /**
     * Inference settings of a model trained with the given hyperparameters, under the reference product's names:
     * the trial's own {@code mask_pixel_score_threshold}, {@code max_number_of_polygon_points},
     * {@code export_as_image} and {@code image_type} (given or the table's defaults), which prediction uses.
     */
    public static Map<String, Object> inferenceSettings(ModelConfig config, TrainingParameters params) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min_size", config.minSize());
        s.put("max_size", config.maxSize());
        s.put("box_score_thresh", config.boxScoreThreshold());
        s.put("nms_iou_thresh", config.boxNmsThreshold());
        s.put("box_detections_per_img", config.detectionsPerImage());
        s.putAll(PredictionSettings.of(params.asMap()).asSettings());
        return s;
    }

    /** Writes the model atomically into {@code dirUri}, replacing what was there. */
    public void write(String dirUri, MaskRCNN model) throws IOException {
        String tmp = dirUri.replaceAll("/+$", "") + ".tmp-" + System.nanoTime();
        Storage.mkdirs(tmp);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("format", "automl-seg-maskrcnn");
        info.put("format_version", 1);
        info.put("model_name", modelName);
        info.put("num_classes", labels.size() + 1);
        info.put("hyperparameters", hyperparameters);
        Json.write(TrialFiles.resolve(tmp, MODEL_JSON), info);
        Json.write(TrialFiles.resolve(tmp, SETTINGS_JSON), settings);
        Json.write(TrialFiles.resolve(tmp, LABELS_JSON), labels);
        Json.write(TrialFiles.resolve(tmp, METRICS_JSON), metrics);
        // Streamed tensor by tensor, as the checkpoint is: buffered whole, a ResNet-152's weights took three times
        // their size of heap and a trial with a 1 GB heap ran out of memory saving its model.
        try (OutputStream out = new BufferedOutputStream(Storage.create(TrialFiles.resolve(tmp, WEIGHTS)))) {
            model.save(out);
        }
        Storage.writeString(TrialFiles.resolve(tmp, COMPLETE_MARKER), "");
        if (Storage.exists(dirUri)) {
            Storage.delete(dirUri);
        }
        Storage.rename(tmp, dirUri);
    }

    /** Whether {@code dirUri} holds a complete model. */
    public static boolean isComplete(String dirUri) throws IOException {
        return Storage.exists(TrialFiles.resolve(dirUri, COMPLETE_MARKER));
    }

    /** Reads a model's description (not its weights). */
    public static SavedModel read(String dirUri) throws IOException {
        if (!isComplete(dirUri)) {
            throw new FileNotFoundException(dirUri + " is not a complete model folder (no " + COMPLETE_MARKER
                    + " marker; expected the best_model/ folder of a sweep)");
        }
        Map<String, Object> info = Json.MAPPER.readValue(Storage.readBytes(TrialFiles.resolve(dirUri, MODEL_JSON)),
                new TypeReference<Map<String, Object>>() {});
        List<String> labels = Json.MAPPER.readValue(Storage.readBytes(TrialFiles.resolve(dirUri, LABELS_JSON)),
                new TypeReference<List<String>>() {});
        Map<String, Object> settings = Json.MAPPER.readValue(
                Storage.readBytes(TrialFiles.resolve(dirUri, SETTINGS_JSON)), new TypeReference<Map<String, Object>>() {});
        Map<String, Object> metrics = Storage.exists(TrialFiles.resolve(dirUri, METRICS_JSON))
                ? Json.MAPPER.readValue(Storage.readBytes(TrialFiles.resolve(dirUri, METRICS_JSON)),
                        new TypeReference<Map<String, Object>>() {})
                : Map.of();
        @SuppressWarnings("unchecked")
        Map<String, Object> hp = (Map<String, Object>) info.getOrDefault("hyperparameters", Map.of());
        return new SavedModel((String) info.get("model_name"), labels, hp, settings, metrics);
    }

    /**
     * Checks a model folder without loading its network, as a driver does before starting any work: its description
     * files parse and its weight file is whole. The message names the file that is wrong.
     */
    public static void verify(String dirUri) throws IOException {
        read(dirUri);
        String weights = TrialFiles.resolve(dirUri, WEIGHTS);
        if (!Storage.exists(weights)) {
            throw new FileNotFoundException(weights + ": missing");
        }
        try (InputStream in = new java.io.BufferedInputStream(Storage.open(weights), 1 << 16)) {
            NetworkWeights.inspect(in);
        } catch (IOException e) {
            throw new IOException(weights + ": " + e.getMessage(), e);
        }
    }

    /** Builds the network described by this model with the saved weights, honouring the (editable) settings. */
    public MaskRCNN loadNetwork(String dirUri, NDManager manager) throws IOException {
        // The architecture comes from the trial's hyperparameters; settings.json (editable) overrides inference.
        ModelConfig config = ModelConfigs.fromHyperparameters(new TrainingParameters(hyperparameters), labels.size() + 1).toBuilder()
                .minSize(intSetting("min_size"))
                .maxSize(intSetting("max_size"))
                .boxScoreThreshold((float) doubleSetting("box_score_thresh"))
                .boxNmsThreshold((float) doubleSetting("nms_iou_thresh"))
                .detectionsPerImage(intSetting("box_detections_per_img"))
                .build();
        MaskRCNN model = MaskRCNN.create(config, manager, 0L);
        try (InputStream in = Storage.open(TrialFiles.resolve(dirUri, WEIGHTS))) {
            model.load(in);
        }
        model.setTraining(false);
        return model;
    }

    public int intSetting(String name) {
        return ((Number) settings.get(name)).intValue();
    }

    public double doubleSetting(String name) {
        return ((Number) settings.get(name)).doubleValue();
    }
}
