package org.tracecap.capture;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/**
 * Asks the kernel which way a destination goes: egress interface, gateway or on-link, preferred source.
 *
 * <p>The answer comes from {@code ip -4 route get ADDR [from SRC] [oif IFACE]} (iproute2), which applies the
 * kernel's full route selection (policy rules, metrics, source selection). Where {@code ip} is not installed,
 * the main table in {@code /proc/net/route} is searched instead (longest prefix, then lowest metric), with the
 * source taken from the interface's addresses.
 */
public final class RouteLookup {

    /** Route types that {@code ip route get} prints first and that mean the destination cannot be reached. */
    private static final List<String> REJECT_TYPES = List.of("unreachable", "prohibit", "blackhole", "throw");
    private static final List<String> TYPES =
            List.of("unicast", "local", "broadcast", "multicast", "anycast", "nat");

    /** RTF_UP, RTF_GATEWAY and RTF_REJECT from linux/route.h, the Flags column of /proc/net/route. */
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;
    private static final int RTF_REJECT = 0x200;

    private static final long IP_TIMEOUT_SECONDS = 5;
    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private RouteLookup() {
    }

    /**
     * The route to {@code destination}.
     *
     * @param source        the source address asked for ({@code -s}), or null for the kernel's choice
     * @param interfaceName the interface asked for ({@code -i}), or null for the kernel's choice
     * @throws LiveCaptureException there is no route (the message says which destination and what the kernel
     *                              said), the route has no IPv4 source address, or an address is IPv6 (the
     *                              IPv6 route lookup comes with live IPv6 tracing)
     */
    public static Route lookup(IpAddress destination, IpAddress source, String interfaceName)
            throws LiveCaptureException {
        if (!destination.isIpv4() || (source != null && !source.isIpv4())) {
            // ip -6 route get and the IPv6 source selection come with live IPv6 tracing
            throw new LiveCaptureException("cannot trace " + destination + ": live tracing is IPv4 only for now");
        }
        return lookup(destination.ipv4(), source == null ? null : source.ipv4(), interfaceName);
    }

