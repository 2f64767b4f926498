package org.tracecap.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.tracecap.match.FrameSink;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/**
 * Finds the MAC address frames to a route's next hop go to: from the kernel's neighbour table
 * ({@code /proc/net/arp}) when it is there, else by sending ARP requests (RFC 826) on the interface and
 * capturing the answer.
 */
public final class NeighbourLookup {

    /** The wait for each ARP answer, and how many requests are sent, when not told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_ATTEMPTS = 3;

    /** ATF_COM in linux/if_arp.h: the entry is complete (its hardware address is known). */
    private static final int ATF_COM = 0x2;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ARP_FRAME_BYTES = 42;

    private NeighbourLookup() {
    }

    /**
     * The MAC of {@code route}'s next hop: the zero address on loopback, else the neighbour table's entry,
     * else an ARP answer.
     *
     * @param link    the egress interface (its MAC is the ARP sender's)
     * @param timeout how long to wait for each answer
     * @param attempts how many ARP requests to send at most
     * @throws LiveCaptureException no answer after {@code attempts} requests, or the interface cannot be used
     */
    public static MacAddress resolve(Route route, LinkInterface link, Duration timeout, int attempts)
            throws LiveCaptureException {
        Optional<MacAddress> known = known(route, link);
        if (known.isPresent()) {
            return known.get();
        }
        checkEthernet(link);
        // link came from Interfaces.find: no need to list the interfaces again before opening it
        return arp(route, link.mac(), timeout, attempts, true);
    }

    /**
     * As {@link #resolve(Route, LinkInterface, Duration, int)}, the ARP exchange (when the table has no entry)
     * made on {@code port}, a port already open on the route's interface that captures the next hop's ARP
     * replies ({@link LivePort#openChecked(String, String, int)}, its ARP sender {@code route.nextHop().ipv4()}): no
     * other port is opened. {@code port} stays open.
     */
    public static MacAddress resolve(Route route, LinkInterface link, Duration timeout, int attempts, LivePort port)
            throws LiveCaptureException {
        Optional<MacAddress> known = known(route, link);
        if (known.isPresent()) {
            return known.get();
        }
        checkEthernet(link);
        return exchange(route, arpRequest(link.mac(), route.source().ipv4(), route.nextHop().ipv4()), port,
                port::receiveArp,
                timeout, attempts);
    }

    /**
     * The MAC of {@code route}'s next hop as far as it is known without asking the network: the zero address on
     * loopback, else the neighbour table's complete entry.
     */
    public static Optional<MacAddress> known(Route route, LinkInterface link) {
        if (link.loopback()) {
            return Optional.of(MacAddress.ZERO);
        }
        return fromTable(route.nextHop(), route.interfaceName());
    }

    private static void checkEthernet(LinkInterface link) throws LiveCaptureException {
        if (link.mac() == null) {
            throw new LiveCaptureException("interface " + link.name() + " has no Ethernet address: tracecap sends"
                    + " Ethernet frames only");
        }
    }

    /**
     * The capture filter for the ARP replies (opcode 2 at ARP offset 6) whose sender protocol address (offset 14)
     * is {@code target}.
     */
    static String replyFilter(int target) {
        // Not String.format: java.util.Formatter's first use costs a live trace's start-up several ms.
        String hex = Integer.toHexString(target);
        return new StringBuilder(48).append("arp and arp[6:2] = 2 and arp[14:4] = 0x")
                .append("00000000", hex.length(), 8).append(hex).toString();
    }

    /** The complete entry for {@code address} on {@code interfaceName} in the kernel's neighbour table. */
    public static Optional<MacAddress> fromTable(IpAddress address, String interfaceName) {
        if (!address.isIpv4()) {
            return Optional.empty(); // /proc/net/arp is IPv4's table (IPv6 neighbours are ip -6 neigh's)
        }
        try {
            return parseArpTable(Files.readString(RouteLookup.procNet("arp"), StandardCharsets.US_ASCII),
                    address.ipv4(), interfaceName);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads {@code /proc/net/arp}: "IP address  HW type  Flags  HW address  Mask  Device", one entry a line,
     * flags in hex; incomplete entries (no ATF_COM, MAC all zeros) are not answers.
     */
    static Optional<MacAddress> parseArpTable(String table, int address, String interfaceName) {
        String wanted = Ipv4Address.format(address);
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 6 || !f[0].equals(wanted) || !f[5].equals(interfaceName)) {
                continue;
            }
            try {
                int flags = Integer.decode(f[2]);
                MacAddress mac = MacAddress.parse(f[3]);
                if ((flags & ATF_COM) != 0 && !mac.equals(MacAddress.ZERO)) {
                    return Optional.of(mac);
                }
            } catch (IllegalArgumentException e) {
                // A line we cannot read is no answer.
            }
        }
        return Optional.empty();
    }

