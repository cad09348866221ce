package io.automlseg.executor.train;

import ai.djl.ndarray.NDManager;
import io.automlseg.executor.eval.Validator;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.trial.TrainingParameters;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a trial measures after an epoch that is due for evaluation: the validation metrics (unless
 * {@code validation_metric_type} is {@code none}) and, in the same forward passes, the validation loss
 * ({@code log_validation_loss}); with {@code log_training_metrics} the same metrics on the training images, without
 * augmentation, under the names suffixed {@code _train}, as the reference product logs them.
 *
 * @param metrics validation metrics, then the {@code _train} ones
 * @param perLabel the validation metrics per label, or null when not evaluated
 * @param validationLoss the sum of the five mean validation losses, or null when not computed (or not finite)
 * @param validationLosses the five mean validation losses, or null with {@code validationLoss}
 * @param validationSeconds the validation pass
 * @param trainingMetricsSeconds the pass over the training images (0 when not made)
 */
record EpochEvaluation(Map<String, Double> metrics, Map<String, Map<String, Double>> perLabel, Double validationLoss,
                       Map<String, Double> validationLosses, double validationSeconds, double trainingMetricsSeconds) {

    static final String TRAIN_SUFFIX = "_train";

    /** Evaluates the model (switched to evaluation mode) after an epoch; {@code log} gets the per-label tables. */
    static EpochEvaluation of(MaskRCNN model, NDManager manager, TrialData data, TrainingParameters params,
                              List<String> labels, PrintStream log) {
        boolean metric = !"none".equals(params.validationMetricType());
        boolean loss = params.logValidationLoss() && data.validationSize() > 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perLabel = null;
        Double validationLoss = null;
        Map<String, Double> validationLosses = null;
        if (!metric && !loss) {
            return new EpochEvaluation(metrics, null, null, null, 0, 0);
        }
        model.setTraining(false);
        long start = System.nanoTime();
        Validator.Pass pass = Validator.evaluate(model, manager, data.validationRecords(), params, labels, loss);
        double validationSeconds = (System.nanoTime() - start) / 1e9;
        if (pass.result() != null) {
            metrics.putAll(pass.result().metrics());
            perLabel = pass.result().perLabelMetrics();
            pass.result().logLines().forEach(line -> log.println("  " + line));
        }
        if (pass.totalLoss() != null && Double.isFinite(pass.totalLoss())) {
            validationLoss = pass.totalLoss();
            validationLosses = pass.losses();
            log.printf(Locale.ROOT, "  validation loss %.4f (%s)%n", validationLoss, describe(validationLosses));
        } else if (pass.totalLoss() != null) {
            log.printf(Locale.ROOT, "  validation loss not finite (%s): left out%n", describe(pass.losses()));
        }
        double trainingSeconds = 0;
        if (metric && params.logTrainingMetrics() && data.trainSize() > 0) {
            start = System.nanoTime();
            Validator.Pass train = Validator.evaluate(model, manager, data.trainRecords(), params, labels, false);
            trainingSeconds = (System.nanoTime() - start) / 1e9;
            train.result().metrics().forEach((name, value) -> metrics.put(name + TRAIN_SUFFIX, value));
            log.printf(Locale.ROOT, "  training metrics (%d images, %.1f s): %s%n", data.trainSize(),
                    trainingSeconds, train.result().metrics());
        }
        return new EpochEvaluation(metrics, perLabel, validationLoss, validationLosses, validationSeconds,
                trainingSeconds);
    }

    private static String describe(Map<String, Double> losses) {
        StringBuilder sb = new StringBuilder();
        losses.forEach((name, value) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", value)));
        return sb.toString();
    }
}
