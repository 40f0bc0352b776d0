package io.emotionstream.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down password guessing: after {@value #FREE_FAILURES} failed logins from one address, or for one user name,
 * that address (or name) is refused for a while, 1 s after the next failure and twice as long after each further one,
 * up to {@value #MAX_BLOCK_MILLIS} ms. A successful login clears its address and name. At most {@value #MAX_ENTRIES}
 * addresses and names are remembered (the least recently seen are forgotten), so a flood of addresses cannot grow it
 * without bound. Thread-safe.
 */
final class LoginBackOff {
    static final int FREE_FAILURES = 5;
    static final long MAX_BLOCK_MILLIS = 60_000;
    static final int MAX_ENTRIES = 10_000;

    private record Failures(int count, long blockedUntil) {}

    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** How long (ms) a login from this address for this user must still wait; 0 when it may be tried now. */
    synchronized long waitMillis(String address, String user, long now) {
        return Math.max(wait("address " + address, now), user == null ? 0 : wait("user " + user, now));
    }

    /** Notes a failed login. */
    synchronized void failed(String address, String user, long now) {
        fail("address " + address, now);
        if (user != null) {
            fail("user " + user, now);
        }
    }

    /** Notes a successful login: its address and user start afresh. */
    synchronized void succeeded(String address, String user) {
        failures.remove("address " + address);
        if (user != null) {
            failures.remove("user " + user);
        }
    }

    private long wait(String key, long now) {
        Failures f = failures.get(key);
        return f == null ? 0 : Math.max(0, f.blockedUntil() - now);
    }

    private void fail(String key, long now) {
        Failures before = failures.get(key);
        int count = before == null ? 1 : before.count() + 1;
        long block = count <= FREE_FAILURES ? 0
                : Math.min(MAX_BLOCK_MILLIS, 1000L << Math.min(16, count - FREE_FAILURES - 1));
        failures.put(key, new Failures(count, now + block));
    }
}
