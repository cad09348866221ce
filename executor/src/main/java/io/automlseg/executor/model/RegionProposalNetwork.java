package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * torchvision RegionProposalNetwork: shared 3x3 conv head over every FPN level, objectness and box deltas per anchor,
 * proposal selection (per-level top-k, decode, clip, small-box and score filter, per-level NMS, top-n per image),
 * and the training losses (anchor matching 0.7/0.3 with low-quality matches, 256 anchors per image, half positive).
 */
final class RegionProposalNetwork {
    private static final String PREFIX = "rpn.head.";
    private static final float MIN_PROPOSAL_SIZE = 1e-3f;

    private final ModelConfig config;
    private final BoxCoder coder = new BoxCoder(1f, 1f, 1f, 1f);
    private final Matcher matcher;
    private final BalancedSampler sampler;

    RegionProposalNetwork(ModelConfig config) {
        this.config = config;
        this.matcher = new Matcher(config.rpnFgIouThreshold(), config.rpnBgIouThreshold(), true);
        this.sampler = new BalancedSampler(config.rpnBatchSizePerImage(), config.rpnPositiveFraction());
    }

    static void register(NetworkWeights store, Random rng) {
        int c = FeaturePyramidNetwork.OUT_CHANNELS;
        int a = AnchorGenerator.anchorsPerLocation();
        addNormalConv(store, rng, PREFIX + "conv.0.0", c, c, 3);
        addNormalConv(store, rng, PREFIX + "cls_logits", a, c, 1);
        addNormalConv(store, rng, PREFIX + "bbox_pred", 4 * a, c, 1);
    }

    private static void addNormalConv(NetworkWeights store, Random rng, String name, int out, int in, int k) {
        store.addParameter(name + ".weight", NetworkWeights.normal(rng, out * in * k * k, 0.01), new Shape(out, in, k, k));
        store.addParameter(name + ".bias", new float[out], new Shape(out));
    }

    /** Head outputs over all levels: objectness {@code (N, T)} and deltas {@code (N, T, 4)} in anchor order. */
    record HeadOutput(NDArray objectness, NDArray deltas, int[] anchorsPerLevel) {}

