package io.automlseg.driver.persist;

/**
 * Another driver holds the run folder's lease: the sweep is running elsewhere (for example an Airflow retry started
 * while the first attempt still runs). Its own exit code, since retrying later may well succeed.
 */
public final class RunFolderBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    public RunFolderBusyException(String folder, RunLease.Holder holder) {
        super("the sweep in " + folder + " is being run by another driver (process " + holder.pid() + " on "
                + holder.host() + ", its lease holds until " + holder.expiresAt() + "); wait for it to end, or, if "
                + "it was killed, retry after its lease expires (" + RunLease.TTL.toSeconds() + " s after its last "
                + "renewal)");
    }
}
