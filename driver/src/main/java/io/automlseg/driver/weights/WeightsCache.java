package io.automlseg.driver.weights;

import io.automlseg.driver.weights.WeightsUnavailableException.Reason;
import io.automlseg.executor.io.Sha256;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * A folder of weight files on any Hadoop file system ({@code weights_cache}), filled by the driver before any trial
 * starts and read by the trials, so executors need no internet access. An entry is only ever a checked file: a
 * download is written beside its place, its SHA-256 checked, then renamed into place; a failed or interrupted one
 * never becomes an entry. A file already there with the right hash is not fetched again; one with a wrong hash (a
 * damaged or wrong copy) is replaced by a fresh download.
 */
public final class WeightsCache {
    public static final String CACHE_PROPERTY = "automlseg.weights.cache";
    public static final String CACHE_ENV = "AUTOML_WEIGHTS_CACHE";

    private final String uri;

    public WeightsCache(String uri) {
        this.uri = Storage.qualify(uri).replaceAll("/+$", "");
    }

    /**
     * The cache of a run on this machine: {@value #CACHE_PROPERTY} or {@value #CACHE_ENV} when set, else
     * {@code ~/.cache/automl-seg/weights}.
     */
    public static String defaultLocation() {
        return fromEnvironment().orElseGet(
                () -> Path.of(System.getProperty("user.home"), ".cache", "automl-seg", "weights").toUri().toString());
    }

    /**
     * The cache a sweep uses: {@code weights_cache} when the job gives it; else {@value #CACHE_PROPERTY} or
     * {@value #CACHE_ENV}; else, for a local master, {@code ~/.cache/automl-seg/weights}; else (a cluster, whose
     * executors must read the files) the run folder's {@code weights/}.
     */
    public static WeightsCache forSweep(String configured, boolean localMaster, String runFolder) {
        if (configured != null) {
            return new WeightsCache(configured);
        }
        if (fromEnvironment().isPresent() || localMaster) {
            return new WeightsCache(defaultLocation());
        }
        return new WeightsCache(runFolder.replaceAll("/+$", "") + "/weights");
    }

    private static Optional<String> fromEnvironment() {
        for (String value : new String[] {System.getProperty(CACHE_PROPERTY), System.getenv(CACHE_ENV)}) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    public String uri() {
        return uri;
    }

    public String fileUri(String fileName) {
        return uri + "/" + fileName;
    }

    /** A file in the cache, checked. */
    public record Stored(String uri, String sha256, boolean downloaded, long bytes, double seconds) {}

    /**
     * The cached file if it is there with a SHA-256 that starts with {@code sha256Prefix} (any file when the prefix
     * is null); empty if it is not there.
     *
     * @throws WeightsUnavailableException (HASH_MISMATCH) if it is there with another hash
     */
    public Optional<Stored> verified(String fileName, String sha256Prefix) throws WeightsUnavailableException {
        String file = fileUri(fileName);
        try {
            if (!Storage.exists(file)) {
                return Optional.empty();
            }
            String sha = Sha256.ofFile(file);
            if (sha256Prefix != null && !sha.startsWith(sha256Prefix)) {
                throw new WeightsUnavailableException(file, Reason.HASH_MISMATCH, file + " has SHA-256 "
                        + sha.substring(0, 16) + "..., not " + sha256Prefix + "... (a damaged or wrong copy)", null);
            }
            return Optional.of(new Stored(file, sha, false, 0, 0));
        } catch (WeightsUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new WeightsUnavailableException(file, Reason.STORAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file from the cache, or fetched from {@code url} into it when it is missing or damaged.
     *
     * @param sha256Prefix the hash the file must start with, or null for a file whose name carries none
     */
    public Stored ensure(String url, String fileName, String sha256Prefix, PrintStream progress)
            throws WeightsUnavailableException {
        WeightsUnavailableException damaged = null;
        try {
            Optional<Stored> hit = verified(fileName, sha256Prefix);
            if (hit.isPresent()) {
                return hit.get();
            }
        } catch (WeightsUnavailableException e) {
            if (e.reason() != Reason.HASH_MISMATCH) {
                throw e;
            }
            damaged = e;
            if (progress != null) {
                progress.println(e.getMessage() + ": fetching it again");
            }
        }
        try {
            return fetch(url, fileName, sha256Prefix, progress);
        } catch (WeightsUnavailableException e) {
            if (damaged != null) {
                throw new WeightsUnavailableException(url, Reason.HASH_MISMATCH, damaged.getMessage()
                        + ", and a fresh copy could not be fetched: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Downloads into a temporary sibling, checks the hash, then renames it into place. */
    Stored fetch(String url, String fileName, String sha256Prefix, PrintStream progress)
            throws WeightsUnavailableException {
        String target = fileUri(fileName);
        String partial = fileUri("." + fileName + ".part-" + UUID.randomUUID());
        try {
            WeightDownloader.Fetched fetched;
            try (OutputStream out = Storage.create(partial)) {
                fetched = WeightDownloader.fetch(url, out, progress);
            } catch (IOException e) {
                if (e instanceof WeightsUnavailableException w) {
                    throw w;
                }
                throw new WeightsUnavailableException(url, Reason.STORAGE, "cannot write " + partial + ": "
                        + e.getMessage(), e);
            }
            if (sha256Prefix != null && !fetched.sha256().startsWith(sha256Prefix)) {
                throw new WeightsUnavailableException(url, Reason.HASH_MISMATCH, url + ": the download's SHA-256 is "
                        + fetched.sha256().substring(0, 16) + "..., not " + sha256Prefix
                        + "... (a corrupted transfer or a wrong mirror); nothing was cached", null);
            }
            if (Storage.exists(target)) {
                Storage.delete(target); // a damaged copy, or one a concurrent sweep just checked in: ours is checked
            }
            Storage.rename(partial, target);
            if (progress != null) {
                progress.printf("Cached %s (%.1f MB in %.1f s, SHA-256 %s)%n", target, fetched.bytes() / 1e6,
                        fetched.seconds(), fetched.sha256());
            }
            return new Stored(target, fetched.sha256(), true, fetched.bytes(), fetched.seconds());
        } catch (IOException e) {
            if (e instanceof WeightsUnavailableException w) {
                throw w;
            }
            throw new WeightsUnavailableException(url, Reason.STORAGE, "cannot store " + target + ": "
                    + e.getMessage(), e);
        } finally {
            try {
                if (Storage.exists(partial)) {
                    Storage.delete(partial);
                }
            } catch (IOException ignored) {
                // best effort: a leftover .part file is never taken for an entry
            }
        }
    }
}
