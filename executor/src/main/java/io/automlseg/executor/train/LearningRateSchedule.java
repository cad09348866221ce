package io.automlseg.executor.train;

import io.automlseg.executor.trial.TrainingParameters;

/**
 * Learning rate per optimizer step, as the reference product's schedulers define it.
 *
 * <ul>
 *   <li>{@code warmup_cosine}: linear warm-up over {@code warmup_cosine_lr_warmup_epochs}, then a cosine that runs
 *       {@code warmup_cosine_lr_cycles} cycles over the remaining steps (0.45 ends near, not at, zero).
 *   <li>{@code step}: multiplied by {@code step_lr_gamma} every {@code step_lr_step_size} epochs.
 * </ul>
 */
public interface LearningRateSchedule {

    /** Learning rate for optimizer step {@code step} (0-based). */
    double at(long step);

    static LearningRateSchedule of(TrainingParameters p, int stepsPerEpoch) {
        double base = p.learningRate();
        long total = (long) stepsPerEpoch * p.numberOfEpochs();
        return switch (p.learningRateScheduler()) {
            case "warmup_cosine" -> warmupCosine(base, (long) stepsPerEpoch * p.warmupEpochs(), total, p.warmupCosineCycles());
            case "step" -> stepDecay(base, stepsPerEpoch, p.stepSize(), p.stepGamma());
            default -> throw new IllegalArgumentException("learning_rate_scheduler: unknown value '"
                    + p.learningRateScheduler() + "' (expected warmup_cosine or step)");
        };
    }

    static LearningRateSchedule warmupCosine(double base, long warmupSteps, long totalSteps, double cycles) {
        return step -> {
            if (step < warmupSteps) {
                return base * (step + 1) / Math.max(1.0, warmupSteps);
            }
            double progress = (double) (step - warmupSteps) / Math.max(1.0, totalSteps - warmupSteps);
            return base * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress)));
        };
    }

    static LearningRateSchedule stepDecay(double base, int stepsPerEpoch, int stepSizeEpochs, double gamma) {
        return step -> base * Math.pow(gamma, Math.floorDiv(step / Math.max(1, stepsPerEpoch), stepSizeEpochs));
    }
}
