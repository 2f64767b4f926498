package org.tracecap.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.tracecap.match.FrameSink;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.Ipv6View;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.NeighborDiscovery;
import org.tracecap.packet.PacketException;

/**
 * Finds the MAC address frames to a route's next hop go to: from the kernel's neighbour table
 * ({@code /proc/net/arp}; for IPv6 {@code ip -6 neigh}) when it is there, else by sending ARP requests (RFC 826)
 * or IPv6 Neighbor Solicitations (RFC 4861 section 7.2.2, to the solicited-node multicast address) on the
 * interface and capturing the answer.
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
        IpAddress next = route.nextHop();
        byte[] request;
        if (next.isIpv6()) {
            request = new byte[NeighborDiscovery.SOLICITATION_FRAME];
            NeighborDiscovery.encodeSolicitation(request, 0, link.mac().bytes(), route.source(), next);
        } else {
            request = arpRequest(link.mac(), route.source().ipv4(), next.ipv4());
        }
        return exchange(route, request, port, port::receiveNeighbour, timeout, attempts);
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
    static String replyFilter(IpAddress target) {
        if (target.isIpv4()) {
            return replyFilter(target.ipv4());
        }
        // A Neighbor Advertisement (ICMPv6 136 at byte 40: ND messages carry no extension headers) whose Target
        // Address (bytes 48..63) is the neighbour asked about, RFC 4861 section 4.4.
        StringBuilder f = new StringBuilder(160).append("ip6 proto 58 and ip6[40] = 136");
        for (int i = 0; i < 4; i++) {
            long half = i < 2 ? target.high() : target.low();
            f.append(" and ip6[").append(48 + 4 * i).append(":4] = ").append((i % 2 == 0 ? half >>> 32 : half)
                    & 0xffffffffL);
        }
        return f.toString();
    }

    static String replyFilter(int target) {
        // Not String.format: java.util.Formatter's first use costs a live trace's start-up several ms.
        String hex = Integer.toHexString(target);
        return new StringBuilder(48).append("arp and arp[6:2] = 2 and arp[14:4] = 0x")
                .append("00000000", hex.length(), 8).append(hex).toString();
    }

    /** The complete entry for {@code address} on {@code interfaceName} in the kernel's neighbour table. */
    public static Optional<MacAddress> fromTable(IpAddress address, String interfaceName) {
        if (address.isIpv6()) {
            return fromIpNeigh(address, interfaceName);
        }
        try {
            return parseArpTable(Files.readString(RouteLookup.procNet("arp"), StandardCharsets.US_ASCII),
                    address.ipv4(), interfaceName);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The IPv6 neighbour table's entry for {@code address} on {@code interfaceName}, from {@code ip -6 neigh show
     * ADDR dev IFACE} (iproute2: the kernel has no /proc file for it); empty when {@code ip} fails or has none.
     */
    private static Optional<MacAddress> fromIpNeigh(IpAddress address, String interfaceName) {
        try {
            Process p = new ProcessBuilder("ip", "-6", "neigh", "show", address.toString(), "dev", interfaceName)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? parseIpNeigh(out, address) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Reads {@code ip -6 neigh show} output, one entry a line: {@code ADDR [dev IFACE] lladdr MAC [router] STATE}.
     * An entry without {@code lladdr} (INCOMPLETE, FAILED) or in state FAILED or INCOMPLETE is no answer; STALE,
     * DELAY, PROBE, REACHABLE and PERMANENT entries hold the MAC the kernel itself would send to.
     */
    static Optional<MacAddress> parseIpNeigh(String output, IpAddress address) {
        for (String line : output.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 3) {
                continue;
            }
            try {
                if (!IpAddress.parse(f[0]).equals(address)) {
                    continue;
                }
            } catch (IllegalArgumentException e) {
                continue;
            }
            String state = f[f.length - 1];
            if (state.equals("FAILED") || state.equals("INCOMPLETE")) {
                continue;
            }
            for (int i = 1; i < f.length - 1; i++) {
                if (f[i].equals("lladdr")) {
                    try {
                        MacAddress mac = MacAddress.parse(f[i + 1]);
                        if (!mac.equals(MacAddress.ZERO)) {
                            return Optional.of(mac);
                        }
                    } catch (IllegalArgumentException e) {
                        // A line we cannot read is no answer.
                    }
                }
            }
        }
        return Optional.empty();
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

    /** Where the ARP replies of a port come from: {@link LivePort#receive} or {@link LivePort#receiveNeighbour}. */
    private interface Replies {
        int receive(FrameSink sink, long timeoutNanos) throws IOException;
    }

    /**
     * Sends {@code request} on {@code port} up to {@code attempts} times, each followed by a wait of up to
     * {@code timeout}, and returns the MAC of the first reply from {@code route}'s next hop in {@code replies}.
     */
    private static MacAddress exchange(Route route, byte[] request, LivePort port, Replies replies,
            Duration timeout, int attempts) throws LiveCaptureException {
        IpAddress target = route.nextHop();
        MacAddress[] answer = new MacAddress[1];
        try {
            for (int attempt = 0; attempt < attempts && answer[0] == null; attempt++) {
                port.send(request, request.length);
                long deadline = System.nanoTime() + timeout.toNanos();
                for (long left = timeout.toNanos(); answer[0] == null && left > 0;
                     left = deadline - System.nanoTime()) {
                    replies.receive((time, link, frame, length, wire) -> {
                        if (answer[0] == null) {
                            answer[0] = target.isIpv6() ? advertised(frame, length, target)
                                    : senderOfReply(frame, length, target.ipv4());
                        }
                    }, left);
                }
            }
        } catch (IOException e) {
            throw new LiveCaptureException("cannot " + (target.isIpv6() ? "solicit " : "ARP for ") + target + " on "
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
        String protocol = route.nextHop().isIpv6() ? "Neighbor Advertisement" : "ARP answer";
        return "no " + protocol + " from " + who + " on " + route.interfaceName() + " after " + attempts + " request"
                + (attempts == 1 ? "" : "s") + " " + TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())
                + " ms apart: check it is up and on that link, or give its MAC with --gateway-mac";
    }

    /**
     * The MAC a Neighbor Advertisement for {@code target} in an Ethernet frame gives: its Target Link-Layer
     * Address option (RFC 4861 section 4.4: sent in answer to a multicast solicitation), else the frame's Ethernet
     * source; null when the frame is not an advertisement for {@code target}.
     */
    static MacAddress advertised(byte[] frame, int length, IpAddress target) {
        try {
            int at = LinkLayer.network(LinkLayer.ETHERNET, frame, length);
            if (at == LinkLayer.NOT_IP || LinkLayer.networkFamily(at) != IpAddress.IPV6) {
                return null;
            }
            Ipv6View ip = Ipv6View.of(frame, LinkLayer.networkOffset(at), length - LinkLayer.networkOffset(at));
            if (ip.upperLayerProtocol() != IpProtocol.ICMPV6) {
                return null;
            }
            NeighborDiscovery.Advertisement a = NeighborDiscovery.Advertisement.of(frame, ip.upperLayerOffset(),
                    ip.upperLayerLength());
            if (!a.target().equals(target)) {
                return null;
            }
            byte[] mac = new byte[6];
            if (a.hasTargetLinkLayerAddress()) {
                mac = a.targetLinkLayerAddress();
            } else {
                System.arraycopy(frame, 6, mac, 0, 6);
            }
            return new MacAddress(mac);
        } catch (PacketException e) {
            return null;
        }
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
