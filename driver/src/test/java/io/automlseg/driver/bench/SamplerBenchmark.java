package io.automlseg.driver.bench;

import io.automlseg.driver.sweep.BayesianSampler;
import io.automlseg.driver.sweep.Distribution;
import io.automlseg.driver.sweep.PriorTrial;
import io.automlseg.driver.sweep.RandomSampler;
import io.automlseg.driver.sweep.Sampler;
import io.automlseg.driver.sweep.SearchSpace;
import io.automlseg.driver.sweep.SweepState;
import io.automlseg.driver.sweep.Trial;
import io.automlseg.driver.sweep.TrialState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Bayesian against random sampling at equal budget on a cheap synthetic stand-in for a Mask R-CNN sweep, without
 * Spark: the sweep is simulated with {@code concurrency} trials in flight, each taking a random time, and a new
 * trial is proposed as soon as one finishes (so the Bayesian sampler sees running trials, as in a real sweep).
 *
 * <p>The objective mimics validation mAP against the four parameters of a typical sweep: a backbone
 * ({@code model_name}, deeper is better and wants a lower learning rate), {@code learning_rate} (a log-scale peak;
 * above 2.5 times the best rate the trial "diverges" and scores almost nothing), {@code momentum} (peak at 0.9) and
 * {@code min_size} (a mild optimum at 640), plus Gaussian noise of sd 0.01, like the spread of two training runs.
 *
 * <pre>scripts/bench/sampler.sh [--trials 30] [--concurrency 4] [--seeds 200]</pre>
 */
public final class SamplerBenchmark {
    private static final Instant T0 = Instant.EPOCH;
    private static final List<String> MODELS = List.of("maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn",
            "maskrcnn_resnet50_fpn");
    private static final double[] BASE = {0.50, 0.55, 0.60};
    private static final double[] BEST_RATE = {0.010, 0.007, 0.005};
    private static final double NOISE = 0.01;

    private SamplerBenchmark() {}

    /** Outcome of one simulated sweep. */
    private record Result(double bestObserved, double trueValueOfBest, double nanosPerProposal, double[] bestSoFar,
                          List<PriorTrial> trials) {}

