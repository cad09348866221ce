package io.automlseg.executor.interop;

import io.automlseg.executor.model.ModelConfig.NormKind;
import java.util.Collection;

/**
 * Which normalisation layers a torchvision state dict's backbone was saved from, told by the tensors they leave:
 * BatchNorm2d keeps running statistics and a {@code num_batches_tracked} counter, FrozenBatchNorm2d (torchvision's
 * pretrained models) the statistics without the counter, GroupNorm neither.
 */
final class NormDetection {
    private static final String BACKBONE = "backbone.body.";

    private NormDetection() {}

    static NormKind detect(Collection<String> names) {
        boolean statistics = names.stream().anyMatch(n -> n.startsWith(BACKBONE) && n.endsWith(".running_mean"));
        boolean counters = names.stream().anyMatch(n -> n.startsWith(BACKBONE) && n.endsWith(".num_batches_tracked"));
        if (!statistics) {
            return NormKind.GROUP;
        }
        return counters ? NormKind.BATCH : NormKind.FROZEN_BATCH;
    }
}
