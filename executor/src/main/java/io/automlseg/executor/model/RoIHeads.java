package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * torchvision RoIHeads box branch: proposal sampling against ground truth (0.5 IoU, 512 per image, 25 % positive),
 * TwoMLPHead + FastRCNNPredictor on 7x7 RoIAlign features, the classification / box losses, and inference
 * post-processing (softmax, per-class decode, clip, score threshold, small-box removal, per-class NMS, top-k).
 */
final class RoIHeads {
    static final int BOX_POOL = 7;
    static final int SAMPLING_RATIO = 2;
    private static final int REPRESENTATION = 1024;
    private static final float MIN_DETECTION_SIZE = 1e-2f;

    private final ModelConfig config;
    private final BoxCoder coder = new BoxCoder(10f, 10f, 5f, 5f);
    private final Matcher matcher;
    private final BalancedSampler sampler;

    RoIHeads(ModelConfig config) {
        this.config = config;
        this.matcher = new Matcher(config.boxFgIouThreshold(), config.boxBgIouThreshold(), false);
        this.sampler = new BalancedSampler(config.boxBatchSizePerImage(), config.boxPositiveFraction());
    }

    static void register(NetworkWeights store, int numClasses, Random rng) {
        int in = FeaturePyramidNetwork.OUT_CHANNELS * BOX_POOL * BOX_POOL;
        store.linear(rng, "roi_heads.box_head.fc6", REPRESENTATION, in);
        store.linear(rng, "roi_heads.box_head.fc7", REPRESENTATION, REPRESENTATION);
        store.linear(rng, "roi_heads.box_predictor.cls_score", numClasses, REPRESENTATION);
        store.linear(rng, "roi_heads.box_predictor.bbox_pred", numClasses * 4, REPRESENTATION);
    }

    /** Class logits {@code (R, K)} and box deltas {@code (R, 4K)} for pooled features {@code (R, 256, 7, 7)}. */
    static NDArray[] forward(NetworkWeights store, NDArray pooled) {
        NDArray x = pooled.reshape(pooled.getShape().get(0), -1);
        x = Ops.reluOfTemporary(Ops.linear(store, "roi_heads.box_head.fc6", x));
        x = Ops.reluOfTemporary(Ops.linear(store, "roi_heads.box_head.fc7", x));
        return new NDArray[] {Ops.linear(store, "roi_heads.box_predictor.cls_score", x),
                Ops.linear(store, "roi_heads.box_predictor.bbox_pred", x)};
    }

    /** Sampled RoIs of the whole batch. */
    record Samples(float[] boxes, int[] image, int[] labels, int[] matchedGt, float[] regressionTargets, int count) {}

    Samples sample(float[][] proposals, ImageTransform.ResizedTarget[] targets, Random rng) {
        List<float[]> boxes = new ArrayList<>();
        List<int[]> meta = new ArrayList<>(); // image, label, matched gt
        List<float[]> regression = new ArrayList<>();
        for (int img = 0; img < targets.length; img++) {
            ImageTransform.ResizedTarget target = targets[img];
            int g = target.boxes().length;
            float[] gt = BoxOps.flatten(target.boxes());
            int np = proposals[img].length / 4;
            int n = np + g;
            float[] candidates = new float[4 * n];
            System.arraycopy(proposals[img], 0, candidates, 0, 4 * np);
            System.arraycopy(gt, 0, candidates, 4 * np, 4 * g);
            int[] labels = new int[n];
            int[] matched = new int[n];
            if (g > 0) {
                int[] matches = matcher.match(BoxOps.iou(gt, g, candidates, n), g, n);
                for (int i = 0; i < n; i++) {
                    matched[i] = Math.max(matches[i], 0);
                    labels[i] = matches[i] >= 0 ? target.labels()[matches[i]]
                            : matches[i] == Matcher.BETWEEN_THRESHOLDS ? -1 : 0;
                }
            }
            BalancedSampler.Sample sample = sampler.sample(labels, rng);
            // torchvision keeps the sampled RoIs in their original order
            int[] chosen = new int[sample.positives().length + sample.negatives().length];
            System.arraycopy(sample.positives(), 0, chosen, 0, sample.positives().length);
            System.arraycopy(sample.negatives(), 0, chosen, sample.positives().length, sample.negatives().length);
            java.util.Arrays.sort(chosen);
            float[] targetsEncoded = g > 0
                    ? coder.encode(gt, RegionProposalNetwork.pick(matched, chosen), candidates, chosen)
                    : new float[4 * chosen.length];
            for (int i = 0; i < chosen.length; i++) {
                int c = chosen[i];
                boxes.add(java.util.Arrays.copyOfRange(candidates, 4 * c, 4 * c + 4));
                meta.add(new int[] {img, labels[c], matched[c]});
                regression.add(java.util.Arrays.copyOfRange(targetsEncoded, 4 * i, 4 * i + 4));
            }
        }
        int count = boxes.size();
        float[] flatBoxes = new float[4 * count];
        float[] flatTargets = new float[4 * count];
        int[] image = new int[count];
        int[] labels = new int[count];
        int[] matched = new int[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(boxes.get(i), 0, flatBoxes, 4 * i, 4);
            System.arraycopy(regression.get(i), 0, flatTargets, 4 * i, 4);
            image[i] = meta.get(i)[0];
            labels[i] = meta.get(i)[1];
            matched[i] = meta.get(i)[2];
        }
        return new Samples(flatBoxes, image, labels, matched, flatTargets, count);
    }

