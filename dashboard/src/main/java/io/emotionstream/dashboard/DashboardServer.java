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
 * The dashboard's HTTP server (Jetty): a bounded thread pool, connections closed after {@link
 * #IDLE_TIMEOUT_MS} without traffic (a client that never finishes its headers holds no thread, only its socket, and
 * not for long), at most {@link #MAX_CONNECTIONS} connections, headers of at most 8 KiB, HTTPS when a keystore is
 * given, and HTTP Basic logins checked before anything else when a logins file is given.
 */
final class DashboardServer implements AutoCloseable {
    static final int MAX_THREADS = 16;
    static final int IDLE_TIMEOUT_MS = 30_000;
    static final int MAX_CONNECTIONS = 512;

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
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setHandler(logins == null ? app : new LoginRequired(logins, app));
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

    /** Answers 401 with a Basic challenge unless the request carries a user's credentials. */
    private static final class LoginRequired extends Handler.Wrapper {
        private final Logins logins;

        LoginRequired(Logins logins, Handler app) {
            super(app);
            this.logins = logins;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (logins.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                return super.handle(request, response, callback);
            }
            response.setStatus(401);
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, Logins.CHALLENGE);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap("{\"error\": \"log in to see the dashboard\"}"
                    .getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
