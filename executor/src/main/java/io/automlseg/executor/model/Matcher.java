package io.automlseg.executor.model;

/**
 * torchvision Matcher: assigns each prediction (column of the IoU matrix) the ground truth with the highest IoU,
 * or {@link #BELOW_LOW_THRESHOLD} / {@link #BETWEEN_THRESHOLDS}; optionally restores low-quality best matches.
 */
final class Matcher {
    static final int BELOW_LOW_THRESHOLD = -1;
    static final int BETWEEN_THRESHOLDS = -2;

    private final float highThreshold;
    private final float lowThreshold;
    private final boolean allowLowQualityMatches;

    Matcher(float highThreshold, float lowThreshold, boolean allowLowQualityMatches) {
        if (lowThreshold > highThreshold) {
            throw new IllegalArgumentException("low threshold above high threshold");
        }
        this.highThreshold = highThreshold;
        this.lowThreshold = lowThreshold;
        this.allowLowQualityMatches = allowLowQualityMatches;
    }

    /** @param iou row-major {@code numGt x numPred}; @return per prediction the GT index or a negative code */
    int[] match(float[] iou, int numGt, int numPred) {
        int[] matches = new int[numPred];
        if (numGt == 0) {
            java.util.Arrays.fill(matches, BELOW_LOW_THRESHOLD);
            return matches;
        }
        float[] best = new float[numPred];
        for (int p = 0; p < numPred; p++) {
            // torch.max over dim 0 returns the first index of the maximum
            float m = iou[p];
            int arg = 0;
            for (int g = 1; g < numGt; g++) {
                float v = iou[g * numPred + p];
                if (v > m) {
                    m = v;
                    arg = g;
                }
            }
            best[p] = m;
            matches[p] = arg;
        }
        int[] allMatches = allowLowQualityMatches ? matches.clone() : null;
        for (int p = 0; p < numPred; p++) {
            if (best[p] < lowThreshold) {
                matches[p] = BELOW_LOW_THRESHOLD;
            } else if (best[p] < highThreshold) {
                matches[p] = BETWEEN_THRESHOLDS;
            }
        }
        if (allowLowQualityMatches) {
            for (int g = 0; g < numGt; g++) {
                float gtBest = Float.NEGATIVE_INFINITY;
                int row = g * numPred;
                for (int p = 0; p < numPred; p++) {
                    gtBest = Math.max(gtBest, iou[row + p]);
                }
                for (int p = 0; p < numPred; p++) {
                    if (iou[row + p] == gtBest) {
                        matches[p] = allMatches[p];
                    }
                }
            }
        }
        return matches;
    }
}
