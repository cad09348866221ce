package io.automlseg.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.automlseg.driver.sweep.TerminationPolicy;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Early-termination policies replayed over recorded real curves (scripts/bench/data/curves-r18.json): every policy of
 * scripts/bench/policies.yaml runs the same trials through the real sweep loop ({@link PolicyReplay}) in several
 * orders (random permutations with seeds 1..n), and one table compares them with no early termination.
 *
 * <p>Per policy, averaged over the orders: compute = trial-epochs run, and its ratio to running every epoch; best = the
 * sweep's best value as the sweep reports it (its best trial's best value, stopped trials included); found = in how
 * many orders that equals the best value of the recorded set (what no early termination finds); truly best stopped =
 * in how many orders the trial with that value was stopped early; wall = the sweep's simulated duration against none.
 * {@code --orders 0} replays the recorded order only (to compare with a real sweep of the recording's seed).
 *
 * <pre>scripts/bench/policies.sh [--curves FILE] [--policies FILE] [--concurrency 4] [--orders 20]</pre>
 */
public final class PolicyBenchmark {

    private PolicyBenchmark() {}

    /** One policy's replays summed over the orders. */
    record Row(String name, double epochs, double best, double worstBest, int found, int trulyBestStopped,
               double stopped, double wallSeconds) {}

    public static void main(String[] args) throws Exception {
        String curvesFile = "scripts/bench/data/curves-r18.json";
        String policiesFile = "scripts/bench/policies.yaml";
        int concurrency = 4;
        int orders = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--curves" -> curvesFile = args[i + 1];
                case "--policies" -> policiesFile = args[i + 1];
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--orders" -> orders = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--curves FILE, --policies FILE, --concurrency N, --orders N)");
            }
        }
        ReplayCurves curves = ReplayCurves.read(new File(curvesFile));
        ReplayCurves.Curve top = curves.trials().get(curves.trulyBest());
        System.out.printf(Locale.ROOT, "Policy replay: %d recorded trials, %d trial-epochs (%s), recorded by %s at %s;"
                        + "%n  best %s %.4f (trial %s); concurrency %d, %s%n%n",
                curves.trials().size(), curves.epochs(), curvesFile, curves.recorded().get("command"),
                curves.recorded().get("commit"), curves.primaryMetric(), top.best(), top.trial(), concurrency,
                orders == 0 ? "the recorded order" : orders + " orders (seeds 1.." + orders + ")");
        List<List<Integer>> permutations = new ArrayList<>();
        if (orders == 0) { // the recorded order alone: what a real sweep with the recording's seed would run
            permutations.add(IntStream.range(0, curves.trials().size()).boxed().toList());
        }
        for (int seed = 1; seed <= orders; seed++) {
            List<Integer> order = new ArrayList<>(IntStream.range(0, curves.trials().size()).boxed().toList());
            Collections.shuffle(order, new Random(seed));
            permutations.add(order);
        }
        Path work = Files.createTempDirectory("policy-replay");
        List<Row> rows = new ArrayList<>();
        for (JsonNode entry : new YAMLMapper().readTree(new File(policiesFile)).get("policies")) {
            String name = entry.get("name").asText();
            @SuppressWarnings("unchecked")
            Map<String, Object> block = entry.hasNonNull("early_termination")
                    ? new YAMLMapper().convertValue(entry.get("early_termination"), Map.class) : null;
            TerminationPolicy policy = PolicyReplay.policy(block);
            rows.add(run(name, policy, curves, permutations, concurrency, work.resolve(name)));
        }
        Files.deleteIfExists(work);
        print(rows, curves, permutations.size());
    }

    static Row run(String name, TerminationPolicy policy, ReplayCurves curves, List<List<Integer>> orders,
                   int concurrency, Path work) throws Exception {
        double epochs = 0;
        double best = 0;
        double worst = Double.POSITIVE_INFINITY;
        int found = 0;
        int stoppedBest = 0;
        double stopped = 0;
        double wall = 0;
        double truth = curves.trials().get(curves.trulyBest()).best();
        for (List<Integer> order : orders) {
            PolicyReplay.Result r = PolicyReplay.replay(curves, order, policy, concurrency, work);
            epochs += r.epochs();
            best += r.best();
            worst = Math.min(worst, r.best());
            found += r.best() == truth ? 1 : 0;
            stoppedBest += r.trulyBestStopped() ? 1 : 0;
            stopped += r.stopped();
            wall += r.wall().toMillis() / 1000.0;
        }
        int n = orders.size();
        return new Row(name, epochs / n, best / n, worst, found, stoppedBest, stopped / n, wall / n);
    }

    private static void print(List<Row> rows, ReplayCurves curves, int orders) {
        Row none = rows.stream().filter(r -> r.name().equals("none")).findFirst().orElse(rows.get(0));
        System.out.println("policy              trial-epochs  vs none  stopped  best (mean)  best (worst)  "
                + "found best  truly best stopped  wall vs none");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-18s  %12.1f  %7.2f  %7.1f  %11.4f  %12.4f  %7d/%-3d  %15d/%-3d  %12.2f%n",
                    r.name(), r.epochs(), r.epochs() / curves.epochs(), r.stopped(), r.best(), r.worstBest(),
                    r.found(), orders, r.trulyBestStopped(), orders, r.wallSeconds() / none.wallSeconds());
        }
    }
}
