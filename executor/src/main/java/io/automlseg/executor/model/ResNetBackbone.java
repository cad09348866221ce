package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

import java.util.List;
import java.util.Random;

/**
 * torchvision ResNet v1.5 body (stride on the 3x3 conv), without avgpool/fc, returning the outputs of layer1..layer4
 * (C2..C5). Weights live under {@code backbone.body.*}.
 */
final class ResNetBackbone {
    static final String PREFIX = "backbone.body.";

    private ResNetBackbone() {}

    static int[] blocksPerStage(int depth) {
        return switch (depth) {
            case 18 -> new int[] {2, 2, 2, 2};
            case 34, 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            case 152 -> new int[] {3, 8, 36, 3};
            default -> throw new IllegalArgumentException("unsupported ResNet depth " + depth);
        };
    }

    static boolean bottleneck(int depth) {
        return depth >= 50;
    }

    /** Channels of C2..C5 (the FPN's inputs). */
    static int[] outChannels(int depth) {
        int expansion = bottleneck(depth) ? 4 : 1;
        return new int[] {64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion};
    }

    static void register(NetworkWeights store, ModelConfig config, Random rng) {
        int depth = config.depth();
        ModelConfig.NormKind norm = config.norm();
        store.conv(rng, PREFIX + "conv1", 64, 3, 7, false);
        Norms.register(store, PREFIX + "bn1", 64, norm);
        int[] blocks = blocksPerStage(depth);
        boolean bottleneck = bottleneck(depth);
        int expansion = bottleneck ? 4 : 1;
        int inplanes = 64;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage;
            int stride = stage == 0 ? 1 : 2;
            for (int b = 0; b < blocks[stage]; b++) {
                String p = PREFIX + "layer" + (stage + 1) + "." + b + ".";
                int s = b == 0 ? stride : 1;
                if (bottleneck) {
                    store.conv(rng, p + "conv1", planes, inplanes, 1, false);
                    Norms.register(store, p + "bn1", planes, norm);
                    store.conv(rng, p + "conv2", planes, planes, 3, false);
                    Norms.register(store, p + "bn2", planes, norm);
                    store.conv(rng, p + "conv3", planes * expansion, planes, 1, false);
                    Norms.register(store, p + "bn3", planes * expansion, norm);
                } else {
                    store.conv(rng, p + "conv1", planes, inplanes, 3, false);
                    Norms.register(store, p + "bn1", planes, norm);
                    store.conv(rng, p + "conv2", planes, planes, 3, false);
                    Norms.register(store, p + "bn2", planes, norm);
                }
                if (b == 0 && (s != 1 || inplanes != planes * expansion)) {
                    store.conv(rng, p + "downsample.0", planes * expansion, inplanes, 1, false);
                    Norms.register(store, p + "downsample.1", planes * expansion, norm);
                }
                inplanes = planes * expansion;
            }
        }
    }

    /** Freezes what torchvision freezes for {@code trainable_backbone_layers}: stages below the trainable ones. */
    static void applyTrainableLayers(NetworkWeights store, int trainableLayers) {
        List<String> all = List.of("layer4", "layer3", "layer2", "layer1", "conv1");
        List<String> train = new java.util.ArrayList<>(all.subList(0, trainableLayers));
        if (trainableLayers == 5) {
            train.add("bn1");
        }
        store.setTrainable(name -> name.startsWith(PREFIX)
                && train.stream().noneMatch(layer -> name.startsWith(PREFIX + layer)), false);
    }

    /**
     * Returns C2..C5 of the NCHW batch {@code x}. Each block's intermediates and the previous block's output are
     * closed as soon as the block's output exists, as Python's reference counting frees them in torchvision: held to
     * the end of the forward pass they took gigabytes in inference. In training the autograd graph keeps what backward
     * reads (a closed handle is only Java's reference); what it does not read, such as the norms' outputs before their
     * ReLU, goes at once.
     */
    static NDArray[] forward(NetworkWeights store, ModelConfig config, NDArray x, boolean training) {
        NDArray y;
        try (NDScope stem = new NDScope()) {
            y = Ops.conv(store, PREFIX + "conv1", x, 2, 3);
            y = Ops.relu(Norms.apply(store, PREFIX + "bn1", y, config, training));
            y = Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
            NDScope.unregister(y);
        }
        int[] blocks = blocksPerStage(config.depth());
        NDArray[] outputs = new NDArray[4];
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                NDArray previous = y;
                try (NDScope block = new NDScope()) {
                    y = block(store, config, PREFIX + "layer" + (stage + 1) + "." + b + ".", previous,
                            (b == 0 && stage > 0) ? 2 : 1, training);
                    NDScope.unregister(y);
                }
                if (stage == 0 || previous != outputs[stage - 1]) {
                    previous.close();
                }
            }
            outputs[stage] = y;
        }
        return outputs;
    }

    /** One residual block (torchvision's Bottleneck or BasicBlock) with stride {@code s}. */
    private static NDArray block(NetworkWeights store, ModelConfig config, String p, NDArray y, int s,
                                 boolean training) {
        NDArray identity = y;
        NDArray out;
        if (bottleneck(config.depth())) {
            out = Ops.relu(Norms.apply(store, p + "bn1", Ops.conv(store, p + "conv1", y, 1, 0), config, training));
            out = Ops.relu(Norms.apply(store, p + "bn2", Ops.conv(store, p + "conv2", out, s, 1), config, training));
            out = Norms.apply(store, p + "bn3", Ops.conv(store, p + "conv3", out, 1, 0), config, training);
        } else {
            out = Ops.relu(Norms.apply(store, p + "bn1", Ops.conv(store, p + "conv1", y, s, 1), config, training));
            out = Norms.apply(store, p + "bn2", Ops.conv(store, p + "conv2", out, 1, 1), config, training);
        }
        if (store.contains(p + "downsample.0.weight")) {
            // A 1x1 convolution with stride 2 equals a 1x1 convolution of every second pixel. Written that
            // way because libtorch 2.7.1's oneDNN dies with SIGFPE choosing a kernel for the strided 1x1
            // backward-data pass on AVX-512 CPUs with the Bottleneck widths (r50/r101/r152), and it skips
            // three quarters of the multiply-adds.
            NDArray sampled = s == 1 ? y : y.get(":, :, ::" + s + ", ::" + s);
            identity = Norms.apply(store, p + "downsample.1",
                    Ops.conv(store, p + "downsample.0", sampled, 1, 0), config, training);
        }
        return Ops.relu(out.add(identity));
    }
}
