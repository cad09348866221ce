package io.automlseg.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void stringAndObjectFormsAgree() {
        assertEquals(Distribution.fromMap(Map.of("type", "uniform", "min_value", 0.0001, "max_value", 0.001)),
                Distribution.parse("uniform(0.0001, 0.001)"));
        assertEquals(Distribution.fromMap(Map.of("type", "qlognormal", "mu", 1, "sigma", 0.5, "q", 2)),
                Distribution.parse(" qlognormal( 1 , 0.5, 2 ) "));
        assertEquals(List.of("sgd", "adam"), Distribution.parse("choice('sgd','adam')").choices());
        assertEquals(List.of(600, 800), Distribution.parse("choice([600, 800])").choices());
        assertEquals(List.of(1e-4, "x y"), Distribution.parse("choice(1e-4, \"x y\")").choices());
        Distribution d = Distribution.parse("quniform(2, 10, 2)");
        assertEquals(d, Distribution.parse(d.toString()));
        assertEquals(d, Distribution.fromMap(d.toMap()));
    }

    @Test
    void badExpressionsSayWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Distribution.parse("uniform(1)"))
                .getMessage().contains("takes 2 arguments (min_value, max_value)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Distribution.parse("uniform(2, 1)"))
                .getMessage().contains("greater than max_value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromMap(Map.of("type", "normal", "mu", 0, "sigma", 1, "min_value", 0)))
                .getMessage().contains("unknown key(s) [min_value]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Distribution.parse("randint(2.5)"))
                .getMessage().contains("integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Distribution.parse("choice()"))
                .getMessage().contains("at least one value"));
    }

    @Test
    void samplesFollowEachKindsDefinition() {
        Random r = new Random(1);
        for (int i = 0; i < 2000; i++) {
            int k = (Integer) Distribution.parse("randint(5)").sample(r);
            assertTrue(k >= 0 && k < 5);
            double u = (Double) Distribution.parse("uniform(2, 3)").sample(r);
            assertTrue(u >= 2 && u <= 3);
            double lu = (Double) Distribution.parse("loguniform(-4, -2)").sample(r);
            assertTrue(lu >= Math.exp(-4) && lu <= Math.exp(-2));
            double q = (Double) Distribution.parse("quniform(0, 10, 2.5)").sample(r);
            assertEquals(0, q % 2.5, 1e-9);
            double ln = (Double) Distribution.parse("lognormal(0, 1)").sample(r);
            assertTrue(ln > 0);
            double qln = (Double) Distribution.parse("qlognormal(3, 0.2, 5)").sample(r);
            assertEquals(0, qln % 5, 1e-9);
        }
        double sum = 0;
        for (int i = 0; i < 4000; i++) {
            sum += (Double) Distribution.parse("normal(10, 2)").sample(r);
        }
        assertEquals(10, sum / 4000, 0.15);
    }

    @Test
    void everyKindChecksItsArguments() {
        Map<String, String> badToReason = Map.of(
                "normal(0, -1)", "sigma must be >= 0",
                "qlognormal(1, -0.5, 1)", "sigma must be >= 0",
                "quniform(0, 10, 0)", "q must be > 0",
                "qloguniform(-2, -1, -0.5)", "q must be > 0",
                "randint(0)", "upper must be an integer >= 1",
                "loguniform(-1, -3)", "greater than max_value",
                "uniform('a', 1)", "argument 1 is not a number",
                "gaussian(0, 1)", "unknown distribution \"gaussian\"",
                "qnormal(1, 2)", "takes 3 arguments (mu, sigma, q)");
        for (Map.Entry<String, String> e : badToReason.entrySet()) {
            String message = assertThrows(IllegalArgumentException.class, () -> Distribution.parse(e.getKey()),
                    e.getKey()).getMessage();
            assertTrue(message.contains(e.getValue()), e.getKey() + ": " + message);
        }
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromMap(Map.of("type", "lognormal", "mu", 0)))
                .getMessage().contains("missing sigma"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromMap(Map.of("type", "choice", "values", "sgd")))
                .getMessage().contains("'values' must be a list"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromMap(Map.of("type", "uniform", "min_value", "low", "max_value", 1)))
                .getMessage().contains("'min_value' must be a number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromMap(Map.of("min_value", 0, "max_value", 1)))
                .getMessage().contains("needs a string 'type'"));
    }

    @Test
    void quantisedNormalAndLogUniformKinds() {
        Random r = new Random(2);
        for (int i = 0; i < 2000; i++) {
            double qn = (Double) Distribution.parse("qnormal(100, 10, 5)").sample(r);
            assertEquals(0, qn % 5, 1e-9);
            double qlu = (Double) Distribution.parse("qloguniform(0, 3, 0.5)").sample(r);
            assertEquals(0, qlu % 0.5, 1e-9);
            assertTrue(qlu >= 1.0 && qlu <= 20.0, "qloguniform " + qlu);
        }
        // The bounds the configuration checks against a hyperparameter's range.
        double[] b = Distribution.parse("qloguniform(0, 3, 0.5)").bounds();
        assertEquals(1.0, b[0], 1e-12);
        assertEquals(20.0, b[1], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, Distribution.parse("qnormal(1, 2, 1)").bounds()[0]);
        assertEquals(0, Distribution.parse("lognormal(1, 2)").bounds()[0]);
    }
}
