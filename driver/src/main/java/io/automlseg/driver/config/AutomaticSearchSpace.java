package io.automlseg.driver.config;

import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The space automatic mode sweeps when a job asks for more than one trial without a search space (the reference
 * product's AutoMode, which leaves the region to the service). It is sized for CPU trials trained from scratch:
 *
 * <ul>
 *   <li>{@code model_name}: the three lighter backbones, resnet18, resnet34 and resnet50;
 *   <li>one sub-space per optimizer, because the stable learning rate differs by an order of magnitude:
 *       {@code sgd} with {@code learning_rate} uniform(0.001, 0.005) (from-scratch SGD with group norm diverges
 *       above about 0.005) and {@code adamw} with uniform(0.0001, 0.0005);
 *   <li>{@code min_size}: choice(256, 384, 512), well below the reference default of 600 that is sized for GPUs.
 * </ul>
 *
 * Every expression is a {@code choice} or {@code uniform}, so random and Bayesian sampling both take it. What the job
 * fixes in {@code training_parameters} stays fixed: such a key leaves the space, a fixed {@code optimizer} keeps only
 * its sub-space ({@code adam} uses the {@code adamw} one), and a fixed {@code min_size} or {@code max_size} leaves the
 * image size alone.
 */
final class AutomaticSearchSpace {
    static final List<String> MODELS = List.of("maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn",
            "maskrcnn_resnet50_fpn");
    static final List<Integer> MIN_SIZES = List.of(256, 384, 512);

    private AutomaticSearchSpace() {}

    static SearchSpace forFixed(Map<String, Object> trainingParameters) {
        Object fixedOptimizer = trainingParameters.get("optimizer");
        List<Map<String, Distribution>> subspaces = new ArrayList<>();
        for (String optimizer : List.of("sgd", "adamw")) {
            boolean kept = fixedOptimizer == null || fixedOptimizer.equals(optimizer)
                    || (optimizer.equals("adamw") && fixedOptimizer.equals("adam"));
            if (!kept) {
                continue;
            }
            Map<String, Distribution> s = new LinkedHashMap<>();
            s.put(Hyperparameters.MODEL_NAME, Distribution.choice(MODELS));
            s.put("optimizer", Distribution.choice(List.of(optimizer)));
            s.put(Hyperparameters.LEARNING_RATE, optimizer.equals("sgd")
                    ? Distribution.of(Distribution.Kind.UNIFORM, 0.001, 0.005)
                    : Distribution.of(Distribution.Kind.UNIFORM, 0.0001, 0.0005));
            s.put(Hyperparameters.MIN_SIZE, Distribution.choice(MIN_SIZES));
            s.keySet().removeIf(trainingParameters::containsKey);
            if (trainingParameters.containsKey(Hyperparameters.MAX_SIZE)) {
                s.remove(Hyperparameters.MIN_SIZE);
            }
            if (!s.isEmpty() && !subspaces.contains(s)) {
                subspaces.add(s);
            }
        }
        return new SearchSpace(subspaces, true);
    }
}
