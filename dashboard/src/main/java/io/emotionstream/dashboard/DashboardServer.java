package io.emotionstream.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The dashboard's HTTP server (Jetty): a bounded thread pool; at most {@link #MAX_CONNECTIONS} connections, and at
 * most {@link #MAX_CONNECTIONS_PER_ADDRESS} from one address ({@link ConnectionsPerAddress}), so that one client cannot
 * take them all; a connection closed after {@link #FIRST_REQUEST_TIMEOUT_MS} without traffic until it has made an
 * accepted request (a client that never finishes its headers, or never logs in, holds no thread and its socket not
 * for long), after {@link #IDLE_TIMEOUT_MS} once it has; headers of at most 8 KiB; HTTPS when a keystore is given;
 * and HTTP Basic logins checked before anything else when a logins file is given, failed ones slowed down per
 * address and per user ({@link LoginBackOff}: 429 with Retry-After while an address or name must wait).
 */
final class DashboardServer implements AutoCloseable {
    static final int MAX_THREADS = 16;
    static final int FIRST_REQUEST_TIMEOUT_MS = 10_000;
    static final int IDLE_TIMEOUT_MS = 30_000;
    static final int MAX_CONNECTIONS = 512;
    static final int MAX_CONNECTIONS_PER_ADDRESS = 64;

    private final Server server;
    private final ServerConnector connector;

    /** @param logins the users to require (read from {@code options.logins()}), or null for none */
    DashboardServer(WebOptions options, Logins logins, Handler app) {
        // the pool's queue is left unbounded, as Jetty advises: the connection limit bounds it
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("dashboard-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8 * 1024);
        if (options.https()) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStoreType("PKCS12");
            tls.setKeyStorePath(options.keystore().toAbsolutePath().toString());
            tls.setKeyStorePassword(options.keystorePassword());
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // one certificate: the client may name the host as it likes
            http.addCustomizer(secure);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(FIRST_REQUEST_TIMEOUT_MS);
        connector.addBean(new ConnectionsPerAddress(MAX_CONNECTIONS_PER_ADDRESS));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setHandler(logins == null ? new Accepted(app) : new LoginRequired(logins, new LoginBackOff(), app));
        server.setStopTimeout(2_000);
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Passes every request on, giving its connection the idle timeout of an accepted one. */
    private static class Accepted extends Handler.Wrapper {
        Accepted(Handler app) {
            super(app);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            request.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(IDLE_TIMEOUT_MS);
            return super.handle(request, response, callback);
        }
    }

    /**
     * Passes on the requests that carry a user's credentials; answers 401 with a Basic challenge to the others, and
     * 429 to an address or user name that failed too often lately, whatever it sends.
     */
    private static final class LoginRequired extends Accepted {
        private final Logins logins;
        private final LoginBackOff backOff;

        LoginRequired(Logins logins, LoginBackOff backOff, Handler app) {
            super(app);
            this.logins = logins;
            this.backOff = backOff;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String credentials = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String address = Request.getRemoteAddr(request);
            String user = Logins.userOf(credentials);
            long now = System.currentTimeMillis();
            long wait = backOff.waitMillis(address, user, now);
            if (wait > 0) {
                long seconds = (wait + 999) / 1000;
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
                return answer(response, callback, 429, "too many failed logins: try again in " + seconds + " s");
            }
            if (logins.accepts(credentials)) {
                backOff.succeeded(address, user);
                return super.handle(request, response, callback);
            }
            if (credentials != null) {
                backOff.failed(address, user, now);
            }
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, Logins.CHALLENGE);
            return answer(response, callback, 401, "log in to see the dashboard");
        }

        private static boolean answer(Response response, Callback callback, int status, String error) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap(("{\"error\": \"" + error + "\"}").getBytes(StandardCharsets.UTF_8)),
                    callback);
            return true;
        }
    }
}
