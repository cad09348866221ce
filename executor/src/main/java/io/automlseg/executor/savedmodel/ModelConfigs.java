package io.automlseg.executor.savedmodel;

import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.trial.TrainingParameters;
import java.util.Locale;

/**
 * The network a trial's hyperparameters describe. The trainer builds its model from it, and a saved model rebuilds
 * the same network from the hyperparameters it recorded, so both read them through this one mapping.
 */
public final class ModelConfigs {
    private ModelConfigs() {}

    public static ModelConfig fromHyperparameters(TrainingParameters p, int numClasses) {
        ModelConfig.Builder b = ModelConfig.builder().modelName(p.modelName()).numClasses(numClasses)
                .minSize(p.minSize())
                .maxSize(p.maxSize())
                .boxScoreThreshold((float) p.boxScoreThreshold())
                .boxNmsThreshold((float) p.nmsIouThreshold())
                .detectionsPerImage(p.boxDetectionsPerImage())
                .boxBatchSizePerImage(p.integer("box_batch_size_per_image"))
                .rpnPreNmsTopN(p.integer("rpn_pre_nms_top_n_train"), p.integer("rpn_pre_nms_top_n_test"))
                .rpnPostNmsTopN(p.integer("rpn_post_nms_top_n_train"), p.integer("rpn_post_nms_top_n_test"));
        String norm = p.string("norm", null);
        if (norm != null) {
            b.norm(ModelConfig.NormKind.valueOf(norm.toUpperCase(Locale.ROOT)));
        }
        if (p.asMap().get("group_norm_groups") != null) {
            // only imported models record it: trials use the default of 32
            b.groupNormGroups(p.integer("group_norm_groups", 32));
        }
        Integer freeze = p.layersToFreeze();
        b.trainableBackboneLayers(5 - (freeze == null ? 0 : freeze));
        return b.build();
    }
}
