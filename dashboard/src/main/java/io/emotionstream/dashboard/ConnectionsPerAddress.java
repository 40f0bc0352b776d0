package io.emotionstream.dashboard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;

/**
 * Closes a new network connection at once when its address already holds {@code max} open ones, so that one client
 * (half-open connections by the hundred, say) cannot take the server's whole connection limit from everybody else.
 * A listener bean of the server's connector.
 */
final class ConnectionsPerAddress implements Connection.Listener {
    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address of each connection counted (a closed channel no longer tells it). */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    ConnectionsPerAddress(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = networkAddress(connection);
        if (address == null) {
            return;
        }
        if (open.merge(address, 1, Integer::sum) > max) {
            release(address);
            connection.getEndPoint().close();
        } else {
            counted.put(connection, address);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            release(address);
        }
    }

    private void release(InetAddress address) {
        open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }

    /** The remote address of a connection on the network itself (not one layered on it, as HTTP over TLS is). */
    private static InetAddress networkAddress(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        SocketAddress remote = endPoint instanceof SelectableChannelEndPoint ? endPoint.getRemoteSocketAddress() : null;
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
