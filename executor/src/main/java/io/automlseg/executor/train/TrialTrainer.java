package io.automlseg.executor.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.Ops;
import io.automlseg.executor.model.PreparedBatch;
import io.automlseg.executor.savedmodel.ModelConfigs;
import io.automlseg.executor.savedmodel.SavedModel;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Trains one trial's Mask R-CNN: the epoch loop with gradient accumulation, the learning-rate schedule, validation
 * every {@code evaluation_frequency} epochs, the best epoch's model on disk, early stopping, and the sweep's
 * cooperative stop request. Everything it learns is written to the trial folder as it goes.
 */
public final class TrialTrainer {
    private static final String[] LOSS_NAMES = {
        "loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg", "loss_mask"
    };
    /** The reference runtime aborts a trial whose loss exceeds this ("loss explosion"). */
    private static final double LOSS_EXPLOSION = 100.0;
    /** Consecutive optimizer steps with non-finite gradients after which the trial is declared diverged. */
    private static final int MAX_NON_FINITE_STEPS = 5;

    private final TrialSpec spec;
    /** The trial's hyperparameters with the defaults that depend on the starting weights made explicit. */
    private final Map<String, Object> effective;
    private final TrainingParameters params;
    private final TrialData data;
    private final PrintStream log;
    /** Logs every iteration's losses (parameter {@code log_every_iteration}), for diagnosing a trial. */
    private final boolean verbose;
    /** Where every array of the trial lives: the trial's device decision, not the engine's default device. */
    private final Device device;
    private final StartupTimes startup;
    private final StopRequest stopRequest;

    /** A trial on the CPU, its start measured from now (tests and benchmarks inside a running JVM). */
    public TrialTrainer(TrialSpec spec, TrialData data, PrintStream log) throws IOException {
        this(spec, data, log, Device.cpu(), StartupTimes.sinceNow());
    }

    TrialTrainer(TrialSpec spec, TrialData data, PrintStream log, Device device, StartupTimes startup)
            throws IOException {
        this.spec = spec;
        this.device = device;
        this.startup = startup;
        this.effective = InitialWeights.effectiveParameters(spec.parameters(), spec.pretrained());
        this.params = new TrainingParameters(effective);
        this.data = data;
        this.log = log;
        this.verbose = params.bool("log_every_iteration");
        this.stopRequest = new StopRequest(spec.trialDir());
    }

    /** The loop's counters, saved in checkpoints. */
    private static final class Progress {
        int epoch;
        long optimizerStep;
        int bestEpoch;
        double bestValue = Double.NaN;
        int evaluations;
        int evaluationsWithoutImprovement;
        int skippedSteps;
        int nonFiniteSteps;
        TrialStatus status = TrialStatus.COMPLETED;
        boolean finished;
        /** Stopped by the sweep while an epoch trained: that epoch was given up, with no report or checkpoint. */
        boolean epochGivenUp;

        Checkpoint.State toState(Random rng) {
            return new Checkpoint.State(epoch, optimizerStep, bestEpoch, Double.isNaN(bestValue) ? null : bestValue,
                    evaluations, evaluationsWithoutImprovement, skippedSteps, finished, status, Checkpoint.encode(rng));
        }

        static Progress of(Checkpoint.State s) {
            Progress p = new Progress();
            p.epoch = s.epoch();
            p.optimizerStep = s.optimizerStep();
            p.bestEpoch = s.bestEpoch();
            p.bestValue = s.bestValue() == null ? Double.NaN : s.bestValue();
            p.evaluations = s.evaluations();
            p.evaluationsWithoutImprovement = s.evaluationsWithoutImprovement();
            p.skippedSteps = s.skippedSteps();
            p.finished = s.finished();
            p.status = s.status() == null ? TrialStatus.COMPLETED : s.status();
            return p;
        }
    }