    HeadOutput head(NetworkWeights store, NDArray[] features) {
        NDList logits = new NDList();
        NDList deltas = new NDList();
        int[] perLevel = new int[features.length];
        for (int l = 0; l < features.length; l++) {
            NDArray t = Ops.reluOfTemporary(Ops.conv(store, PREFIX + "conv.0.0", features[l], 1, 1));
            NDArray cls = Ops.conv(store, PREFIX + "cls_logits", t, 1, 0);
            NDArray box = Ops.conv(store, PREFIX + "bbox_pred", t, 1, 0);
            Shape s = cls.getShape();
            long n = s.get(0), a = s.get(1), h = s.get(2), w = s.get(3);
            perLevel[l] = (int) (h * w * a);
            logits.add(cls.transpose(0, 2, 3, 1).reshape(n, -1));
            deltas.add(box.reshape(n, a, 4, h, w).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
        }
        return new HeadOutput(NDArrays.concat(logits, 1), NDArrays.concat(deltas, 1), perLevel);
    }

    /**
     * Proposals of every image (flat boxes in resized-image coordinates, best first), from detached head outputs.
     *
     * @param objectness host copy {@code N*T}
     * @param deltas host copy {@code N*T*4}
     */
    float[][] proposals(float[] objectness, float[] deltas, float[] anchors, int[] anchorsPerLevel,
                        int[] heights, int[] widths, boolean training) {
        int total = anchors.length / 4;
        int images = heights.length;
        int preNms = config.rpnPreNmsTopN(training);
        int postNms = config.rpnPostNmsTopN(training);
        float[][] result = new float[images][];
        for (int img = 0; img < images; img++) {
            int candidates = 0;
            for (int count : anchorsPerLevel) {
                candidates += Math.min(preNms, count);
            }
            float[] boxes = new float[4 * candidates];
            float[] scores = new float[candidates];
            int[] levelOf = new int[candidates];
            int n = 0;
            int levelStart = 0;
            for (int l = 0; l < anchorsPerLevel.length; l++) {
                int count = anchorsPerLevel[l];
                int k = Math.min(preNms, count);
                int[] top = topK(objectness, img * total + levelStart, count, k);
                for (int t = 0; t < k; t++) {
                    int anchor = levelStart + top[t];
                    int flat = img * total + anchor;
                    coder.decode(deltas, flat, anchors, anchor, boxes, n);
                    scores[n] = sigmoid(objectness[flat]);
                    levelOf[n] = l;
                    n++;
                }
                levelStart += count;
            }
            BoxOps.clip(boxes, n, heights[img], widths[img]);
            // drop tiny boxes and low scores, compacting in place
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (BoxOps.isLargeEnough(boxes, i, MIN_PROPOSAL_SIZE) && scores[i] >= config.rpnScoreThreshold()) {
                    System.arraycopy(boxes, 4 * i, boxes, 4 * kept, 4);
                    scores[kept] = scores[i];
                    levelOf[kept] = levelOf[i];
                    kept++;
                }
            }
            int[] keep = Nms.batched(boxes, scores, levelOf, kept, config.rpnNmsThreshold());
            int m = Math.min(keep.length, postNms);
            float[] out = new float[4 * m];
            for (int i = 0; i < m; i++) {
                System.arraycopy(boxes, 4 * keep[i], out, 4 * i, 4);
            }
            result[img] = out;
        }
        return result;
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** Indices (relative to {@code start}) of the k largest values of {@code values[start..start+count)}, largest first. */
    static int[] topK(float[] values, int start, int count, int k) {
        return java.util.Arrays.copyOf(Nms.byDescendingScore(values, start, count), k);
    }

    /** The objectness and RPN box losses for resized ground truth. */
    NDArray[] losses(HeadOutput head, float[] anchors, ImageTransform.ResizedTarget[] targets, Random rng, NDManager manager) {
        int total = anchors.length / 4;
        int images = targets.length;
        java.util.List<Integer> positives = new java.util.ArrayList<>();
        java.util.List<Integer> sampled = new java.util.ArrayList<>();
        java.util.List<Float> sampledLabels = new java.util.ArrayList<>();
        java.util.List<float[]> positiveTargets = new java.util.ArrayList<>();
        for (int img = 0; img < images; img++) {
            ImageTransform.ResizedTarget target = targets[img];
            int g = target.boxes().length;
            float[] gt = BoxOps.flatten(target.boxes());
            int[] labels = new int[total];
            int[] matched = new int[total];
            if (g > 0) {
                int[] matches = matcher.match(BoxOps.iou(gt, g, anchors, total), g, total);
                for (int a = 0; a < total; a++) {
                    labels[a] = matches[a] >= 0 ? 1 : matches[a] == Matcher.BETWEEN_THRESHOLDS ? -1 : 0;
                    matched[a] = Math.max(matches[a], 0);
                }
            }
            BalancedSampler.Sample sample = sampler.sample(labels, rng);
            float[] regression = coder.encode(gt, pick(matched, sample.positives()), anchors, sample.positives());
            for (int i = 0; i < sample.positives().length; i++) {
                int flat = img * total + sample.positives()[i];
                positives.add(flat);
                sampled.add(flat);
                sampledLabels.add(1f);
                positiveTargets.add(java.util.Arrays.copyOfRange(regression, 4 * i, 4 * i + 4));
            }
            for (int a : sample.negatives()) {
                sampled.add(img * total + a);
                sampledLabels.add(0f);
            }
        }
        NDArray logits = head.objectness().reshape(-1).get(Ops.upload(manager, toLongs(sampled)));
        NDArray objectnessLoss = Losses.bceWithLogitsMean(logits, Ops.upload(manager, toFloats(sampledLabels)));
        NDArray boxLoss;
        if (positives.isEmpty()) {
            boxLoss = Ops.scale(head.deltas().sum(), 0f);
        } else {
            float[] t = new float[positives.size() * 4];
            for (int i = 0; i < positiveTargets.size(); i++) {
                System.arraycopy(positiveTargets.get(i), 0, t, 4 * i, 4);
            }
            NDArray predicted = head.deltas().reshape(-1, 4).get(Ops.upload(manager, toLongs(positives)));
            NDArray target = Ops.upload(manager, t, new Shape(positives.size(), 4));
            boxLoss = Ops.scale(Losses.smoothL1Sum(predicted, target, Losses.BOX_BETA), 1f / sampled.size());
        }
        return new NDArray[] {objectnessLoss, boxLoss};
    }

    static int[] pick(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    static long[] toLongs(java.util.List<Integer> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static float[] toFloats(java.util.List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
