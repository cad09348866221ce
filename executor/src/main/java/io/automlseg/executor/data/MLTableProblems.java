package io.automlseg.executor.data;

import java.util.ArrayList;
import java.util.List;

/** Problems of an MLTable file itself, all reported at once. */
final class MLTableProblems {
    private final String file;
    private final List<DataProblem> list = new ArrayList<>();

    MLTableProblems(String file) {
        this.file = file;
    }

    DataProblem at(int line, String field, String message) {
        return new DataProblem(file, line, field, DataProblem.Kind.BAD_MLTABLE, message);
    }

    void add(String field, String message) {
        list.add(at(0, field, message));
    }

    void add(String field, DataProblem.Kind kind, String message) {
        list.add(new DataProblem(file, 0, field, kind, message));
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            throw new DataError(list, list.size());
        }
    }
}