    /** loss_classifier and loss_box_reg for the sampled RoIs. */
    NDArray[] losses(NDArray classLogits, NDArray boxDeltas, Samples samples, NDManager manager) {
        int k = config.numClasses();
        NDArray classifier = Losses.crossEntropyMean(classLogits, samples.labels(), manager);
        List<Integer> rows = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        for (int i = 0; i < samples.count(); i++) {
            if (samples.labels()[i] > 0) {
                rows.add(i * k + samples.labels()[i]);
                targets.add(java.util.Arrays.copyOfRange(samples.regressionTargets(), 4 * i, 4 * i + 4));
            }
        }
        NDArray boxLoss;
        if (rows.isEmpty()) {
            boxLoss = Ops.scale(boxDeltas.sum(), 0f);
        } else {
            float[] t = new float[4 * rows.size()];
            for (int i = 0; i < targets.size(); i++) {
                System.arraycopy(targets.get(i), 0, t, 4 * i, 4);
            }
            NDArray predicted = boxDeltas.reshape(-1, 4).get(Ops.upload(manager, RegionProposalNetwork.toLongs(rows)));
            NDArray target = Ops.upload(manager, t, new Shape(rows.size(), 4));
            boxLoss = Ops.scale(Losses.smoothL1Sum(predicted, target, Losses.BOX_BETA), 1f / samples.count());
        }
        return new NDArray[] {classifier, boxLoss};
    }

    /** Final detections of one image in resized-image coordinates, best first. */
    record ImageDetections(float[] boxes, int[] labels, float[] scores) {
        int size() {
            return labels.length;
        }
    }

    /**
     * Post-processes head outputs (host copies) of {@code n} proposals of one image.
     *
     * @param logits {@code n*K} from offset {@code first*K}
     * @param deltas {@code n*4K} from offset {@code first*4K}
     */
    ImageDetections postprocess(float[] logits, float[] deltas, int first, float[] proposals, int n, int height, int width) {
        int k = config.numClasses();
        int candidates = n * (k - 1);
        float[] boxes = new float[4 * candidates];
        float[] scores = new float[candidates];
        int[] labels = new int[candidates];
        float[] probabilities = new float[k];
        float[] one = new float[4];
        int c = 0;
        for (int i = 0; i < n; i++) {
            int row = (first + i) * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[row + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                probabilities[j] = (float) Math.exp(logits[row + j] - max);
                sum += probabilities[j];
            }
            for (int j = 1; j < k; j++) {
                float score = (float) (probabilities[j] / sum);
                if (!(score > config.boxScoreThreshold())) {
                    continue;
                }
                coder.decode(deltas, (first + i) * k + j, proposals, i, one, 0);
                BoxOps.clip(one, 1, height, width);
                if (!BoxOps.isLargeEnough(one, 0, MIN_DETECTION_SIZE)) {
                    continue;
                }
                System.arraycopy(one, 0, boxes, 4 * c, 4);
                scores[c] = score;
                labels[c] = j;
                c++;
            }
        }
        int[] keep = Nms.batched(boxes, scores, labels, c, config.boxNmsThreshold());
        int m = Math.min(keep.length, config.detectionsPerImage());
        float[] outBoxes = new float[4 * m];
        float[] outScores = new float[m];
        int[] outLabels = new int[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(boxes, 4 * keep[i], outBoxes, 4 * i, 4);
            outScores[i] = scores[keep[i]];
            outLabels[i] = labels[keep[i]];
        }
        return new ImageDetections(outBoxes, outLabels, outScores);
    }
}
