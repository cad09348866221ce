package io.automlseg.executor.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What was wrong in a data set: every problem is counted per reason and the first few are kept as examples. With
 * {@code ignoreDataErrors} it tells what was skipped; without, its problems become one {@link DataError}.
 */
public final class DataReport {
    /** Examples kept per report; counts are always complete. */
    public static final int EXAMPLES = DataError.SHOWN;

    /** What a problem made the reader leave out. */
    public enum Skipped {
        /** a data file */
        FILE("file", "files"),
        /** a JSONL line (one image) */
        ROW("row", "rows"),
        /** one labelled object of an image */
        OBJECT("object", "objects"),
        /** one polygon part of an object */
        PART("polygon part", "polygon parts"),
        /** the optional image_details of a line (the image itself is kept) */
        DETAILS("image_details", "image_details");

        private final String singular;
        private final String plural;

        Skipped(String singular, String plural) {
            this.singular = singular;
            this.plural = plural;
        }
    }

    private final Map<DataProblem.Kind, Integer> byKind = new EnumMap<>(DataProblem.Kind.class);
    private final Map<Skipped, Integer> bySkipped = new EnumMap<>(Skipped.class);
    private final List<DataProblem> examples = new ArrayList<>();
    private int total;

    /** Records a problem and what it caused to be left out. */
    public synchronized void add(DataProblem problem, Skipped skipped) {
        byKind.merge(problem.kind(), 1, Integer::sum);
        bySkipped.merge(skipped, 1, Integer::sum);
        if (examples.size() < EXAMPLES) {
            examples.add(problem);
        }
        total++;
    }

    /** Counts an item left out as a consequence of earlier problems (an object whose parts were all dropped). */
    public synchronized void addConsequence(Skipped skipped) {
        bySkipped.merge(skipped, 1, Integer::sum);
    }

    /** Adds the counts and examples of another report. */
    public synchronized void addAll(DataReport other) {
        other.byKind.forEach((k, v) -> byKind.merge(k, v, Integer::sum));
        other.bySkipped.forEach((k, v) -> bySkipped.merge(k, v, Integer::sum));
        for (DataProblem p : other.examples) {
            if (examples.size() < EXAMPLES) {
                examples.add(p);
            }
        }
        total += other.total;
    }

    public synchronized int total() {
        return total;
    }

    public synchronized boolean isEmpty() {
        return total == 0;
    }

    public synchronized int count(DataProblem.Kind kind) {
        return byKind.getOrDefault(kind, 0);
    }

    public synchronized int skipped(Skipped what) {
        return bySkipped.getOrDefault(what, 0);
    }

    public synchronized Map<DataProblem.Kind, Integer> countsByKind() {
        return Collections.unmodifiableMap(new EnumMap<>(byKind));
    }

    public synchronized List<DataProblem> examples() {
        return List.copyOf(examples);
    }

    /** Throws the problems as one {@link DataError} unless there are none. */
    public synchronized void throwIfAny() {
        if (total > 0) {
            throw new DataError(examples, total);
        }
    }

    /** Human-readable summary: skipped counts, counts per reason, then examples. */
    public synchronized String summary() {
        if (total == 0) {
            return "no data problems";
        }
        StringBuilder sb = new StringBuilder().append(total).append(" data problems; skipped");
        String sep = " ";
        for (Skipped s : Skipped.values()) {
            int n = bySkipped.getOrDefault(s, 0);
            if (n > 0) {
                sb.append(sep).append(n).append(' ').append(n == 1 ? s.singular : s.plural);
                sep = ", ";
            }
        }
        for (Map.Entry<DataProblem.Kind, Integer> e : byKind.entrySet()) {
            sb.append("\n  ").append(e.getValue()).append(" x ").append(e.getKey().description());
        }
        sb.append("\nfirst problems:");
        for (DataProblem p : examples) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