    /**
     * Sends up to {@code attempts} ARP requests for {@code route}'s next hop, each followed by a wait of up to
     * {@code timeout}, and returns the MAC of the first reply from it.
     */
    public static MacAddress arp(Route route, MacAddress sourceMac, Duration timeout, int attempts)
            throws LiveCaptureException {
        return arp(route, sourceMac, timeout, attempts, false);
    }

    private static MacAddress arp(Route route, MacAddress sourceMac, Duration timeout, int attempts,
            boolean interfaceChecked) throws LiveCaptureException {
        int target = route.nextHop().ipv4();
        byte[] request = arpRequest(sourceMac, route.source().ipv4(), target);
        String filter = replyFilter(target);
        LivePort port = interfaceChecked ? LivePort.openChecked(route.interfaceName(), filter)
                : LivePort.open(route.interfaceName(), filter);
        try {
            return exchange(route, request, port, port::receive, timeout, attempts);
        } finally {
            if (interfaceChecked) {
                // The trace's own port opens next: closing this one (tens of ms, waiting for the kernel) need
                // not hold it up.
                Thread closer = new Thread(port::close, "tracecap-close-arp");
                closer.setDaemon(true);
                closer.start();
            } else {
                port.close();
            }
        }
    }

    /** Where the ARP replies of a port come from: {@link LivePort#receive} or {@link LivePort#receiveArp}. */
    private interface Replies {
        int receive(FrameSink sink, long timeoutNanos) throws IOException;
    }

    /**
     * Sends {@code request} on {@code port} up to {@code attempts} times, each followed by a wait of up to
     * {@code timeout}, and returns the MAC of the first reply from {@code route}'s next hop in {@code replies}.
     */
    private static MacAddress exchange(Route route, byte[] request, LivePort port, Replies replies,
            Duration timeout, int attempts) throws LiveCaptureException {
        int target = route.nextHop().ipv4();
        MacAddress[] answer = new MacAddress[1];
        try {
            for (int attempt = 0; attempt < attempts && answer[0] == null; attempt++) {
                port.send(request, request.length);
                long deadline = System.nanoTime() + timeout.toNanos();
                for (long left = timeout.toNanos(); answer[0] == null && left > 0;
                     left = deadline - System.nanoTime()) {
                    replies.receive((time, link, frame, length, wire) -> {
                        if (answer[0] == null) {
                            answer[0] = senderOfReply(frame, length, target);
                        }
                    }, left);
                }
            }
        } catch (IOException e) {
            throw new LiveCaptureException("cannot ARP for " + Ipv4Address.format(target) + " on "
                    + route.interfaceName() + ": " + LiveCaptureException.oneLine(e.getMessage()), e);
        }
        if (answer[0] == null) {
            throw new LiveCaptureException(noAnswerMessage(route, attempts, timeout));
        }
        return answer[0];
    }

    static String noAnswerMessage(Route route, int attempts, Duration timeout) {
        String who = route.onLink() ? route.destination() + " (on-link)"
                : "gateway " + route.gateway();
        return "no ARP answer from " + who + " on " + route.interfaceName() + " after " + attempts + " request"
                + (attempts == 1 ? "" : "s") + " " + TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())
                + " ms apart: check it is up and on that link, or give its MAC with --gateway-mac";
    }

    /** A broadcast Ethernet frame carrying an ARP request (RFC 826) for {@code target}. */
    static byte[] arpRequest(MacAddress sourceMac, int sourceAddress, int target) {
        byte[] f = new byte[ARP_FRAME_BYTES];
        byte[] src = sourceMac.bytes();
        System.arraycopy(MacAddress.BROADCAST.bytes(), 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (ETHERTYPE_ARP >>> 8);
        f[13] = (byte) ETHERTYPE_ARP;
        f[14] = 0; // hardware type 1: Ethernet
        f[15] = 1;
        f[16] = 0x08; // protocol type: IPv4
        f[17] = 0x00;
        f[18] = 6; // hardware address length
        f[19] = 4; // protocol address length
        f[20] = 0; // opcode 1: request
        f[21] = 1;
        System.arraycopy(src, 0, f, 22, 6);
        System.arraycopy(Ipv4Address.toBytes(sourceAddress), 0, f, 28, 4);
        // target hardware address (32..37) stays zero: unknown
        System.arraycopy(Ipv4Address.toBytes(target), 0, f, 38, 4);
        return f;
    }

    /** The sender MAC of an Ethernet ARP reply from {@code target}, or null when the frame is not one. */
    static MacAddress senderOfReply(byte[] frame, int length, int target) {
        if (length < ARP_FRAME_BYTES || ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) != ETHERTYPE_ARP
                || frame[18] != 6 || frame[19] != 4 || frame[20] != 0 || frame[21] != 2) {
            return null;
        }
        byte[] sender = new byte[4];
        System.arraycopy(frame, 28, sender, 0, 4);
        if (Ipv4Address.fromBytes(sender) != target) {
            return null;
        }
        byte[] mac = new byte[6];
        System.arraycopy(frame, 22, mac, 0, 6);
        return new MacAddress(mac);
    }
}
