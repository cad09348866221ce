package io.automlseg.driver.weights;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A weights server on 127.0.0.1 for tests: serves the files it is given under {@code /models/} and answers 404 for
 * the rest. Counts the requests per path.
 */
public final class WeightServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    public WeightServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", this::handle);
        server.start();
    }

    /** Serves {@code bytes} as {@code /models/<name>}. */
    public WeightServer serve(String name, byte[] bytes) {
        files.put(name, bytes);
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/";
    }

    /** GET and HEAD requests for a file. */
    public int requests(String name) {
        return requests(name, "GET") + requests(name, "HEAD");
    }

    public int requests(String name, String method) {
        return requests.getOrDefault(method + " " + name, new AtomicInteger()).get();
    }

    /** A file name that follows torch.hub's convention: {@code stem-<first 8 hex digits of the SHA-256>.pth}. */
    public static String hashedName(String stem, byte[] bytes) throws Exception {
        return stem + "-" + sha256(bytes).substring(0, 8) + ".pth";
    }

    public static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A port on 127.0.0.1 that nothing listens on (connections are refused). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/models/".length());
        requests.computeIfAbsent(exchange.getRequestMethod() + " " + name, k -> new AtomicInteger()).incrementAndGet();
        byte[] body = files.get(name);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException ignored) {
                // the client went away
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
