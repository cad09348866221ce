package io.automlseg.driver.weights;

import io.automlseg.driver.weights.WeightsUnavailableException.Reason;
import io.automlseg.executor.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;

/**
 * Fetches one file over HTTP(S) into a stream while hashing it. Connect and read timeouts are short, so an
 * unreachable network costs seconds, never a hang; a stalled transfer fails after {@link #READ_TIMEOUT} without
 * data. {@code https_proxy} / {@code HTTPS_PROXY} (and the http variants) are honoured, as edge nodes often need.
 */
public final class WeightDownloader {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** The read timeout in use; tests shorten it to check that a stalled server cannot hang a sweep. */
    static Duration readTimeout = READ_TIMEOUT;
    private static final long PROGRESS_STEP = 50L << 20;

    private WeightDownloader() {}

    /** What a download produced. */
    public record Fetched(long bytes, String sha256, double seconds) {}

    /** Downloads {@code url} into {@code out} (not closed), printing progress every 50 MB. */
    public static Fetched fetch(String url, OutputStream out, PrintStream progress) throws WeightsUnavailableException {
        long started = System.nanoTime();
        return exchange(url, "GET", connection -> {
            long length = connection.getContentLengthLong();
            if (progress != null) {
                progress.printf("Downloading %s%s%n", url, length > 0 ? String.format(Locale.ROOT, " (%.1f MB)",
                        length / 1e6) : "");
            }
            MessageDigest sha = Sha256.digest();
            long bytes = 0;
            long nextReport = PROGRESS_STEP;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = connection.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    bytes += n;
                    if (progress != null && bytes >= nextReport) {
                        progress.printf("  %.0f MB%s%n", bytes / 1e6, length > 0
                                ? String.format(Locale.ROOT, " of %.0f MB", length / 1e6) : "");
                        nextReport += PROGRESS_STEP;
                    }
                }
            }
            if (length > 0 && bytes != length) {
                throw new WeightsUnavailableException(url, Reason.NETWORK, url + ": the transfer ended after "
                        + bytes + " of " + length + " bytes", null);
            }
            return new Fetched(bytes, Sha256.hex(sha), (System.nanoTime() - started) / 1e9);
        });
    }

    /** Whether the server has the file (HEAD, then the status), without downloading it: for the pre-flight check. */
    public static void probe(String url) throws WeightsUnavailableException {
        exchange(url, "HEAD", connection -> null);
    }

    private interface Body<T> {
        T read(HttpURLConnection connection) throws IOException;
    }

    /** One request: an answer other than 200 and every I/O failure become a {@link WeightsUnavailableException}. */
    private static <T> T exchange(String url, String method, Body<T> body) throws WeightsUnavailableException {
        HttpURLConnection connection = null;
        try {
            connection = open(url, method);
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                String message = connection.getResponseMessage();
                throw new WeightsUnavailableException(url, status >= 500 ? Reason.NETWORK : Reason.HTTP_STATUS,
                        url + ": the server answered HTTP " + status + (message != null ? " " + message : ""), null);
            }
            return body.read(connection);
        } catch (WeightsUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new WeightsUnavailableException(url, Reason.NETWORK, url + ": " + describe(e), e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static HttpURLConnection open(String url, String method) throws IOException {
        URI uri = URI.create(url);
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(proxyFor(uri));
        c.setRequestMethod(method);
        c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        c.setReadTimeout((int) readTimeout.toMillis());
        c.setInstanceFollowRedirects(true);
        c.setRequestProperty("User-Agent", "automl-seg");
        return c;
    }

    /** The proxy the usual environment variables name for this URL's scheme, or a direct connection. */
    private static Proxy proxyFor(URI uri) {
        if ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost())) {
            return Proxy.NO_PROXY;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String value = System.getenv(scheme + "_proxy");
        if (value == null) {
            value = System.getenv(scheme.toUpperCase(Locale.ROOT) + "_PROXY");
        }
        if (value == null || value.isBlank()) {
            return Proxy.NO_PROXY;
        }
        URI proxy = URI.create(value.contains("://") ? value : "http://" + value);
        return new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxy.getHost(),
                proxy.getPort() > 0 ? proxy.getPort() : 80));
    }

    private static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage() + " (no DNS: is there internet access?)";
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "cannot connect (" + e.getMessage() + ")";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out (" + e.getMessage() + "; connect timeout " + CONNECT_TIMEOUT.toSeconds()
                    + " s, read timeout " + readTimeout.toSeconds() + " s)";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
