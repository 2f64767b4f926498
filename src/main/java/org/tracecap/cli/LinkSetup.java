package org.tracecap.cli;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.tracecap.capture.Interfaces;
import org.tracecap.capture.LinkFraming;
import org.tracecap.capture.LinkInterface;
import org.tracecap.capture.LiveCaptureException;
import org.tracecap.capture.LivePort;
import org.tracecap.capture.MacAddress;
import org.tracecap.capture.NeighbourLookup;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.capture.Privilege;
import org.tracecap.capture.Route;
import org.tracecap.capture.RouteLookup;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.LinkLayer;
import org.tracecap.trace.LinkFacts;

/**
 * The setup steps of {@code tracecap trace} before any probe, each a {@link SetupException} (or a
 * {@link LiveCaptureException}) said in one line: HOST to an address, the output files' directories, and the
 * link a trace goes out on (privilege, interface, route, source address, the gateway's MAC when known), and once
 * the port is open, how probes are framed there ({@link #facts}: Ethernet, raw IP, or a line saying it cannot).
 */
final class LinkSetup {
    private LinkSetup() {
    }

    /** A failed setup step, said in one line after {@code tracecap: }. */
    static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }

    /**
     * HOST as an address of {@code family} ({@link IpAddress#IPV4}, {@link IpAddress#IPV6}, or 0 for either): a
     * literal as is (the parser has checked its family), else the system resolver's first address of the family;
     * with 0, as traceroute does, its first IPv4 address, else its first IPv6 one.
     */
    static IpAddress resolve(String host, int family) throws SetupException {
        if (IpAddress.isLiteral(host)) {
            return IpAddress.parse(host);
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            String why = e.getMessage() == null ? "unknown host" : e.getMessage();
            if (why.startsWith(host + ": ")) {
                why = why.substring(host.length() + 2);
            } else if (why.equals(host)) {
                why = "unknown host";
            }
            throw new SetupException("cannot resolve " + host + ": " + why);
        } catch (SecurityException e) {
            throw new SetupException("cannot resolve " + host + ": " + e.getMessage());
        }
        for (int wanted : family == 0 ? new int[] {IpAddress.IPV4, IpAddress.IPV6} : new int[] {family}) {
            for (InetAddress a : all) {
                if ((a instanceof Inet4Address ? IpAddress.IPV4 : IpAddress.IPV6) == wanted) {
                    return IpAddress.of(a);
                }
            }
        }
        throw new SetupException("cannot resolve " + host + ": it has no " + (family == 0 ? "IP" : "IPv" + family)
                + " address");
    }

    /** Where a file option can be created: fails early, before any probe, on a directory or a missing one. */
    static void checkWritable(Path target) throws SetupException {
        if (target == null) {
            return;
        }
        if (Files.isDirectory(target)) {
            throw new SetupException("cannot write " + target + ": is a directory");
        }
        Path directory = target.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new SetupException("cannot write " + target + ": no such directory");
        }
        if (!Files.isWritable(directory)) {
            throw new SetupException("cannot write " + target + ": permission denied");
        }
    }

    /**
     * The link a trace goes out on, checked: the route, its interface, the source address, and the gateway's MAC
     * when it is known without an ARP exchange (given, or in the neighbour table), else null.
     */
    record CheckedLink(Route route, LinkInterface link, IpAddress source, MacAddress gatewayMac) {
        /** Whether the port needs to capture ARP replies too: an Ethernet link whose gateway MAC is unknown. */
        boolean needsArp() {
            return gatewayMac == null && link.mac() != null;
        }
    }

    /**
     * Opens the port on the checked link with {@code filter}. A gateway MAC still unknown is asked for on that
     * port (ARP or Neighbor Solicitation), which then also captures the gateway's answers, not on one of its own.
     * {@link #link} has checked the privilege and the interface.
     */
    static LivePort open(CheckedLink checked, String filter) throws LiveCaptureException {
        return checked.needsArp() ? LivePort.openChecked(checked.link().name(), filter, checked.route().nextHop())
                : LivePort.openChecked(checked.link().name(), filter);
    }

    /** The {@code --save-pcap} writer for {@code port}'s link type; null when {@code file} is null. */
    static PcapFileWriter savePcap(Path file, LivePort port) throws SetupException {
        if (file == null) {
            return null;
        }
        try {
            return PcapFileWriter.create(file, port.linkType(), LivePort.SNAPLEN);
        } catch (IOException e) {
            throw new SetupException(TraceOutput.oneLine(e.getMessage()));
        }
    }

    /**
     * The facts of the link {@code port} is open on, by the link type libpcap gives it ({@link LinkFraming}):
     * Ethernet with the gateway's MAC (known, else asked for by ARP on the port), or raw IP without MACs.
     *
     * @throws SetupException libpcap cannot send on this link type (the line says which interface would work), or
     *                        an Ethernet link without an Ethernet address
     * @throws LiveCaptureException no ARP answer
     */
    static LinkFacts facts(CheckedLink checked, LivePort port) throws SetupException, LiveCaptureException {
        int dlt = port.linkType();
        LinkInterface link = checked.link();
        IpAddress destination = checked.route().destination();
        switch (LinkFraming.of(dlt)) {
            case RAW_IP -> {
                return LinkFacts.rawIp(link.name(), LinkLayer.name(dlt), checked.source(), destination);
            }
            case ETHERNET -> {
                if (link.mac() == null) {
                    throw new SetupException("interface " + link.name() + " gives Ethernet frames but has no"
                            + " Ethernet address: see ip link show " + link.name());
                }
                MacAddress gateway = checked.gatewayMac() != null ? checked.gatewayMac()
                        : NeighbourLookup.resolve(checked.route(), link, NeighbourLookup.DEFAULT_TIMEOUT,
                        NeighbourLookup.DEFAULT_ATTEMPTS, port);
                return new LinkFacts(link.name(), link.mac().bytes(), gateway.bytes(), checked.source(), destination);
            }
            default -> throw new SetupException(LinkFraming.cannotSendMessage(link.name(), dlt));
        }
    }

    /**
     * The link a trace to {@code destination} goes out on: interface, MACs and addresses.
     *
     * @throws LiveCaptureException no privilege, unknown interface, no route
     */
    static CheckedLink link(TraceRequest request, IpAddress destination, TraceInterruption interruption)
            throws LiveCaptureException, SetupException {
        String asked = request.interfaceName();
        // each listing is a pcap_findalldevs: list at most once, and no earlier than before
        List<LinkInterface> interfaces = null;
        if (asked != null) {
            Privilege.check(asked);
            interfaces = Interfaces.list();
            Interfaces.find(asked, interfaces);
        }
        IpAddress source = request.options().sourceAddress();
        if (source != null && interfaces == null) {
            interfaces = Interfaces.list();
        }
        if (source != null && interfaces.stream().noneMatch(i -> i.hasAddress(source))) {
            throw new SetupException("-s " + source + " is not an address of this host: see"
                    + " ip -" + source.family() + " address");
        }
        Route route = RouteLookup.lookup(destination, source, asked);
        interruption.check();
        if (route.local()) {
            // Frames injected on lo towards the host itself never reach its UDP layer (they are counted in
            // IpInReceives and go no further), so no Port Unreachable could come back.
            throw new SetupException(destination + " is an address of this host: tracecap"
                    + " sends its probes as frames on a link and cannot trace the host itself");
        }
        if (asked == null) {
            Privilege.check(route.interfaceName());
        }
        LinkInterface link = Interfaces.find(route.interfaceName(),
                interfaces != null ? interfaces : Interfaces.list());
        if (link.loopback()) {
            throw new SetupException("interface " + link.name() + " is the loopback device: probes sent there"
                    + " never leave this host; choose another with -i");
        }
        if (!link.up()) {
            throw new SetupException("interface " + link.name() + " is down: bring it up with ip link set "
                    + link.name() + " up");
        }
        IpAddress from = source != null ? source : route.source();
        if (source != null && !link.hasAddress(source)) {
            throw new SetupException("-s " + source + " is not an address of " + link.name()
                    + " (" + (link.addresses().isEmpty() ? "it has none" : "it has " + link.addresses().stream()
                    .map(LinkInterface.Address::toString).collect(Collectors.joining(", "))) + ")");
        }
        // A link without an Ethernet address (TUN, PPP) has no neighbour table entry to read: see facts().
        MacAddress gateway = request.gatewayMac() != null ? request.gatewayMac()
                : link.mac() == null ? null : NeighbourLookup.known(route, link).orElse(null);
        return new CheckedLink(route, link, from, gateway);
    }
}