    private static Route lookup(int destination, Integer source, String interfaceName) throws LiveCaptureException {
        List<String> command = new ArrayList<>(List.of("ip", "-4", "route", "get", Ipv4Address.format(destination)));
        if (source != null) {
            command.addAll(List.of("from", Ipv4Address.format(source)));
        }
        if (interfaceName != null) {
            command.addAll(List.of("oif", interfaceName));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(NO_INPUT).start();
        } catch (IOException e) {
            return fromProcTable(destination, source, interfaceName);
        }
        try {
            String out = readAll(process.getInputStream());
            String err = readAll(process.getErrorStream());
            if (!process.waitFor(IP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LiveCaptureException("no answer from ip route get " + Ipv4Address.format(destination)
                        + " within " + IP_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new LiveCaptureException(noRouteMessage(destination, err.isBlank() ? out : err));
            }
            return parseIpRouteGet(destination, out);
        } catch (IOException e) {
            throw new LiveCaptureException("cannot read the route to " + Ipv4Address.format(destination) + ": "
                    + LiveCaptureException.oneLine(e.getMessage()), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LiveCaptureException("interrupted while looking up the route to "
                    + Ipv4Address.format(destination), e);
        }
    }

    static String noRouteMessage(int destination, String kernelSays) {
        return "no route to host " + Ipv4Address.format(destination) + " (" + LiveCaptureException.oneLine(kernelSays)
                + "): check ip route";
    }

    /**
     * Reads the first line of {@code ip -4 route get} output, e.g.
     * {@code 198.18.2.2 via 198.18.0.1 dev eth0 src 198.18.0.2 uid 0} or
     * {@code local 127.0.0.1 dev lo src 127.0.0.1 uid 0}.
     */
    static Route parseIpRouteGet(int destination, String output) throws LiveCaptureException {
        String line = output.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        String[] words = line.split("\\s+");
        if (words.length == 0 || line.isEmpty()) {
            throw new LiveCaptureException(noRouteMessage(destination, "ip route get printed nothing"));
        }
        int i = 0;
        String type = "unicast";
        String first = words[0].toLowerCase(Locale.ROOT);
        if (REJECT_TYPES.contains(first)) {
            throw new LiveCaptureException(noRouteMessage(destination, "route type " + first));
        }
        if (TYPES.contains(first)) {
            type = first;
            i = 1;
        }
        String dev = null;
        int gateway = 0;
        Integer source = null;
        Integer from = null;
        for (i = i + 1; i < words.length - 1; i++) {
            switch (words[i]) {
                case "via" -> gateway = parseAddress(words[++i], line);
                case "dev" -> dev = words[++i];
                case "src" -> source = parseAddress(words[++i], line);
                // With "from SRC" asked for, ip prints the source as "from" instead of "src".
                case "from" -> from = parseAddress(words[++i], line);
                default -> {
                    // uid, table, cache, mtu, expires...: not needed
                }
            }
        }
        if (dev == null) {
            throw new LiveCaptureException(noRouteMessage(destination, "no interface in: " + line));
        }
        if (source == null) {
            source = from;
        }
        if (source == null) {
            throw new LiveCaptureException("the route to " + Ipv4Address.format(destination) + " (" + line
                    + ") has no IPv4 source address: give interface " + dev + " an address or use -s");
        }
        return route(destination, dev, gateway, source, type.equals("local"));
    }

    private static int parseAddress(String word, String line) throws LiveCaptureException {
        try {
            return Ipv4Address.parse(word);
        } catch (IllegalArgumentException e) {
            throw new LiveCaptureException("cannot read ip route get's answer: " + line, e);
        }
    }

    /** Without iproute2: the main table, longest prefix first, then lowest metric. */
    private static Route fromProcTable(int destination, Integer source, String interfaceName)
            throws LiveCaptureException {
        String table;
        try {
            table = Files.readString(procNet("route"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new LiveCaptureException("cannot read the route to " + Ipv4Address.format(destination)
                    + ": neither ip (iproute2) nor /proc/net/route is available", e);
        }
        ProcRoute best = bestProcRoute(table, destination, interfaceName);
        if (best == null) {
            throw new LiveCaptureException(noRouteMessage(destination, "no matching entry in /proc/net/route"));
        }
        LinkInterface link = Interfaces.find(best.interfaceName);
        int gateway = best.gateway;
        IpAddress chosen = source != null ? IpAddress.ipv4(source)
                : link.sourceFor(IpAddress.ipv4(gateway == 0 ? destination : gateway));
        if (chosen == null) {
            throw new LiveCaptureException("the route to " + Ipv4Address.format(destination) + " leaves by "
                    + best.interfaceName + ", which has no IPv4 address: give it one or use -s");
        }
        return route(destination, best.interfaceName, gateway, chosen.ipv4(),
                link.hasAddress(IpAddress.ipv4(destination)));
    }

    private static Route route(int destination, String interfaceName, int gateway, int source, boolean local) {
        return new Route(IpAddress.ipv4(destination), interfaceName, gateway == 0 ? null : IpAddress.ipv4(gateway),
                IpAddress.ipv4(source), local);
    }

    record ProcRoute(String interfaceName, int destination, int gateway, int flags, int metric, int mask) {
    }

    /**
     * Picks from {@code /proc/net/route} text the entry for {@code destination}: up, matching, longest mask,
     * then lowest metric; null when none or when the best is a reject route. The addresses there are the
     * kernel's {@code __be32} printed as a host-order hex int: little-endian on x86, so the bytes are read back
     * in the machine's order.
     */
    static ProcRoute bestProcRoute(String table, int destination, String interfaceName) {
        ProcRoute best = null;
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            ProcRoute r;
            try {
                r = new ProcRoute(f[0], procAddress(f[1]), procAddress(f[2]), Integer.parseInt(f[3], 16),
                        Integer.parseInt(f[6]), procAddress(f[7]));
            } catch (NumberFormatException e) {
                continue;
            }
            if ((r.flags & RTF_UP) == 0 || (destination & r.mask) != r.destination
                    || (interfaceName != null && !interfaceName.equals(r.interfaceName))) {
                continue;
            }
            if (best == null || Integer.bitCount(r.mask) > Integer.bitCount(best.mask)
                    || (r.mask == best.mask && r.metric < best.metric)) {
                best = r;
            }
        }
        if (best == null || (best.flags & RTF_REJECT) != 0) {
            return null;
        }
        return (best.flags & RTF_GATEWAY) != 0 ? best
                : new ProcRoute(best.interfaceName, best.destination, 0, best.flags, best.metric, best.mask);
    }

    private static int procAddress(String hex) {
        int host = (int) Long.parseLong(hex, 16);
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(host) : host;
    }

    /**
     * A file of {@code /proc/net}, seen from the calling thread's network namespace: {@code /proc/self/net}
     * shows the main thread's, {@code /proc/thread-self/net} (Linux 3.17+) this thread's. They differ only
     * when a thread has entered another namespace with setns(2), as tests do.
     */
    static Path procNet(String name) {
        Path threadSelf = Path.of("/proc/thread-self/net", name);
        return Files.exists(threadSelf) ? threadSelf : Path.of("/proc/net", name);
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
