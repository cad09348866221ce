package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.type.TypeReference;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.weights.TorchReader;
import io.automlseg.executor.weights.TorchTensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts a model from existing weights: a saved model folder (a trial's {@code model/}, a run's {@code best_model/},
 * incremental training) or a weight file whose names are torchvision state-dict names, either of a whole Mask R-CNN
 * or of a plain torchvision ResNet classifier (mapped under {@code backbone.body.}, its {@code fc.*} dropped). A
 * weight file is one of (told apart by its first bytes, see {@link WeightFileFormat}):
 * <ul>
 *   <li>a {@code .pth} state dict from {@code torch.save}, in the zip format of PyTorch 1.6 and later or the legacy
 *       format before it, read by {@link TorchReader}, which refuses anything but tensors (for example torchvision's
 *       published weight files, or a training checkpoint with the state dict under {@code state_dict} or
 *       {@code model}); tensors of any floating-point or integer dtype are loaded as float32;
 *   <li>a NumPy {@code .npz} of one array per name;
 *   <li>this project's {@code weights.params}.
 * </ul>
 * Names torchvision itself still accepts from older files are renamed as its modules do on loading:
 * {@code rpn.head.conv.*} to {@code rpn.head.conv.0.0.*} and {@code roi_heads.mask_head.mask_fcn<i>.*} to
 * {@code roi_heads.mask_head.<i-1>.0.*} (the published COCO Mask R-CNN weights use them).
 *
 * <p>The class-specific predictor layers are loaded only when they fit the new task (same labels for a saved model,
 * same shapes for a file); otherwise they keep their fresh initialisation. Any other shape difference is an error
 * naming the weight. Weights the source lacks keep their initialisation and are listed in the report; BatchNorm's
 * {@code num_batches_tracked} is ignored.
 */
public final class WeightLoader {
    /** Prefixes of the layers whose shapes depend on the number of classes. */
    static final List<String> CLASS_SPECIFIC = List.of("roi_heads.box_predictor.",
            "roi_heads.mask_predictor.mask_fcn_logits.");
    private static final String SAVED_MODEL_WEIGHTS = "weights.params";
    private static final String SAVED_MODEL_LABELS = "labels.json";
    private static final String COMPLETE_MARKER = "_COMPLETE";

    private WeightLoader() {}

    /**
     * What a load did.
     *
     * @param loaded number of weights copied from the source
     * @param skipped class-specific weights left at their initialisation because the task differs
     * @param kept weights of the model that the source does not have (left at their initialisation)
     * @param ignored source entries without a counterpart by design (BatchNorm step counters, a classifier's fc,
     *     running statistics when the model uses group norm)
     */
    public record Report(String source, int loaded, List<String> skipped, List<String> kept, List<String> ignored) {
        /** One line for the trial log. */
        public String describe() {
            StringBuilder sb = new StringBuilder("weights from ").append(source).append(": ").append(loaded)
                    .append(" loaded");
            if (!skipped.isEmpty()) {
                sb.append("; ").append(skipped.size()).append(" class-specific skipped (labels differ, fresh init): ")
                        .append(skipped);
            }
            if (!kept.isEmpty()) {
                sb.append("; ").append(kept.size()).append(" not in the source (fresh init), e.g. ")
                        .append(kept.subList(0, Math.min(3, kept.size())));
            }
            if (!ignored.isEmpty()) {
                sb.append("; ").append(ignored.size()).append(" source entries ignored");
            }
            return sb.toString();
        }
    }

    /**
     * Loads {@code uri} into {@code model}.
     *
     * @param labels the new task's class names, compared with a saved model's to decide on the predictor layers
     * @throws IOException if the source cannot be read or a weight has the wrong shape (the message names it)
     */
    public static Report load(MaskRCNN model, String uri, List<String> labels) throws IOException {
        NetworkWeights store = model.parameters();
        if (Storage.exists(uri) && Storage.isDirectory(uri)) {
            if (!Storage.exists(Storage.resolve(uri, COMPLETE_MARKER))) {
                throw new IOException(uri + " is not a complete saved model (no " + COMPLETE_MARKER
                        + " marker); expected a trial's model/ or a run's best_model/ folder");
            }
            List<String> sourceLabels = Json.MAPPER.readValue(Storage.readBytes(Storage.resolve(uri, SAVED_MODEL_LABELS)),
                    new TypeReference<List<String>>() {});
            Map<String, NetworkWeights.Tensor> tensors;
            try (InputStream in = Storage.open(Storage.resolve(uri, SAVED_MODEL_WEIGHTS))) {
                tensors = NetworkWeights.read(in);
            }
            return assign(store, model.config(), tensors, sourceLabels.equals(labels), uri);
        }
        return assign(store, model.config(), readFile(uri, store.manager()), null, uri);
    }