    public static void main(String[] args) {
        int trials = 30;
        int concurrency = 4;
        int seeds = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[i + 1]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--seeds" -> seeds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--trials N, --concurrency N, --seeds N)");
            }
        }
        SearchSpace space = space();
        System.out.println("Sampler benchmark: synthetic mAP(model_name, learning_rate, momentum, min_size) + "
                + "N(0, " + NOISE + "), optimum " + fmt(optimum()));
        System.out.println("space: " + space);
        System.out.println("budget " + trials + " trials, " + seeds + " seeds; bayesian starts with "
                + BayesianSampler.defaultStartupTrials(trials) + " random trials");
        System.out.println();
        System.out.println("sampler   concurrency  best found: mean    std     median   true value of best: mean    "
                + "std    ms/proposal");
        List<Integer> levels = concurrency == 1 ? List.of(1) : List.of(1, concurrency);
        List<String> verdicts = new ArrayList<>();
        for (int c : levels) {
            double[][] bestBy = new double[2][];
            for (String name : List.of("random", "bayesian")) {
                double[] best = new double[seeds];
                double[] truth = new double[seeds];
                double nanos = 0;
                for (int s = 0; s < seeds; s++) {
                    Sampler sampler = name.equals("random") ? new RandomSampler(space, s)
                            : new BayesianSampler(space, s, BayesianSampler.defaultStartupTrials(trials));
                    Result r = simulate(sampler, trials, c, s);
                    best[s] = r.bestObserved();
                    truth[s] = r.trueValueOfBest();
                    nanos += r.nanosPerProposal() / seeds;
                }
                System.out.printf(Locale.ROOT, "%-9s %11d  %17s %7s %8s  %25s %7s %13.2f%n", name, c, fmt(mean(best)),
                        fmt(std(best)), fmt(median(best)), fmt(mean(truth)), fmt(std(truth)), nanos / 1e6);
                bestBy[name.equals("random") ? 0 : 1] = best;
            }
            // Same seed, same noise stream per trial number: compare the two samplers seed by seed.
            double[] gain = new double[seeds];
            int wins = 0;
            for (int s = 0; s < seeds; s++) {
                gain[s] = bestBy[1][s] - bestBy[0][s];
                wins += gain[s] > 0 ? 1 : 0;
            }
            verdicts.add(String.format(Locale.ROOT, "concurrency %d: bayesian - random = %+.4f +- %.4f (standard "
                    + "error, paired by seed); bayesian better on %d of %d seeds", c, mean(gain),
                    std(gain) / Math.sqrt(seeds), wins, seeds));
        }
        System.out.println();
        verdicts.forEach(System.out::println);
        BudgetTable.print(trials, levels, seeds);
    }

    /**
     * The fraction of random sampling's budget that Bayesian sampling needs to reach random's final best, per
     * seed (trials in the order they finish; above 1 when it never does), over the flat and the conditional space,
     * one by one and multivariate, cold and warm-started.
     */
    static final class BudgetTable {
        private BudgetTable() {}

        static void print(int trials, List<Integer> levels, int seeds) {
            System.out.println();
            System.out.println("Budget: the fraction of random's " + trials + " trials bayesian needs to reach "
                    + "random's final best (median over seeds; goal <= 0.6)");
            System.out.println("space        model         warm start  concurrency  random best  bayesian best  "
                    + "fraction: median  90% interval    reached on");
            for (boolean conditional : new boolean[] {false, true}) {
                for (boolean joint : new boolean[] {false, true}) {
                    for (boolean warm : new boolean[] {false, true}) {
                        for (int c : levels) {
                            row(conditional, joint, warm, c, trials, seeds);
                        }
                    }
                }
            }
            System.out.println("warm start: the finished trials of an earlier random sweep of the same size (another "
                    + "seed, its own noise) over the same space; random sampling does not use them");
        }

        private static void row(boolean conditional, boolean joint, boolean warm, int c, int trials, int seeds) {
            SearchSpace space = conditional ? conditionalSpace() : space();
            double[] fraction = new double[seeds];
            double[] randomBest = new double[seeds];
            double[] bayesBest = new double[seeds];
            int reached = 0;
            for (int s = 0; s < seeds; s++) {
                Result random = simulate(new RandomSampler(space, s), trials, c, s);
                BayesianSampler tpe = new BayesianSampler(space, s, BayesianSampler.defaultStartupTrials(trials),
                        joint);
                Result bayes = simulate(warm ? tpe.withWarmStart(earlierSweep(space, trials, s)) : tpe, trials, c, s);
                randomBest[s] = random.bestObserved();
                bayesBest[s] = bayes.bestObserved();
                int n = 0;
                while (n < trials && bayes.bestSoFar()[n] < random.bestObserved()) {
                    n++;
                }
                reached += n < trials ? 1 : 0;
                fraction[s] = n < trials ? (n + 1.0) / trials : Double.POSITIVE_INFINITY;
            }
            double[] interval = medianInterval(fraction);
            System.out.printf(Locale.ROOT, "%-12s %-13s %-10s %12d  %11s  %13s  %16s  %-14s  %d of %d%n",
                    conditional ? "conditional" : "flat", joint ? "multivariate" : "independent", warm ? "yes" : "no",
                    c, fmt(mean(randomBest)), fmt(mean(bayesBest)), fraction(median(fraction)),
                    fraction(interval[0]) + " - " + fraction(interval[1]), reached, seeds);
        }

        /** An earlier sweep: random sampling with another seed, its trials' noisy values as it saw them. */
        private static List<PriorTrial> earlierSweep(SearchSpace space, int trials, long seed) {
            long other = seed + 7_919;
            Result r = simulate(new RandomSampler(space, other), trials, 1, other);
            return r.trials();
        }
    }

    /**
     * The same objective over a conditional space, one sub-space per backbone as the reference writes them: each
     * has learning_rate and momentum, and only the deepest also tunes min_size (the others train at 480).
     */
    static SearchSpace conditionalSpace() {
        List<Map<String, Distribution>> subspaces = new ArrayList<>();
        for (String model : MODELS) {
            Map<String, Distribution> s = new LinkedHashMap<>();
            s.put("model_name", Distribution.choice(List.of(model)));
            s.put("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.0005, 0.02));
            s.put("momentum", Distribution.of(Distribution.Kind.UNIFORM, 0.5, 0.99));
            if (model.equals(MODELS.get(2))) {
                s.put("min_size", Distribution.of(Distribution.Kind.QUNIFORM, 256, 800, 32));
            }
            subspaces.add(s);
        }
        return new SearchSpace(subspaces);
    }

    static SearchSpace space() {
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("model_name", Distribution.choice(MODELS));
        s.put("learning_rate", Distribution.of(Distribution.Kind.UNIFORM, 0.0005, 0.02));
        s.put("momentum", Distribution.of(Distribution.Kind.UNIFORM, 0.5, 0.99));
        s.put("min_size", Distribution.of(Distribution.Kind.QUNIFORM, 256, 800, 32));
        return new SearchSpace(List.of(s));
    }

    /** The noise-free objective. */
    static double objective(Map<String, Object> p) {
        int m = MODELS.indexOf(p.get("model_name"));
        double lr = ((Number) p.get("learning_rate")).doubleValue();
        double momentum = ((Number) p.get("momentum")).doubleValue();
        double size = p.get("min_size") instanceof Number n ? n.doubleValue() : 480;
        if (lr > 2.5 * BEST_RATE[m]) {
            return 0.02; // diverged
        }
        double logRatio = Math.log(lr / BEST_RATE[m]);
        double rateTerm = Math.exp(-logRatio * logRatio / (2 * 0.35 * 0.35));
        double momentumTerm = Math.exp(-Math.pow((momentum - 0.9) / 0.06, 2) / 2);
        double sizeTerm = 1 - 0.15 * Math.pow((size - 640) / 400, 2);
        return BASE[m] * (0.25 + 0.75 * rateTerm) * (0.6 + 0.4 * momentumTerm) * sizeTerm;
    }

    private static double optimum() {
        return objective(Map.of("model_name", MODELS.get(2), "learning_rate", BEST_RATE[2], "momentum", 0.9,
                "min_size", 640.0));
    }

    /** One sweep: keep {@code concurrency} trials in flight; the earliest to finish reports and frees its slot. */
    private static Result simulate(Sampler sampler, int budget, int concurrency, long seed) {
        SweepState state = new SweepState("mean_average_precision");
        Random durations = new Random(new SplittableRandom(seed ^ 0xB5AD4ECEDA1CE2A9L).nextLong());
        PriorityQueue<double[]> running = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        List<Trial> all = new ArrayList<>();
        double[] bestSoFar = new double[budget];
        int done = 0;
        double now = 0;
        long nanos = 0;
        int proposals = 0;
        while (all.size() < budget || !running.isEmpty()) {
            while (all.size() < budget && running.size() < concurrency) {
                long t0 = System.nanoTime();
                Map<String, Object> p = sampler.propose(state).orElseThrow();
                nanos += System.nanoTime() - t0;
                proposals++;
                Trial t = state.addTrial(p);
                t.markRunning(T0);
                all.add(t);
                running.add(new double[] {now + 1 + durations.nextDouble(), all.size() - 1});
            }
            double[] next = running.poll();
            now = next[0];
            Trial t = all.get((int) next[1]);
            // Noise of this trial only, so both samplers see the same noise for the same trial number.
            Random noise = new Random(new SplittableRandom(seed * 1_000_003L + t.number()).nextLong());
            t.addEvaluation(1, objective(t.parameters()) + NOISE * noise.nextGaussian());
            t.finish(TrialState.COMPLETED, T0, null);
            bestSoFar[done] = Math.max(done == 0 ? Double.NEGATIVE_INFINITY : bestSoFar[done - 1], t.bestValue());
            done++;
        }
        Trial best = state.best().orElseThrow();
        List<PriorTrial> finished = all.stream()
                .map(t -> new PriorTrial("earlier", t.id(), t.parameters(), t.bestValue())).toList();
        return new Result(best.bestValue(), objective(best.parameters()), (double) nanos / proposals, bestSoFar,
                finished);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / Math.max(1, v.length - 1));
    }

    private static double median(double[] v) {
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /**
     * A 90% bootstrap interval of the median (2000 resamples, fixed seed): with 50 seeds the median fraction moves by
     * about 0.1 from one set of seeds to another, so a figure near the goal says little without it.
     */
    private static double[] medianInterval(double[] v) {
        Random random = new Random(17);
        double[] medians = new double[2000];
        double[] resample = new double[v.length];
        for (int b = 0; b < medians.length; b++) {
            for (int i = 0; i < v.length; i++) {
                resample[i] = v[random.nextInt(v.length)];
            }
            medians[b] = median(resample);
        }
        java.util.Arrays.sort(medians);
        return new double[] {medians[(int) (0.05 * medians.length)], medians[(int) (0.95 * medians.length) - 1]};
    }

    /** A budget fraction; above 1 means random's best was never reached. */
    private static String fraction(double f) {
        return f > 1 ? "> 1" : String.format(Locale.ROOT, "%.2f", f);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
