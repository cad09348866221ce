package io.automlseg.driver.spark;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A trial JVM's stand-in for {@link TrialClassArchiveTest}: loads a library's classes from a jar, then exits 0. */
public final class ArchiveProbeMain {
    private ArchiveProbeMain() {}

    public static void main(String[] args) throws Exception {
        System.out.println(new ObjectMapper().writeValueAsString(java.util.Map.of("probe", args.length)));
    }
}
