package io.automlseg.driver.sweep;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.EpochReport;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The driver's side of the trial protocol, in a trial's folder: it writes the spec and the stop request, and reads
 * the epoch reports, the result and whether a model was saved.
 */
public record TrialFolder(String dir) {

    /** One epoch report and the file it came from. */
    public record Report(String file, EpochReport report) {}

    public String file(String relative) {
        return TrialFiles.resolve(dir, relative);
    }

    /** Writes the trial's spec.json and returns its URI. */
    public String writeSpec(TrialSpec spec) throws IOException {
        String uri = file(TrialFiles.SPEC);
        Json.writeAtomically(uri, spec);
        return uri;
    }

    /**
     * The epoch reports not in {@code seen}, in file order; each one read is added to {@code seen}. A report being
     * written, or a folder not there yet, is left for the next call.
     */
    public List<Report> newReports(Set<String> seen) {
        List<String> files;
        try {
            files = Storage.list(file(TrialFiles.METRICS_DIR));
        } catch (IOException e) {
            return List.of(); // Not there yet, or a passing storage hiccup: next round.
        }
        files.sort(null);
        List<Report> reports = new ArrayList<>();
        for (String f : files) {
            String name = f.substring(f.lastIndexOf('/') + 1);
            if (seen.contains(name) || !name.matches("epoch-\\d+\\.json")) {
                continue;
            }
            try {
                reports.add(new Report(f, Json.read(f, EpochReport.class)));
            } catch (IOException e) {
                continue; // Being written: read it next round.
            }
            seen.add(name);
        }
        return reports;
    }

    /** The trial's result.json, or null when it is missing or unreadable. */
    public TrialResult result() {
        String uri = file(TrialFiles.RESULT);
        try {
            return Storage.exists(uri) ? Json.read(uri, TrialResult.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    public boolean resultWritten() throws IOException {
        return Storage.exists(file(TrialFiles.RESULT));
    }

    public boolean hasModel() throws IOException {
        return Storage.exists(file(TrialFiles.MODEL_DIR));
    }

    /** Writes the STOP file the trial checks after each evaluation. */
    public void requestStop(String reason) throws IOException {
        Storage.writeString(file(TrialFiles.STOP_REQUEST), reason + "\n");
    }

    /** The stop request written earlier (by a driver that died since), or null. */
    public String stopRequest() {
        try {
            String uri = file(TrialFiles.STOP_REQUEST);
            return Storage.exists(uri) ? Storage.readString(uri).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** When a file was last written, or {@code fallback} if that cannot be told. */
    public static long modifiedMillis(String uri, long fallback) {
        try {
            org.apache.hadoop.fs.Path p = Storage.path(uri);
            return Storage.fileSystem(p).getFileStatus(p).getModificationTime();
        } catch (IOException e) {
            return fallback;
        }
    }
}
