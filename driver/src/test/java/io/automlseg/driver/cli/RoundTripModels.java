package io.automlseg.driver.cli;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.TrainingParameters;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The models of the torchvision round trip, built the same on every machine: MaskRCNN.create's seeded
 * initialisation, then weights set in plain Java arithmetic (no libtorch computation, whose float results may
 * differ between CPUs), so that the exported model.pth has the same SHA-256 everywhere.
 *
 * <p>A random initialisation gives near-tied objectness and class scores, and with them NMS and top-n decisions
 * that rounding can flip. These weights make the decisions of inference robust, while every layer still computes
 * on the image:
 * <ul>
 *   <li>the RPN keeps one anchor per location (the square one; the other two score -30 and shrink to nothing, so
 *       remove_small_boxes drops them) and shrinks it to a box one stride wide: no two proposals of a level
 *       overlap by IoU 0.7, so the RPN's NMS suppresses none, and no two detections of a class overlap by 0.5, so
 *       the box NMS suppresses none either;
 *   <li>rpn_pre_nms_top_n_test is chosen per model where the objectness of the last proposal kept is furthest from
 *       the first one cut; box_detections_per_image cuts the detections, and the test leaves those near the cut out;
 *   <li>objectness, box deltas, class scores and masks come from the image through the whole network, scaled so
 *       that the scores spread.
 * </ul>
 * The images resize to multiples of 32 (160 x 224, 224 x 160, 160 x 160), so that no anchor is centred in the
 * padding, where clipping would leave slivers near remove_small_boxes' limit.
 */
final class RoundTripModels {
    static final List<String> LABELS = List.of("circle", "square", "triangle", "star");
    /** Inference settings of the round-trip models (the images are 120 to 252 pixels a side). */
    static final int MIN_SIZE = 160;
    static final int MAX_SIZE = 320;
    static final double BOX_SCORE_THRESHOLD = 0.05;
    /** Every image has more candidates above the threshold than this: the cap, not the threshold, decides. */
    static final int DETECTIONS_PER_IMAGE = 20;

    /**
     * One model: its variant, norm and seed, and its rpn_pre_nms_top_n_test, chosen (with the margins that
     * scripts/reference/torchvision_roundtrip.py reports) where the objectness of the last proposal kept and of the
     * first one cut are furthest apart on every level and image, so that rounding cannot swap them.
     */
    record Spec(String name, String modelName, ModelConfig.NormKind norm, long seed, int rpnPreNmsTopNTest) {}

    static final List<Spec> SPECS = List.of(
            new Spec("r18_frozen_batch", "maskrcnn_resnet18_fpn", ModelConfig.NormKind.FROZEN_BATCH, 11, 23),
            new Spec("r18_group", "maskrcnn_resnet18_fpn", ModelConfig.NormKind.GROUP, 12, 22),
            new Spec("r50_batch", "maskrcnn_resnet50_fpn", ModelConfig.NormKind.BATCH, 13, 26));

    /**
     * Logits scaled from the initialisation: objectness and classes up, so that scores spread; masks down, so that
     * mask probabilities do not saturate (pasting saturated 0/1 cells bilinearly gives pixels of exactly 0.5, which
     * rounding then puts on either side of the threshold).
     */
    static final double OBJECTNESS_SCALE = 30;
    static final double CLASS_SCALE = 10;
    static final double MASK_SCALE = 0.2;
    /** Added to the background logit, so that scores spread over (0, 1) rather than crowd near 1. */
    static final float BACKGROUND_BIAS = 2f;
    /**
     * A proposal's side in strides: boxes of a level at most touch, also clipped ones at the image's edge, and a box
     * within one of the next level has IoU at most (32/53)^2 = 0.36 with it (P6's stride, the padded size over its
     * width, is less than twice P5's).
     */
    static final double PROPOSAL_SIDE = 1.0;
    /** Side of the anchors in strides (32 px at stride 4, ... 512 at 64). */
    private static final double ANCHOR_SIDE = 8;
    /** The square anchor's index among the aspect ratios (0.5, 1, 2). */
    private static final int SQUARE = 1;

    private RoundTripModels() {}

