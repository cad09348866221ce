package io.automlseg.driver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One driver per run folder: the lease refuses a second driver, expires, and frees the folder at the end. */
class RunLeaseTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path tmp;

    private RunFolder folder() {
        return new RunFolder(tmp.toUri().toString());
    }

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    /** A lease written by a driver elsewhere (another host), valid until {@code expires}. */
    private void leaseOfAnotherHost(Instant expires) throws Exception {
        Json.write(folder().lease(), new RunLease.Holder("other", "elsewhere.example", 4242, expires.toString()));
    }

    @Test
    void aSecondDriverIsRefusedUntilTheLeaseExpiresThenTakesItOver() throws Exception {
        leaseOfAnotherHost(NOW.plusSeconds(30));
        RunFolderBusyException busy = assertThrows(RunFolderBusyException.class,
                () -> RunLease.acquire(folder(), at(NOW), false));
        assertTrue(busy.getMessage().contains("process 4242 on elsewhere.example")
                && busy.getMessage().contains("2026-12-01T12:00:30Z"), busy.getMessage());

        try (RunLease lease = RunLease.acquire(folder(), at(NOW.plusSeconds(31)), false)) {
            RunLease.Holder held = Json.read(folder().lease(), RunLease.Holder.class);
            assertEquals(ProcessHandle.current().pid(), held.pid());
            assertEquals(NOW.plusSeconds(31).plus(RunLease.TTL).toString(), held.expiresAt());
            assertThrows(RunFolderBusyException.class, () -> RunLease.acquire(folder(), at(NOW.plusSeconds(32)), false),
                    "a live lease of this very process is not taken over either");
        }
        assertFalse(Files.exists(tmp.resolve("lease.json")), "closing frees the folder");
    }

    @Test
    void aLeaseOfAProcessOfThisHostThatHasEndedIsTakenOverAtOnce() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Json.write(folder().lease(), new RunLease.Holder("killed", host, ended.pid(),
                NOW.plus(Duration.ofMinutes(5)).toString()));
        try (RunLease lease = RunLease.acquire(folder(), at(NOW), false)) {
            assertEquals(ProcessHandle.current().pid(), Json.read(folder().lease(), RunLease.Holder.class).pid());
        }
    }

    @Test
    void renewalExtendsTheLeaseAndStopsOnceAnotherDriverTookItOver() throws Exception {
        RunLease lease = RunLease.acquire(folder(), at(NOW), false);
        String id = Json.read(folder().lease(), RunLease.Holder.class).id();
        lease.renew();
        assertEquals(id, Json.read(folder().lease(), RunLease.Holder.class).id());
        leaseOfAnotherHost(NOW.plusSeconds(600));
        lease.renew();
        assertEquals("other", Json.read(folder().lease(), RunLease.Holder.class).id(), "not written over");
        lease.close();
        assertTrue(Files.exists(tmp.resolve("lease.json")), "closing leaves another driver's lease alone");
    }
}
