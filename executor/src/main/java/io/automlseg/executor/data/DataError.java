package io.automlseg.executor.data;

import java.util.List;

/**
 * Bad user data: all problems found (up to a cap) in one message, one problem per line, so the user can fix them in
 * one go instead of one run per problem.
 */
public final class DataError extends RuntimeException {
    /** How many problems the message lists before summarising the rest. */
    public static final int SHOWN = 20;

    private static final long serialVersionUID = 1L;

    /** Kept serialisable: a data error raised inside a Spark task travels back to the driver. */
    private final List<DataProblem> problems;
    private final int total;

    public DataError(DataProblem problem) {
        this(List.of(problem), 1);
    }

    /**
     * @param problems the first problems found (at least one)
     * @param total how many were found in all, at least {@code problems.size()}
     */
    public DataError(List<DataProblem> problems, int total) {
        super(format(problems, total));
        this.problems = List.copyOf(problems);
        this.total = Math.max(total, problems.size());
    }

    public List<DataProblem> problems() {
        return problems;
    }

    public int total() {
        return total;
    }

    private static String format(List<DataProblem> problems, int total) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a data error needs at least one problem");
        }
        total = Math.max(total, problems.size());
        if (total == 1) {
            return problems.get(0).toString();
        }
        StringBuilder sb = new StringBuilder().append(total).append(" data problems");
        if (total > problems.size() || problems.size() > SHOWN) {
            sb.append(" (first ").append(Math.min(SHOWN, problems.size())).append(" shown)");
        }
        sb.append(':');
        for (int i = 0; i < problems.size() && i < SHOWN; i++) {
            sb.append("\n  ").append(problems.get(i));
        }
        int rest = total - Math.min(SHOWN, problems.size());
        if (rest > 0) {
            sb.append("\n  ... and ").append(rest).append(" more");
        }
        return sb.toString();
    }
}