    public TrialResult run() throws IOException {
        long started = System.nanoTime();
        long seed = params.randomSeed();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) seed);
        Random rng = new Random(seed);
        ModelConfig config = ModelConfigs.fromHyperparameters(params, spec.labels().size() + 1);
        int batchSize = params.trainingBatchSize();
        int accumulation = params.gradientAccumulationSteps();
        int batchesPerEpoch = (data.trainSize() + batchSize - 1) / batchSize;
        int stepsPerEpoch = Math.max(1, (batchesPerEpoch + accumulation - 1) / accumulation);
        LearningRateSchedule schedule = LearningRateSchedule.of(params, stepsPerEpoch);
        Optimizer optimizer = Optimizer.of(params);
        boolean evaluate = !"none".equals(params.validationMetricType());
        // Without checkpoint_frequency a checkpoint follows every epoch: at these model sizes it costs far less than
        // an epoch, and it lets a lost trial resume where it stopped.
        int checkpointEvery = params.checkpointFrequency() != null ? params.checkpointFrequency() : 1;
        Progress progress = new Progress();

        try (NDManager manager = NDManager.newBaseManager(device);
                MaskRCNN model = MaskRCNN.create(config, manager, seed)) {
            startup.end("model");
            Map<String, NDArray> trainable = model.parameters().trainableParameters();
            log.printf("trial %s: %s, %d classes, %d parameters (%d trainable), %d training / %d validation images%n",
                    spec.trialId(), config.modelName(), config.numClasses() - 1, model.parameterCount(),
                    trainable.values().stream().mapToLong(a -> a.getShape().size()).sum(), data.trainSize(),
                    data.validationSize());
            log.printf("norm %s, layers_to_freeze %d%n", config.norm().name().toLowerCase(java.util.Locale.ROOT),
                    5 - config.trainableBackboneLayers());
            Optional<Checkpoint.State> checkpoint = Checkpoint.find(spec.trialDir());
            if (checkpoint.isPresent()) {
                Checkpoint.restore(spec.trialDir(), model, optimizer, manager);
                progress = Progress.of(checkpoint.get());
                rng = Checkpoint.decode(checkpoint.get().random());
                log.printf("resuming from the checkpoint after epoch %d (optimizer step %d, best epoch %d)%n",
                        progress.epoch, progress.optimizerStep, progress.bestEpoch);
            } else {
                InitialWeights.load(model, params, spec.pretrained(), spec.labels(), spec.trialDir(), log);
            }
            ResidentMemory.returnFreeHeap();
            startup.end("weights");
            log.printf("trial %s on %s %s%n", spec.trialId(), manager.getDevice(), startup.summary());
            for (int epoch = progress.epoch + 1; epoch <= params.numberOfEpochs() && !progress.finished; epoch++) {
                runEpoch(epoch, model, config, manager, trainable, optimizer, schedule, rng, progress, evaluate);
                if (progress.epochGivenUp) {
                    break; // the weights are part-way through an epoch: nothing to checkpoint
                }
                boolean last = progress.finished || epoch == params.numberOfEpochs();
                if (epoch % checkpointEvery == 0 || last) {
                    Checkpoint.write(spec.trialDir(), model, optimizer, progress.toState(rng), manager);
                }
            }
            if (progress.bestEpoch == 0 && progress.epoch > 0) {
                // Every evaluation was undefined (for example no predictions at all): keep the last epoch.
                progress.bestEpoch = progress.epoch;
                saveModel(model, config, Map.of(), progress.epoch);
            }
        }
        return new TrialResult(progress.status, progress.bestEpoch,
                Double.isNaN(progress.bestValue) ? null : progress.bestValue, progress.epoch,
                (System.nanoTime() - started) / 1e9, null);
    }

    /** One epoch: training, evaluation when due, its report, the best model, early stopping and stop requests. */
    private void runEpoch(int epoch, MaskRCNN model, ModelConfig config, NDManager manager,
                          Map<String, NDArray> trainable, Optimizer optimizer, LearningRateSchedule schedule,
                          Random rng, Progress progress, boolean evaluate) throws IOException {
        Engine engine = Engine.getInstance();
        int batchSize = params.trainingBatchSize();
        int accumulation = params.gradientAccumulationSteps();
        long epochStart = System.nanoTime();
        model.setTraining(true);
        List<Integer> order = data.shuffledTrainOrder(rng);
        int batches = (order.size() + batchSize - 1) / batchSize;
        // Each batch augments with a generator of its own, so its content does not depend on the thread that builds
        // it, and the model's own draws from rng do not depend on the augmentations.
        long augmentationSeed = rng.nextLong();
        double[] lossSums = new double[LOSS_NAMES.length];
        double totalSum = 0;
        int iterations = 0;
        int inWindow = 0;
        double lr = schedule.at(progress.optimizerStep);
        double dataWaitSeconds;
        try (BatchLoader<PreparedBatch> loader = new BatchLoader<>(batches, params.integer("number_of_workers"), i -> {
            TrialData.Batch batch = data.trainingBatch(
                    order.subList(i * batchSize, Math.min(order.size(), (i + 1) * batchSize)),
                    BatchLoader.batchRandom(augmentationSeed, i));
            return PreparedBatch.of(batch.images(), batch.targets(), config);
        })) {
            for (int b = 0; b < batches; b++) {
                if (b > 0 && stopRequest.requestedWhileTraining()) {
                    log.printf("stop requested by the sweep's early termination policy during epoch %d: the epoch is"
                            + " given up after %d of %d batches%n", epoch, b, batches);
                    progress.status = TrialStatus.EARLY_TERMINATED;
                    progress.finished = true;
                    progress.epochGivenUp = true;
                    return;
                }
                PreparedBatch batch = loader.next();
                double total;
                try (NDManager scope = manager.newSubManager();
                        GradientCollector collector = engine.newGradientCollector()) {
                    Map<String, NDArray> losses = model.losses(scope, batch, rng);
                    NDList read = new NDList(LOSS_NAMES.length + 1);
                    NDArray sum = null;
                    for (String name : LOSS_NAMES) {
                        NDArray l = losses.get(name);
                        read.add(l);
                        sum = sum == null ? l : sum.add(l);
                    }
                    read.add(sum);
                    // The five losses and their sum in one device-to-host copy (one wait for the device), not six.
                    float[] host = NDArrays.stack(read).toFloatArray();
                    double[] values = new double[LOSS_NAMES.length];
                    for (int i = 0; i < LOSS_NAMES.length; i++) {
                        values[i] = host[i];
                        if (Double.isFinite(values[i])) {
                            lossSums[i] += values[i];
                        }
                    }
                    total = host[LOSS_NAMES.length];
                    // A non-finite loss leaves non-finite gradients, and that step is skipped below.
                    if (Double.isFinite(total) && total > LOSS_EXPLOSION) {
                        throw new TrialFailure(String.format(
                                "loss explosion: training loss is %.4g at epoch %d, iteration %d (%s); try a lower"
                                        + " learning_rate", total, epoch, iterations + 1, describe(values)));
                    }
                    if (verbose) {
                        log.printf("  iteration %d: loss %.4f (%s), lr %.5f%n", iterations + 1, total,
                                describe(values), lr);
                    }
                    collector.backward(accumulation > 1 ? Ops.scale(sum, 1f / accumulation) : sum);
                }
                if (Double.isFinite(total)) {
                    totalSum += total;
                }
                iterations++;
                inWindow++;
                if (inWindow == accumulation || b == batches - 1) {
                    lr = schedule.at(progress.optimizerStep);
                    step(trainable, optimizer, lr, epoch, progress);
                    model.parameters().releaseGradients(); // the next forward pass runs without them
                    inWindow = 0;
                }
            }
            dataWaitSeconds = loader.waitNanos() / 1e9;
        }
        double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
        progress.epoch = epoch;
        Map<String, Double> lossMeans = new LinkedHashMap<>();
        for (int i = 0; i < LOSS_NAMES.length; i++) {
            lossMeans.put(LOSS_NAMES[i], lossSums[i] / Math.max(1, iterations));
        }

        boolean due = epoch % params.evaluationFrequency() == 0 || epoch == params.numberOfEpochs();
        boolean evaluateNow = evaluate && due;
        EpochEvaluation evaluation = due ? EpochEvaluation.of(model, manager, data, params, spec.labels(), log)
                : new EpochEvaluation(new LinkedHashMap<>(), null, null, null, 0, 0);
        Map<String, Double> metrics = evaluation.metrics();
        if (evaluateNow) {
            progress.evaluations++;
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        double imagesPerSecond = order.size() / Math.max(1e-9, trainSeconds);
        Double residentMib = ResidentMemory.mebibytes();
        EpochReport report = new EpochReport(epoch, totalSum / Math.max(1, iterations), lossMeans, metrics,
                evaluation.perLabel(), lr, seconds, imagesPerSecond, residentMib, dataWaitSeconds,
                evaluation.validationLoss(), evaluation.validationLosses());
        Json.writeAtomically(TrialFiles.resolve(spec.trialDir(), TrialFiles.epochReport(epoch)), report);
        if (evaluation.perLabel() != null) {
            PerLabelMetricsFile.write(spec.trialDir(), spec.labels(), epoch);
        }
        log.printf("epoch %d/%d: loss %.4f, %s%s, lr %.5f, %.1f s (evaluation %.1f s), %.2f images/s, waiting for"
                        + " data %.2f s (%.1f%% of training), resident memory %s%n", epoch, params.numberOfEpochs(),
                report.trainLoss(), metrics.isEmpty() ? "not evaluated" : metrics,
                report.validationLoss() == null ? "" : String.format(", validation loss %.4f", report.validationLoss()),
                lr, seconds, evaluation.validationSeconds() + evaluation.trainingMetricsSeconds(), imagesPerSecond,
                dataWaitSeconds, 100 * dataWaitSeconds / Math.max(1e-9, trainSeconds),
                residentMib == null ? "unknown" : String.format("%.0f MiB", residentMib));

        Double value = metrics.get("mean_average_precision");
        if (evaluateNow && value != null && !value.isNaN()) {
            // Ties go to the later epoch, as in the reference product.
            boolean improved = Double.isNaN(progress.bestValue) || value >= progress.bestValue;
            boolean strictlyBetter = Double.isNaN(progress.bestValue) || value > progress.bestValue;
            if (improved) {
                progress.bestValue = value;
                progress.bestEpoch = epoch;
                saveModel(model, config, metrics, epoch);
            }
            if (progress.evaluations > params.earlyStoppingDelay()) {
                progress.evaluationsWithoutImprovement = strictlyBetter ? 0 : progress.evaluationsWithoutImprovement + 1;
            }
        } else if (!evaluate) {
            progress.bestEpoch = epoch;
            saveModel(model, config, metrics, epoch);
        }
        if (evaluateNow && stopRequest.requested()) {
            log.printf("stop requested by the sweep's early termination policy after epoch %d%n", epoch);
            progress.status = TrialStatus.EARLY_TERMINATED;
            progress.finished = true;
        } else if (params.earlyStopping() && progress.evaluationsWithoutImprovement > params.earlyStoppingPatience()) {
            log.printf("early stopping: no improvement in %d evaluations%n", progress.evaluationsWithoutImprovement);
            progress.finished = true;
        }
    }

    /** One optimizer step over the accumulated gradients, or a skipped one if they are not finite. */
    private void step(Map<String, NDArray> trainable, Optimizer optimizer, double lr, int epoch, Progress progress) {
        JniUtils.setGradMode(false);
        double norm = Gradients.clipTotalNorm(trainable, params.gradientClipNorm());
        if (verbose) {
            log.printf("  step %d: gradient norm %.3f%n", progress.optimizerStep + 1, norm);
        }
        if (Double.isFinite(norm)) {
            optimizer.step(trainable, lr);
            progress.nonFiniteSteps = 0;
        } else {
            // One overflowing batch must not poison the weights: drop its gradient, as mixed-precision
            // loss scalers do, and give up only if it keeps happening.
            progress.skippedSteps++;
            log.printf("  step %d skipped: non-finite gradient (%d skipped so far)%n",
                    progress.optimizerStep + 1, progress.skippedSteps);
            if (++progress.nonFiniteSteps > MAX_NON_FINITE_STEPS) {
                throw new TrialFailure("training diverged: " + progress.nonFiniteSteps
                        + " optimizer steps in a row had non-finite gradients at epoch " + epoch
                        + "; try a lower learning_rate");
            }
        }
        progress.optimizerStep++;
    }

    private void saveModel(MaskRCNN model, ModelConfig config, Map<String, Double> metrics, int epoch) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.put("epoch", epoch);
        new SavedModel(config.modelName(), spec.labels(), effective, SavedModel.inferenceSettings(config, params), m)
                .write(TrialFiles.resolve(spec.trialDir(), TrialFiles.MODEL_DIR), model);
    }

    private static String describe(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(LOSS_NAMES[i]).append(' ').append(String.format("%.4f", values[i]));
        }
        return sb.toString();
    }

    /** A failure of the trial itself (not of the program), reported in result.json. */
    public static final class TrialFailure extends RuntimeException {
        public TrialFailure(String message) {
            super(message);
        }
    }

    static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }
}
