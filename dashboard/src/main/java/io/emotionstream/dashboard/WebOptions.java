package io.emotionstream.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where and how the dashboard serves: the address and port, the logins it requires (none on this machine's loopback
 * unless given; required anywhere else), and HTTPS with a PKCS12 keystore (for instance the secure broker's).
 *
 * @param logins a file of {@code name:password} lines, or null for no login
 * @param keystore a PKCS12 keystore with the server's key and certificate, or null for plain HTTP
 * @param withoutLogins serve without logins even beyond loopback: only where something else limits who connects (a
 *     container whose port is published on the host's loopback only, a proxy that authenticates)
 * @param advertisedHost the name or address other instances of the app reach this one at (its
 *     {@code application.server}); null: the address served on, or this machine's name where that is a wildcard
 */
public record WebOptions(String host, int port, Path logins, Path keystore, String keystorePassword,
                         boolean withoutLogins, String advertisedHost) {
    /** Where and how to serve, advertised at the address served on (or this machine's name). */
    public WebOptions(String host, int port, Path logins, Path keystore, String keystorePassword,
                      boolean withoutLogins) {
        this(host, port, logins, keystore, keystorePassword, withoutLogins, null);
    }

    public WebOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (logins == null && !withoutLogins && !loopback(host)) {
            throw new IllegalArgumentException("the dashboard would listen on " + host + ", beyond this machine: give "
                    + "--logins FILE (name:password lines) so that only those users see the faces' emotions (or "
                    + "--without-logins where something else limits who connects)");
        }
        if (logins != null && !Files.isReadable(logins)) {
            throw new IllegalArgumentException("cannot read the logins file " + logins);
        }
        if (keystore != null && !Files.isReadable(keystore)) {
            throw new IllegalArgumentException("cannot read the HTTPS keystore " + keystore);
        }
        if (keystore != null && keystorePassword == null) {
            throw new IllegalArgumentException("the HTTPS keystore needs its password");
        }
    }

    /** Plain HTTP on an address of this machine, no login. */
    public static WebOptions local(String host, int port) {
        return new WebOptions(host, port, null, null, null, false);
    }

    public WebOptions withLogins(Path file) {
        return new WebOptions(host, port, file, keystore, keystorePassword, withoutLogins, advertisedHost);
    }

    public WebOptions withHttps(Path keystore, String password) {
        return new WebOptions(host, port, logins, keystore, password, withoutLogins, advertisedHost);
    }

    /** The host other instances reach this one at: the one given, else the address served on unless a wildcard. */
    String advertised() {
        if (advertisedHost != null) {
            return advertisedHost;
        }
        try {
            return InetAddress.getByName(host).isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : host;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot tell the address other instances reach this one at (give "
                    + "--advertised-host): " + e.getMessage());
        }
    }

    public boolean https() {
        return keystore != null;
    }

    /** Whether the address is this machine's loopback only (then nobody else can connect). */
    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown address to listen on: " + host);
        }
    }
}
