package io.automlseg.executor.model;

import java.util.Random;

/**
 * BalancedPositiveNegativeSampler: picks at most {@code batchSize * positiveFraction} positives and fills the rest of
 * the batch with negatives, both as uniform random subsets.
 */
final class BalancedSampler {
    private final int batchSizePerImage;
    private final float positiveFraction;

    BalancedSampler(int batchSizePerImage, float positiveFraction) {
        this.batchSizePerImage = batchSizePerImage;
        this.positiveFraction = positiveFraction;
    }

    /** Sampled indices of one image. */
    record Sample(int[] positives, int[] negatives) {}

    /** @param labels per candidate: 1 (or any value >= 1) positive, 0 negative, -1 ignored */
    Sample sample(int[] labels, Random rng) {
        int numPos = 0;
        int numNeg = 0;
        for (int label : labels) {
            if (label >= 1) {
                numPos++;
            } else if (label == 0) {
                numNeg++;
            }
        }
        int[] pos = new int[numPos];
        int[] neg = new int[numNeg];
        int ip = 0;
        int in = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 1) {
                pos[ip++] = i;
            } else if (labels[i] == 0) {
                neg[in++] = i;
            }
        }
        int takePos = Math.min(numPos, (int) (batchSizePerImage * positiveFraction));
        int takeNeg = Math.min(numNeg, batchSizePerImage - takePos);
        return new Sample(randomSubset(pos, takePos, rng), randomSubset(neg, takeNeg, rng));
    }

    /** Partial Fisher-Yates shuffle: the first {@code k} elements of a random permutation. */
    private static int[] randomSubset(int[] items, int k, Random rng) {
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(items.length - i);
            int t = items[i];
            items[i] = items[j];
            items[j] = t;
        }
        return java.util.Arrays.copyOf(items, k);
    }
}
