package io.automlseg.executor.data;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the reference's datastore URIs ({@code azureml://subscriptions/.../workspaces/.../datastores/NAME/paths/P},
 * or the short {@code azureml://datastores/NAME/paths/P}) into Hadoop URIs through a mapping of datastore names to
 * folders (the job file's {@code datastores}, ours), so that an MLTable exported from the reference loads unchanged.
 */
public final class AzureMlDatastores {
    private static final Pattern URI = Pattern.compile(
            "azureml://(?:subscriptions/[^/]+/resourcegroups/[^/]+/workspaces/[^/]+/)?datastores/([^/]+)/paths/(.*)",
            Pattern.CASE_INSENSITIVE);

    private AzureMlDatastores() {}

    /** Whether {@code uri} is a datastore URI of the reference. */
    public static boolean isDatastoreUri(String uri) {
        return uri.regionMatches(true, 0, "azureml://", 0, 10);
    }

    /**
     * The Hadoop URI a datastore URI stands for.
     *
     * @throws IllegalArgumentException for a URI of another form, or a datastore the mapping lacks (the message
     *     names it and shows the mapping to add)
     */
    public static String resolve(String uri, Map<String, String> datastores) {
        Matcher m = URI.matcher(uri);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + uri + "' is not a datastore URI of the form "
                    + "azureml://[subscriptions/S/resourcegroups/R/workspaces/W/]datastores/NAME/paths/PATH");
        }
        String name = m.group(1);
        String folder = datastores.get(name);
        if (folder == null) {
            throw new IllegalArgumentException("datastore '" + name + "' of " + uri + " is not mapped to a folder: add"
                    + " it to the job file, e.g.\n  datastores:\n    " + name + ": abfss://CONTAINER@ACCOUNT.dfs.core"
                    + ".windows.net/PREFIX   # or hdfs://, wasbs://, file:///...");
        }
        return (folder.endsWith("/") ? folder : folder + "/") + m.group(2);
    }
}