    /**
     * Loads pretrained weights of another task (torchvision's COCO model): everything that fits, except the
     * class-specific predictor layers, which always keep their fresh initialisation.
     */
    public static Report loadPretrained(MaskRCNN model, String uri) throws IOException {
        NetworkWeights store = model.parameters();
        return assign(store, model.config(), readFile(uri, store.manager()), false, uri);
    }

    /**
     * Reads a weight file from {@code in} without a model, so that a bad file is refused before any trial starts;
     * returns the number of tensors, or -1 for an .npz, which is only recognised here (its reader needs the engine).
     *
     * @param uri the file's name in messages
     * @throws IOException naming the file and what is wrong with it
     */
    public static int check(InputStream in, String uri) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        return switch (WeightFileFormat.detect(buffered)) {
            case TORCH_ZIP, TORCH_LEGACY -> TorchReader.read(buffered, uri).size();
            case NPZ -> -1;
            case PARAMS -> readParams(buffered, uri).size();
        };
    }

    /** Reads a weight file (.pth, .npz or this project's format), names as stored. */
    public static Map<String, NetworkWeights.Tensor> readFile(String uri, NDManager manager) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(Storage.open(uri), 1 << 16)) {
            switch (WeightFileFormat.detect(in)) {
                case TORCH_ZIP, TORCH_LEGACY -> {
                    return fromTorch(TorchReader.read(in, uri));
                }
                case NPZ -> {
                    return readNpz(in, manager);
                }
                default -> {
                    return readParams(in, uri);
                }
            }
        } catch (java.io.FileNotFoundException e) {
            throw new IOException("weight file " + uri + " does not exist", e);
        }
    }

    /** This project's weights.params, or the message for a file that is none of the formats. */
    private static Map<String, NetworkWeights.Tensor> readParams(InputStream in, String uri) throws IOException {
        try {
            return NetworkWeights.read(in);
        } catch (IOException e) {
            throw new IOException(uri + ": " + e.getMessage() + "; expected a .pth state dict (torch.save),"
                    + " an .npz of torchvision state-dict tensors or a weights.params file", e);
        }
    }

    /** torch tensors as float32, each dropped from the input once converted so that one copy is alive at a time. */
    private static Map<String, NetworkWeights.Tensor> fromTorch(Map<String, TorchTensor> tensors) {
        Map<String, NetworkWeights.Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, TorchTensor>> it = tensors.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, TorchTensor> e = it.next();
            out.put(e.getKey(), new NetworkWeights.Tensor(new Shape(e.getValue().shape()), e.getValue().toFloatArray()));
            it.remove();
        }
        return out;
    }

    private static Map<String, NetworkWeights.Tensor> readNpz(InputStream in, NDManager manager) throws IOException {
        Map<String, NetworkWeights.Tensor> out = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            NDList arrays;
            try {
                arrays = NDList.decode(scratch, in);
            } catch (RuntimeException e) {
                throw new IOException("unreadable .npz: " + e.getMessage(), e);
            }
            for (NDArray a : arrays) {
                String name = a.getName();
                if (name != null && name.endsWith(".npy")) {
                    name = name.substring(0, name.length() - 4);
                }
                NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
                out.put(name, new NetworkWeights.Tensor(a.getShape(), f.toFloatArray()));
            }
        }
        return out;
    }

    private static final Pattern OLD_RPN_CONV = Pattern.compile("rpn\\.head\\.conv\\.(weight|bias)");
    private static final Pattern OLD_MASK_FCN = Pattern.compile("roi_heads\\.mask_head\\.mask_fcn(\\d+)\\.(weight|bias)");

    /**
     * The names torchvision's RPNHead and MaskRCNNHeads rename in {@code _load_from_state_dict} for files older than
     * their version 2, renamed the same way; anything else unchanged.
     */
    static Map<String, NetworkWeights.Tensor> torchvisionCurrentNames(Map<String, NetworkWeights.Tensor> tensors) {
        Map<String, NetworkWeights.Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(currentName(name), t));
        return out;
    }

    /** A torchvision state-dict name as torchvision's current modules call it (see {@link #torchvisionCurrentNames}). */
    public static String currentName(String name) {
        java.util.regex.Matcher rpn = OLD_RPN_CONV.matcher(name); // (not this package's box Matcher)
        if (rpn.matches()) {
            return "rpn.head.conv.0.0." + rpn.group(1);
        }
        java.util.regex.Matcher mask = OLD_MASK_FCN.matcher(name);
        if (mask.matches() && Integer.parseInt(mask.group(1)) >= 1) {
            return "roi_heads.mask_head." + (Integer.parseInt(mask.group(1)) - 1) + ".0." + mask.group(2);
        }
        return name;
    }

    /** A torchvision ResNet classifier's names moved under the detection backbone's; anything else unchanged. */
    static Map<String, NetworkWeights.Tensor> toDetectionNames(Map<String, NetworkWeights.Tensor> tensors,
                                                              List<String> ignored) {
        boolean classifier = tensors.containsKey("conv1.weight") && !tensors.containsKey("backbone.body.conv1.weight");
        if (!classifier) {
            return tensors;
        }
        Map<String, NetworkWeights.Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith("fc.")) {
                ignored.add(name);
            } else {
                out.put(ResNetBackbone.PREFIX + name, t);
            }
        });
        return out;
    }

    /**
     * @param sameLabels whether the source was trained on the same labels; null to decide by the predictor's shapes
     */
    private static Report assign(NetworkWeights store, ModelConfig config, Map<String, NetworkWeights.Tensor> raw,
                                 Boolean sameLabels, String source) throws IOException {
        List<String> ignored = new ArrayList<>();
        Map<String, NetworkWeights.Tensor> tensors = toDetectionNames(torchvisionCurrentNames(raw), ignored);
        boolean predictorsFit = sameLabels != null ? sameLabels : tensors.entrySet().stream()
                .filter(e -> isClassSpecific(e.getKey()) && store.contains(e.getKey()))
                .allMatch(e -> store.get(e.getKey()).getShape().equals(e.getValue().shape()));
        List<String> skipped = new ArrayList<>();
        int loaded = 0;
        for (Map.Entry<String, NetworkWeights.Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".num_batches_tracked")) {
                ignored.add(name);
                continue;
            }
            if (!store.contains(name)) {
                if (config.norm() == ModelConfig.NormKind.GROUP
                        && (name.endsWith(".running_mean") || name.endsWith(".running_var"))) {
                    ignored.add(name); // batch-norm statistics mean nothing to group norm
                    continue;
                }
                throw new IOException(source + ": weight '" + name + "' does not exist in " + config.modelName()
                        + " (is the file for another model_name?)");
            }
            if (isClassSpecific(name) && !predictorsFit) {
                skipped.add(name);
                continue;
            }
            try {
                store.assign(name, e.getValue());
            } catch (IOException shape) {
                throw new IOException(source + ": " + shape.getMessage(), shape);
            }
            loaded++;
        }
        if (loaded == 0) {
            throw new IOException(source + ": no weight of the file matches " + config.modelName()
                    + " (expected torchvision state-dict names such as backbone.body.conv1.weight or conv1.weight)");
        }
        List<String> kept = new ArrayList<>();
        for (String name : allNames(store)) {
            if (!tensors.containsKey(name) && !skipped.contains(name)) {
                kept.add(name);
            }
        }
        return new Report(source, loaded, skipped, kept, ignored);
    }

    private static List<String> allNames(NetworkWeights store) {
        List<String> names = new ArrayList<>(store.parameters().keySet());
        names.addAll(store.buffers().keySet());
        return names;
    }

    static boolean isClassSpecific(String name) {
        return CLASS_SPECIFIC.stream().anyMatch(name::startsWith);
    }
}
