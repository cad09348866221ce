package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mask R-CNN with a ResNet-FPN backbone and torchvision semantics (names, defaults, algorithms), written
 * functionally over a named {@link NetworkWeights}. {@link #losses} is the training forward (call it inside a
 * GradientCollector); {@link #detect} is inference with results in Java arrays.
 *
 * <p>One SGD step (one collector per JVM; run forward and backward on the same thread):
 * <pre>{@code
 * try (NDManager step = manager.newSubManager()) {          // keep open until backward is done
 *     try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *         Map<String, NDArray> losses = model.losses(step, images, targets, rng);
 *         NDArray total = losses.values().stream().reduce(NDArray::add).orElseThrow();
 *         gc.backward(total);
 *     }
 *     optimizer.step(model.parameters().trainableParameters(), lr); // in place, from each parameter's gradient
 *     model.parameters().releaseGradients();                        // the next forward pass runs without them
 * }
 * }</pre>
 * Gradients accumulate across backward calls until {@link NetworkWeights#releaseGradients} drops them.
 */
public final class MaskRCNN implements AutoCloseable {
    public static final List<String> LOSS_NAMES = List.of(
            "loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg", "loss_mask");

    private final ModelConfig config;
    private final NDManager manager;
    private final NetworkWeights store;
    private final RegionProposalNetwork rpn;
    private final RoIHeads roiHeads;
    private boolean training = true;

    private MaskRCNN(ModelConfig config, NDManager manager, NetworkWeights store) {
        this.config = config;
        this.manager = manager;
        this.store = store;
        this.rpn = new RegionProposalNetwork(config);
        this.roiHeads = new RoIHeads(config);
    }

    /** A randomly initialised model (torchvision's initialisers, seeded); weights live in a sub-manager of {@code manager}. */
    public static MaskRCNN create(ModelConfig config, NDManager manager, long seed) {
        NDManager own = manager.newSubManager();
        NetworkWeights store = new NetworkWeights(own);
        Random rng = new Random(seed);
        ResNetBackbone.register(store, config, rng);
        FeaturePyramidNetwork.register(store, ResNetBackbone.outChannels(config.depth()), rng);
        RegionProposalNetwork.register(store, rng);
        RoIHeads.register(store, config.numClasses(), rng);
        MaskHead.register(store, config.numClasses(), rng);
        ResNetBackbone.applyTrainableLayers(store, config.trainableBackboneLayers());
        return new MaskRCNN(config, own, store);
    }

    public ModelConfig config() {
        return config;
    }

    public NetworkWeights parameters() {
        return store;
    }

    public long parameterCount() {
        return store.parameterCount();
    }

    /** Training mode normalises with batch statistics (and updates running ones) in {@link #losses}; eval uses running ones. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    /** Backbone + FPN outputs P2..P6 for a prepared batch. */
    private NDArray[] features(NDManager scope, ImageTransform.Batch batch, boolean batchStatistics) {
        NDArray x = Ops.upload(scope, batch.pixels(), new Shape(batch.count(), 3, batch.paddedHeight(), batch.paddedWidth()));
        NDArray[] c = ResNetBackbone.forward(store, config, x, batchStatistics);
        if (JniUtils.isGradMode()) {
            return FeaturePyramidNetwork.forward(store, c);
        }
        // No graph to keep: the pyramid's intermediates, the backbone's outputs and the pixels go once it exists.
        NDArray[] p;
        try (NDScope pyramid = new NDScope()) {
            p = FeaturePyramidNetwork.forward(store, c);
            NDScope.unregister(p);
        }
        for (NDArray stage : c) {
            stage.close();
        }
        x.close();
        return p;
    }

    private static int[][] featureSizes(NDArray[] features) {
        int[][] sizes = new int[features.length][];
        for (int l = 0; l < features.length; l++) {
            sizes[l] = new int[] {(int) features[l].getShape().get(2), (int) features[l].getShape().get(3)};
        }
        return sizes;
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    /**
     * Training forward: the five torchvision losses as graph-attached scalars (attached to {@code scope}).
     * Intermediates are released before returning; the autograd graph keeps what backward needs.
     */
    public Map<String, NDArray> losses(NDManager scope, List<InputImage> images, List<TrainingTarget> targets, Random rng) {
        StageTimes.start();
        PreparedBatch prepared = PreparedBatch.of(images, targets, config);
        StageTimes.mark("transform (java)");
        return lossesOf(scope, prepared, rng);
    }

    /** The training forward of a batch already transformed (on a data-loading thread, say). */
    public Map<String, NDArray> losses(NDManager scope, PreparedBatch prepared, Random rng) {
        StageTimes.start();
        return lossesOf(scope, prepared, rng);
    }

    private Map<String, NDArray> lossesOf(NDManager scope, PreparedBatch prepared, Random rng) {
        ImageTransform.Batch batch = prepared.images;
        ImageTransform.ResizedTarget[] resized = prepared.targets;
        Map<String, NDArray> result = new LinkedHashMap<>();
        try (NDScope ignored = new NDScope()) {
            NDArray[] p = features(scope, batch, training);
            StageTimes.mark("upload + backbone + FPN");
            RegionProposalNetwork.HeadOutput head = rpn.head(store, p);
            StageTimes.mark("RPN head");
            float[] anchors = AnchorGenerator.anchors(batch.paddedHeight(), batch.paddedWidth(), featureSizes(p));
            StageTimes.mark("anchors");
            float[][] proposals = rpn.proposals(head.objectness().toFloatArray(), head.deltas().toFloatArray(), anchors,
                    head.anchorsPerLevel(), batch.heights(), batch.widths(), true);
            StageTimes.mark("proposals (copy, top-k, decode, NMS)");
            if (StageTimes.enabled()) {
                for (float[] perImage : proposals) {
                    StageTimes.count("proposals", perImage.length / 4);
                }
            }
            NDArray[] losses = lossesOf(scope, p, head, anchors, proposals, batch, resized, rng);
            for (int i = 0; i < losses.length; i++) {
                result.put(LOSS_NAMES.get(i), losses[i]);
            }
            for (NDArray loss : result.values()) {
                NDScope.unregister(loss);
                loss.attach(scope);
            }
        }
        StageTimes.mark("scope release");
        return result;
    }

    /** The five losses, in {@link #LOSS_NAMES} order, from the RPN's output and the proposals of a batch. */
    private NDArray[] lossesOf(NDManager scope, NDArray[] p, RegionProposalNetwork.HeadOutput head, float[] anchors,
                               float[][] proposals, ImageTransform.Batch batch, ImageTransform.ResizedTarget[] resized,
                               Random rng) {
        NDArray[] rpnLosses = rpn.losses(head, anchors, resized, rng, scope);
        StageTimes.mark("RPN match/sample + losses");
        RoIHeads.Samples samples = roiHeads.sample(proposals, resized, rng);
        StageTimes.mark("RoI match/sample");
        if (StageTimes.enabled()) {
            StageTimes.count("sampled RoIs", samples.count());
            StageTimes.count("positive RoIs (mask head)", Arrays.stream(samples.labels()).filter(l -> l > 0).count());
        }
        MultiScaleRoIAlign pooler = new MultiScaleRoIAlign(Arrays.copyOf(p, 4), max(batch.heights()));
        NDArray pooled = pooler.pool(samples.boxes(), samples.image(), samples.count(), RoIHeads.BOX_POOL,
                RoIHeads.SAMPLING_RATIO, scope, true);
        StageTimes.mark("box RoIAlign");
        NDArray[] box = RoIHeads.forward(store, pooled);
        StageTimes.mark("box head");
        NDArray[] boxLosses = roiHeads.losses(box[0], box[1], samples, scope);
        StageTimes.mark("box losses");
        NDArray maskLoss = maskLoss(scope, pooler, samples, resized);
        return new NDArray[] {rpnLosses[0], rpnLosses[1], boxLosses[0], boxLosses[1], maskLoss};
    }

    private NDArray maskLoss(NDManager scope, MultiScaleRoIAlign pooler, RoIHeads.Samples samples,
                             ImageTransform.ResizedTarget[] targets) {
        int positives = 0;
        for (int label : samples.labels()) {
            if (label > 0) {
                positives++;
            }
        }
        if (positives == 0) {
            return scope.zeros(new Shape());
        }
        float[] boxes = new float[4 * positives];
        int[] image = new int[positives];
        long[] classes = new long[positives];
        int cells = MaskTargets.SIZE * MaskTargets.SIZE;
        float[] maskTargets = new float[positives * cells];
        int p = 0;
        for (int i = 0; i < samples.count(); i++) {
            int label = samples.labels()[i];
            if (label <= 0) {
                continue;
            }
            float[] box = Arrays.copyOfRange(samples.boxes(), 4 * i, 4 * i + 4);
            System.arraycopy(box, 0, boxes, 4 * p, 4);
            image[p] = samples.image()[i];
            classes[p] = label;
            ImageTransform.ResizedTarget t = targets[image[p]];
            float[] target = MaskTargets.target(t.masks()[samples.matchedGt()[i]], t.height(), t.width(), box);
            System.arraycopy(target, 0, maskTargets, p * cells, cells);
            p++;
        }
        StageTimes.mark("mask targets");
        NDArray pooled = pooler.pool(boxes, image, positives, MaskHead.MASK_POOL, RoIHeads.SAMPLING_RATIO, scope, true);
        StageTimes.mark("mask RoIAlign");
        NDArray logits = MaskHead.forward(store, pooled, Ops.upload(scope, classes));
        StageTimes.mark("mask head");
        NDArray loss = Losses.bceWithLogitsMean(logits, Ops.upload(scope, maskTargets, new Shape(positives, cells)));
        StageTimes.mark("mask loss");
        return loss;
    }

    /** Inference on images at their original sizes: detections in original pixel coordinates, best first. */
    public List<Detections> detect(NDManager scope, List<InputImage> images) {
        return evaluate(scope, images, null, null).detections();
    }

    /** Detections and, when ground truth was given, the batch's five losses (by name) against it. */
    public record Evaluation(List<Detections> detections, Map<String, Double> losses) {}

    /**
     * Inference as {@link #detect}, and with {@code targets} also the five training losses of the batch against them,
     * from the same backbone, FPN and RPN head outputs (evaluation-mode normalisation, inference proposals, RoIs
     * sampled with {@code rng}); no gradient is recorded.
     */
    public Evaluation evaluate(NDManager scope, List<InputImage> images, List<TrainingTarget> targets, Random rng) {
        boolean gradMode = JniUtils.isGradMode();
        if (gradMode) {
            JniUtils.setGradMode(false); // grad mode is thread-local; never record a graph for inference
        }
        try (NDManager local = scope.newSubManager(); NDScope ignored = new NDScope()) {
            return evaluateWithoutGradient(local, images, targets == null ? null : PreparedBatch.of(images, targets,
                    config), rng);
        } finally {
            if (gradMode) {
                JniUtils.setGradMode(true);
            }
        }
    }

    private Evaluation evaluateWithoutGradient(NDManager scope, List<InputImage> images, PreparedBatch prepared,
                                               Random rng) {
        ImageTransform.Batch batch = prepared != null ? prepared.images : ImageTransform.batch(images, config);
        NDArray[] p = features(scope, batch, false);
        RegionProposalNetwork.HeadOutput head = rpn.head(store, p);
        float[] anchors = AnchorGenerator.anchors(batch.paddedHeight(), batch.paddedWidth(), featureSizes(p));
        float[][] proposals = rpn.proposals(head.objectness().toFloatArray(), head.deltas().toFloatArray(), anchors,
                head.anchorsPerLevel(), batch.heights(), batch.widths(), false);
        Map<String, Double> losses = null;
        if (prepared != null) {
            NDArray[] l = lossesOf(scope, p, head, anchors, proposals, batch, prepared.targets, rng);
            float[] host = NDArrays.stack(new NDList(l)).toFloatArray(); // one device-to-host copy
            losses = new LinkedHashMap<>();
            for (int i = 0; i < l.length; i++) {
                losses.put(LOSS_NAMES.get(i), (double) host[i]);
            }
        }
        int total = 0;
        for (float[] prop : proposals) {
            total += prop.length / 4;
        }
        float[] allBoxes = new float[4 * total];
        int[] imageOf = new int[total];
        int[] first = new int[images.size()];
        int o = 0;
        for (int img = 0; img < images.size(); img++) {
            first[img] = o;
            System.arraycopy(proposals[img], 0, allBoxes, 4 * o, proposals[img].length);
            Arrays.fill(imageOf, o, o + proposals[img].length / 4, img);
            o += proposals[img].length / 4;
        }
        MultiScaleRoIAlign pooler = new MultiScaleRoIAlign(Arrays.copyOf(p, 4), max(batch.heights()));
        RoIHeads.ImageDetections[] perImage = new RoIHeads.ImageDetections[images.size()];
        if (total > 0) {
            NDArray pooled = pooler.pool(allBoxes, imageOf, total, RoIHeads.BOX_POOL, RoIHeads.SAMPLING_RATIO, scope, false);
            NDArray[] box = RoIHeads.forward(store, pooled);
            float[] logits = box[0].toFloatArray();
            float[] deltas = box[1].toFloatArray();
            for (int img = 0; img < images.size(); img++) {
                perImage[img] = roiHeads.postprocess(logits, deltas, first[img], proposals[img], proposals[img].length / 4,
                        batch.heights()[img], batch.widths()[img]);
            }
        } else {
            for (int img = 0; img < images.size(); img++) {
                perImage[img] = new RoIHeads.ImageDetections(new float[0], new int[0], new float[0]);
            }
        }
        float[][] masks = detectionMasks(scope, pooler, perImage);
        List<Detections> result = new ArrayList<>();
        int m = 0;
        for (int img = 0; img < images.size(); img++) {
            RoIHeads.ImageDetections d = perImage[img];
            float[][] boxes = new float[d.size()][];
            float[][] imageMasks = new float[d.size()][];
            for (int i = 0; i < d.size(); i++) {
                boxes[i] = Arrays.copyOfRange(d.boxes(), 4 * i, 4 * i + 4);
                imageMasks[i] = masks[m++];
            }
            ImageTransform.scaleBoxesBack(boxes, batch.heights()[img], batch.widths()[img],
                    batch.originalHeights()[img], batch.originalWidths()[img]);
            result.add(new Detections(boxes, d.labels(), d.scores(), imageMasks,
                    batch.originalHeights()[img], batch.originalWidths()[img]));
        }
        return new Evaluation(result, losses);
    }

    /** 28x28 probabilities of the predicted class for every detection of the batch, in batch order. */
    private float[][] detectionMasks(NDManager scope, MultiScaleRoIAlign pooler, RoIHeads.ImageDetections[] perImage) {
        int total = 0;
        for (RoIHeads.ImageDetections d : perImage) {
            total += d.size();
        }
        float[][] masks = new float[total][];
        if (total == 0) {
            return masks;
        }
        float[] boxes = new float[4 * total];
        int[] imageOf = new int[total];
        long[] classes = new long[total];
        int o = 0;
        for (int img = 0; img < perImage.length; img++) {
            RoIHeads.ImageDetections d = perImage[img];
            System.arraycopy(d.boxes(), 0, boxes, 4 * o, 4 * d.size());
            for (int i = 0; i < d.size(); i++) {
                imageOf[o] = img;
                classes[o] = d.labels()[i];
                o++;
            }
        }
        int cells = MaskTargets.SIZE * MaskTargets.SIZE;
        NDArray pooled = pooler.pool(boxes, imageOf, total, MaskHead.MASK_POOL, RoIHeads.SAMPLING_RATIO, scope, false);
        NDArray logits = MaskHead.forward(store, pooled, Ops.upload(scope, classes));
        float[] probabilities = logits.getNDArrayInternal().sigmoid().toFloatArray();
        for (int i = 0; i < total; i++) {
            masks[i] = Arrays.copyOfRange(probabilities, i * cells, (i + 1) * cells);
        }
        return masks;
    }

    /** Writes all parameters and buffers by name. */
    public void save(OutputStream out) throws IOException {
        store.save(out);
    }

    /** Reads weights written by {@link #save} of a model with the same configuration. */
    public void load(InputStream in) throws IOException {
        store.load(in);
    }

    @Override
    public void close() {
        store.close();
        manager.close();
    }
}
