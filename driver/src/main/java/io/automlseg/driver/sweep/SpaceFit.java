package io.automlseg.driver.sweep;

import java.util.Map;

/** Whether a trial's parameters could have come from a search space, and if not, which parameter is why. */
public final class SpaceFit {
    private SpaceFit() {}

    /** The first sub-space whose names are the trial's and whose expressions can produce its values; -1 if none. */
    public static int subspaceOf(SearchSpace space, Map<String, Object> parameters) {
        for (int s = 0; s < space.subspaces().size(); s++) {
            Map<String, Distribution> sub = space.subspaces().get(s);
            if (sub.keySet().equals(parameters.keySet()) && misfit(sub, parameters) == null) {
                return s;
            }
        }
        return -1;
    }

    /**
     * Why the parameters fit no sub-space, naming one parameter (judged against the sub-space sharing the most
     * names with them), e.g. {@code parameter momentum is not in the search space} (never the value, so
     * that the trials skipped for one parameter make one line); null when they fit one.
     */
    public static String misfit(SearchSpace space, Map<String, Object> parameters) {
        if (subspaceOf(space, parameters) >= 0) {
            return null;
        }
        Map<String, Distribution> closest = null;
        long shared = -1;
        for (Map<String, Distribution> sub : space.subspaces()) {
            long n = sub.keySet().stream().filter(parameters::containsKey).count();
            if (n > shared) {
                closest = sub;
                shared = n;
            }
        }
        for (String name : parameters.keySet()) {
            if (!closest.containsKey(name)) {
                return "parameter " + name + " is not in the search space";
            }
        }
        for (String name : closest.keySet()) {
            if (!parameters.containsKey(name)) {
                return "parameter " + name + " is missing (the search space has it)";
            }
        }
        return misfit(closest, parameters);
    }

    private static String misfit(Map<String, Distribution> sub, Map<String, Object> parameters) {
        for (Map.Entry<String, Distribution> e : sub.entrySet()) {
            Object value = parameters.get(e.getKey());
            if (!canProduce(e.getValue(), value)) {
                return "parameter " + e.getKey() + " has values that " + e.getValue() + " cannot produce";
            }
        }
        return null;
    }

    static boolean canProduce(Distribution d, Object value) {
        if (d.isChoice()) {
            return ParameterDensities.indexOf(d.choices(), value) >= 0;
        }
        if (!(value instanceof Number n)) {
            return false;
        }
        double[] a = d.arguments();
        double slack = d.kind() == Distribution.Kind.QUNIFORM ? a[2] : 1e-9 * Math.max(1, Math.abs(a[1] - a[0]));
        return n.doubleValue() >= a[0] - slack && n.doubleValue() <= a[1] + slack;
    }
}