    static Map<String, Object> hyperparameters(Spec spec) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_name", spec.modelName());
        hp.put("norm", spec.norm().name().toLowerCase(java.util.Locale.ROOT));
        hp.put("random_seed", spec.seed());
        hp.putAll(settings(spec));
        return hp;
    }

    /** The inference settings by hyperparameter name, as import takes them. */
    static Map<String, Object> settings(Spec spec) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min_size", MIN_SIZE);
        s.put("max_size", MAX_SIZE);
        s.put("box_score_threshold", BOX_SCORE_THRESHOLD);
        s.put("nms_iou_threshold", 0.5);
        s.put("box_detections_per_image", DETECTIONS_PER_IMAGE);
        s.put("rpn_pre_nms_top_n_test", spec.rpnPreNmsTopNTest());
        s.put("rpn_post_nms_top_n_test", 1000);
        return s;
    }

    /** Builds the model of {@code spec} and writes it as a saved model folder. */
    static void write(Spec spec, String folder) throws IOException {
        Map<String, Object> hp = hyperparameters(spec);
        ModelConfig config = ModelConfigs.fromHyperparameters(new TrainingParameters(hp), LABELS.size() + 1);
        try (NDManager manager = NDManager.newBaseManager();
                MaskRCNN model = MaskRCNN.create(config, manager, spec.seed())) {
            shape(model.parameters(), config, new Random(spec.seed() * 7919 + 1));
            new SavedModel(spec.modelName(), LABELS, hp, SavedModel.inferenceSettings(config), Map.of("epoch", 0))
                    .write(folder, model);
        }
    }

    private static void shape(NetworkWeights store, ModelConfig config, Random rng) throws IOException {
        boolean bottleneck = config.depth() >= 50;
        for (String name : allNames(store)) {
            if (!name.startsWith("backbone.body.")) {
                continue;
            }
            long[] shape = store.get(name).getShape().getShape();
            if (name.contains("conv") || name.contains("downsample.0")) {
                // torchvision's fan-out initialisation assumes batch statistics; fan-in keeps the scale of the
                // activations in eval mode, where the running statistics below do not match them
                scale(store, name, Math.sqrt((double) shape[0] / shape[1]));
                continue;
            }
            // norm layers: affine and statistics away from identity, so that each tensor matters; the last norm of
            // a residual branch damped, so that activations stay of order one through the depth
            boolean last = name.contains(bottleneck ? ".bn3." : ".bn2.");
            if (name.endsWith(".weight")) {
                set(store, name, uniform(rng, store, name, last ? 0.15 : 0.6, last ? 0.35 : 1.2));
            } else if (name.endsWith(".bias")) {
                set(store, name, uniform(rng, store, name, -0.2, 0.2));
            } else if (name.endsWith(".running_mean")) {
                set(store, name, uniform(rng, store, name, -0.2, 0.2));
            } else if (name.endsWith(".running_var")) {
                set(store, name, uniform(rng, store, name, 0.5, 2.0));
            }
        }
        shapeProposals(store);
        scale(store, "roi_heads.box_predictor.cls_score.weight", CLASS_SCALE);
        centreRows(store, "roi_heads.box_predictor.cls_score.weight");
        float[] classBias = store.get("roi_heads.box_predictor.cls_score.bias").toFloatArray();
        classBias[0] += BACKGROUND_BIAS;
        set(store, "roi_heads.box_predictor.cls_score.bias", classBias);
        scale(store, "roi_heads.mask_predictor.mask_fcn_logits.weight", MASK_SCALE);
    }

    /**
     * One live anchor per location: the square one, its objectness scaled and its box shrunk to about
     * {@link #PROPOSAL_SIDE} strides. The other two score -30 and shrink to nothing (remove_small_boxes drops them).
     */
    private static void shapeProposals(NetworkWeights store) throws IOException {
        String cls = "rpn.head.cls_logits.";
        String box = "rpn.head.bbox_pred.";
        float[] clsWeight = store.get(cls + "weight").toFloatArray();
        float[] clsBias = store.get(cls + "bias").toFloatArray();
        float[] boxWeight = store.get(box + "weight").toFloatArray();
        float[] boxBias = store.get(box + "bias").toFloatArray();
        int channels = clsWeight.length / clsBias.length;
        float shrink = (float) StrictMath.log(PROPOSAL_SIDE / ANCHOR_SIDE);
        for (int a = 0; a < clsBias.length; a++) {
            boolean live = a == SQUARE;
            for (int c = 0; c < channels; c++) {
                clsWeight[a * channels + c] = live ? (float) (clsWeight[a * channels + c] * OBJECTNESS_SCALE) : 0f;
            }
            clsBias[a] = live ? 0f : -30f;
            for (int d = 0; d < 4; d++) {
                int row = 4 * a + d;
                for (int c = 0; c < channels; c++) {
                    // live deltas stay small, so that boxes keep their size and distance
                    boxWeight[row * channels + c] = live ? boxWeight[row * channels + c] * 0.3f : 0f;
                }
                boxBias[row] = d < 2 ? 0f : live ? shrink : -20f;
            }
        }
        set(store, cls + "weight", clsWeight);
        set(store, cls + "bias", clsBias);
        set(store, box + "weight", boxWeight);
        set(store, box + "bias", boxBias);
    }

    /**
     * Rows of zero sum: the box head's features are ReLU outputs with similar means, which would otherwise favour
     * one class in every box.
     */
    private static void centreRows(NetworkWeights store, String name) throws IOException {
        float[] v = store.get(name).toFloatArray();
        int columns = (int) store.get(name).getShape().get(1);
        for (int r = 0; r < v.length / columns; r++) {
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                sum += v[r * columns + c];
            }
            float mean = (float) (sum / columns);
            for (int c = 0; c < columns; c++) {
                v[r * columns + c] -= mean;
            }
        }
        set(store, name, v);
    }

    private static void scale(NetworkWeights store, String name, double factor) throws IOException {
        float[] v = store.get(name).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * factor);
        }
        set(store, name, v);
    }

    private static float[] uniform(Random rng, NetworkWeights store, String name, double low, double high) {
        float[] v = new float[(int) store.get(name).getShape().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (low + (high - low) * rng.nextDouble());
        }
        return v;
    }

    private static void set(NetworkWeights store, String name, float[] values) throws IOException {
        store.assign(name, new NetworkWeights.Tensor(store.get(name).getShape(), values));
    }

    private static List<String> allNames(NetworkWeights store) {
        List<String> names = new java.util.ArrayList<>(store.parameters().keySet());
        names.addAll(store.buffers().keySet());
        return names;
    }
}
