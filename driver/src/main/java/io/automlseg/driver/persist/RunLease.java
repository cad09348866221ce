package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver at a time in a run folder: {@code lease.json} names the driver running the sweep (host, process,
 * until when), renewed while it runs. Another driver (an Airflow retry whose first attempt still runs) is refused
 * with {@link RunFolderBusyException}. A lease is taken over once it has expired, or at once when its holder was a
 * process of this host that no longer runs (a killed driver resumed on the same machine).
 */
public final class RunLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLease.class);
    /** How long a lease holds without renewal: a driver that stops renewing frees its folder after this. */
    public static final Duration TTL = Duration.ofSeconds(90);
    static final Duration RENEW_EVERY = Duration.ofSeconds(20);

    /** The lease file's content. */
    public record Holder(@JsonProperty("holder") String id, @JsonProperty("host") String host,
                         @JsonProperty("pid") long pid, @JsonProperty("expires_at") String expiresAt) {}

    private final RunFolder folder;
    private final Clock clock;
    private final Holder self;
    private final ScheduledExecutorService renewer;

    private RunLease(RunFolder folder, Clock clock, Holder self, boolean renew) {
        this.folder = folder;
        this.clock = clock;
        this.self = self;
        this.renewer = renew ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-lease-renewal");
            t.setDaemon(true);
            return t;
        }) : null;
        if (renewer != null) {
            long every = RENEW_EVERY.toMillis();
            renewer.scheduleAtFixedRate(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Takes the folder's lease for this process, renewed in the background until {@link #close()}. */
    public static RunLease acquire(RunFolder folder) throws IOException, RunFolderBusyException {
        return acquire(folder, Clock.systemUTC(), true);
    }

    static RunLease acquire(RunFolder folder, Clock clock, boolean renew) throws IOException, RunFolderBusyException {
        Holder self = new Holder(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), null);
        String file = folder.lease();
        if (Storage.exists(file)) {
            Holder other = Json.read(file, Holder.class);
            if (!isStale(other, self.host(), clock)) {
                throw new RunFolderBusyException(folder.uri(), other);
            }
            LOG.info("taking over the expired lease of {} (driver {} on {})", folder.uri(), other.pid(), other.host());
            Storage.delete(file);
        }
        Holder held = withExpiry(self, clock);
        Path path = Storage.path(file);
        FileSystem fs = Storage.fileSystem(path);
        // create without overwrite: of two drivers starting at once, one fails here
        try (OutputStream out = fs.create(path, false)) {
            out.write(Json.line(held).getBytes(StandardCharsets.UTF_8));
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            throw new RunFolderBusyException(folder.uri(), Json.read(file, Holder.class));
        }
        return new RunLease(folder, clock, self, renew);
    }

    /** Whether a lease no longer holds: expired, or its holder was a process of this host that has ended. */
    static boolean isStale(Holder holder, String thisHost, Clock clock) {
        if (holder.expiresAt() == null || Instant.parse(holder.expiresAt()).isBefore(clock.instant())) {
            return true;
        }
        return holder.host().equals(thisHost) && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    /** Extends the lease by {@link #TTL} from now. */
    void renew() throws IOException {
        Holder current = Storage.exists(folder.lease()) ? Json.read(folder.lease(), Holder.class) : null;
        if (current != null && !current.id().equals(self.id())) {
            LOG.warn("the lease of {} was taken over by driver {} on {}: this driver no longer holds it",
                    folder.uri(), current.pid(), current.host());
            return;
        }
        Json.writeAtomically(folder.lease(), withExpiry(self, clock));
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not renew the lease of {}: {}", folder.uri(), e.toString());
        }
    }

    /** Stops renewing and frees the folder (if this driver still holds it). */
    @Override
    public void close() throws IOException {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        if (Storage.exists(folder.lease()) && self.id().equals(Json.read(folder.lease(), Holder.class).id())) {
            Storage.delete(folder.lease());
        }
    }

    private static Holder withExpiry(Holder h, Clock clock) {
        return new Holder(h.id(), h.host(), h.pid(), clock.instant().plus(TTL).toString());
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
