package org.tracecap.testnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A point-to-point link of two TUN devices, one in each of two namespaces, joined by a small forwarding
 * process ({@code src/test/resources/tun-forwarder.py}, Python 3) that copies raw IP packets between them, as
 * a WireGuard or OpenVPN tunnel gives its ends. Each end gets a /32 address with the other as its peer
 * ({@code ip address add A peer B dev tun0}). {@link #close()} kills the process (its devices go with it); the
 * process also ends by itself when this JVM dies (its standard input closes).
 */
public final class TunLink implements AutoCloseable {
    /** ARPHRD_PPP (linux/if_arp.h): a TUN device of this type is opened by libpcap as Linux cooked capture. */
    public static final int ARPHRD_PPP = 512;
    private static final long READY_SECONDS = 10;

    private final Process forwarder;

    private TunLink(Process forwarder) {
        this.forwarder = forwarder;
    }

    /**
     * Starts the forwarder between {@code a}'s {@code aInterface} and {@code b}'s {@code bInterface}, each packet
     * delayed {@code delayMillis}; {@code aArphrd}, if not null, is device A's ARPHRD type. Addresses both ends
     * ({@code aAddress} peer {@code bAddress} and back; null: none) and brings them up.
     */
    public static TunLink start(Namespace a, String aInterface, String aAddress, Namespace b, String bInterface,
            String bAddress, int delayMillis, Integer aArphrd) {
        List<String> command = new ArrayList<>(List.of("python3", script().toString(), a.name(), aInterface,
                b.name(), bInterface, "--delay-ms", Integer.toString(delayMillis)));
        if (aArphrd != null) {
            command.addAll(List.of("--a-arphrd", aArphrd.toString()));
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the TUN forwarder (python3): " + e.getMessage(), e);
        }
        TunLink link = new TunLink(p);
        try {
            link.awaitReady();
            if (aAddress != null) {
                a.run("ip", "address", "add", aAddress, "peer", bAddress, "dev", aInterface);
                b.run("ip", "address", "add", bAddress, "peer", aAddress, "dev", bInterface);
            }
            a.run("ip", "link", "set", aInterface, "up");
            b.run("ip", "link", "set", bInterface, "up");
            return link;
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
    }

    private void awaitReady() {
        Thread killer = new Thread(() -> {
            try {
                if (!forwarder.waitFor(READY_SECONDS, TimeUnit.SECONDS)) {
                    // not ready in time: the read below ends when it dies
                    forwarder.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // ready: interrupted by the caller
            }
        }, "tun-forwarder-ready");
        killer.setDaemon(true);
        BufferedReader out = new BufferedReader(new InputStreamReader(forwarder.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        try {
            killer.start();
            line = out.readLine();
        } catch (IOException e) {
            line = null;
        } finally {
            killer.interrupt();
        }
        if (!"ready".equals(line)) {
            throw new IllegalStateException("the TUN forwarder did not start (said " + line + ")");
        }
    }

    private static Path script() {
        try {
            return Path.of(TunLink.class.getResource("/tun-forwarder.py").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("tun-forwarder.py is not on the test class path", e);
        }
    }

    /** Whether the forwarder still runs. */
    public boolean alive() {
        return forwarder.isAlive();
    }

    /** Kills the forwarder and waits for it; its TUN devices disappear with it. Idempotent. */
    @Override
    public void close() {
        forwarder.destroy();
        try {
            if (!forwarder.waitFor(5, TimeUnit.SECONDS)) {
                forwarder.destroyForcibly();
                forwarder.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            forwarder.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
