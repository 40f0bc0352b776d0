package io.emotionstream.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The summary app's instances, as Kafka Streams' interactive queries across instances have them: each instance serves
 * its HTTP API at the address it gives as {@code application.server}, the streams metadata say which instance holds a
 * camera's summaries (the camera is the key), and a request for a camera held elsewhere is forwarded there, once
 * (a forwarded request is marked with {@link #FORWARDED} and answered from the local stores). Over HTTPS the
 * instances trust the dashboard's own keystore, so its certificate must name each instance's advertised host.
 */
final class Instances {
    /** The header that marks a request one instance forwarded to another. */
    static final String FORWARDED = "X-Emotion-Stream-Forwarded";

    /** A camera's summaries are held by no running instance just now (a rebalance). */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** What another instance answered. */
    record Answer(int status, String contentType, byte[] body) {}

    private final KafkaStreams streams;
    private final HostInfo self;
    private final String store;
    private final String scheme;
    private final HttpClient http;

    Instances(KafkaStreams streams, HostInfo self, String store, WebOptions web) {
        this.streams = streams;
        this.self = self;
        this.store = store;
        this.scheme = web.https() ? "https" : "http";
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (web.https()) {
            builder.sslContext(trusting(web));
        }
        this.http = builder.build();
    }

    HostInfo self() {
        return self;
    }

    /** The instance that holds this camera's summaries. */
    HostInfo owner(String camera) throws Unavailable {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, camera, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new Unavailable("no instance holds camera '" + camera + "' just now; try again shortly");
        }
        return metadata.activeHost();
    }

    /** The other instances that hold summaries. */
    List<HostInfo> others() {
        List<HostInfo> hosts = new ArrayList<>();
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
            if (!metadata.hostInfo().equals(self) && !hosts.contains(metadata.hostInfo())) {
                hosts.add(metadata.hostInfo());
            }
        }
        return hosts;
    }

    /**
     * The request asked of another instance, marked as forwarded, with the caller's credentials (every instance
     * reads the same logins).
     *
     * @throws IOException when the instance cannot be reached
     */
    Answer ask(HostInfo host, String pathAndQuery, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host() + ":"
                + host.port() + pathAndQuery)).timeout(Duration.ofSeconds(10)).header(FORWARDED, "1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type")
                .orElse("application/json; charset=utf-8"), response.body());
    }

    private static SSLContext trusting(WebOptions web) {
        try (InputStream in = Files.newInputStream(web.keystore())) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, web.keystorePassword().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust the dashboard's keystore " + web.keystore() + ": " + e, e);
        }
    }
}
