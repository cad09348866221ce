package io.automlseg.executor.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Speed of the RPN's proposal selection alone (top-k per level, decoding, clipping, batched NMS, all in Java), as a
 * training step of {@code speed.sh} runs it: r18 with torchvision's budgets (2000 / 2000 proposals before / after NMS),
 * batch 2, square images of {@code --size} px (128). Objectness logits and box deltas are drawn from a seeded
 * Gaussian (scale 1 and 0.1, an RPN early in training), so proposals lie near their anchors and overlap as they do
 * then. Prints {@code PROPOSALS <size> px: median <ms> ms per batch (thread CPU <ms> ms) ...}: on a loaded machine the
 * training thread's CPU time varies less than the wall time; compare two builds by
 * running it on each class path in turn. It lives in the model package because the RPN is package-private.
 */
final class ProposalSpeedBenchmark {
    private ProposalSpeedBenchmark() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = 2;
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(5).minSize(size)
                .maxSize(size).build();
        RegionProposalNetwork rpn = new RegionProposalNetwork(config);
        int[][] featureSizes = new int[5][];
        int[] anchorsPerLevel = new int[5];
        for (int l = 0; l < 5; l++) {
            int side = size >> (l + 2);
            featureSizes[l] = new int[] {side, side};
            anchorsPerLevel[l] = side * side * AnchorGenerator.anchorsPerLocation();
        }
        float[] anchors = AnchorGenerator.anchors(size, size, featureSizes);
        int total = anchors.length / 4;
        Random rng = new Random(3);
        float[] objectness = new float[batch * total];
        float[] deltas = new float[batch * total * 4];
        for (int i = 0; i < objectness.length; i++) {
            objectness[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = (float) (0.1 * rng.nextGaussian());
        }
        int[] sides = new int[batch];
        Arrays.fill(sides, size);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[rounds];
        double[] cpuMs = new double[rounds];
        int kept = 0;
        for (int r = -5; r < rounds; r++) { // 5 warm-up rounds for the JIT
            long t0 = System.nanoTime();
            long c0 = cpu.getCurrentThreadCpuTime();
            float[][] proposals = rpn.proposals(objectness, deltas, anchors, anchorsPerLevel, sides, sides, true);
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
                cpuMs[r] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            kept = proposals[0].length / 4 + proposals[1].length / 4;
        }
        Arrays.sort(ms);
        Arrays.sort(cpuMs);
        System.out.printf(Locale.ROOT, "PROPOSALS %d px: median %.2f ms per batch (thread CPU %.2f ms) over %d rounds"
                + " (%d anchors per image, %d proposals kept)%n", size, ms[rounds / 2], cpuMs[rounds / 2], rounds, total, kept);
    }
}
