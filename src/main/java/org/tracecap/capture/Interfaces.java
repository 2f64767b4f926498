package org.tracecap.capture;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.util.LinkLayerAddress;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/** The interfaces libpcap can open ({@code pcap_findalldevs}), with their addresses and MACs. */
public final class Interfaces {

    /** libpcap's pseudo-devices: they cannot carry a probe, so they are not offered to a user. */
    private static final List<String> PSEUDO_PREFIXES =
            List.of("any", "nflog", "nfqueue", "dbus-", "bluetooth", "usbmon", "dpdk");

    private Interfaces() {
    }

    /**
     * Starts loading JNA and pcap4j's bindings of libpcap (their class initialisation: about 100 ms of a JVM that
     * has only just started) on a background thread, so that it overlaps with what the caller does before its
     * first {@link #list()} or port (resolving the host, looking up the route). Only a head start: the first use
     * waits for it where it is not done (a class is initialised once, under the JVM's lock), and a failure (no
     * libpcap) shows up there as it would have without it ({@link PcapFileSource#isLibpcapMissing}).
     */
    public static void prepare() {
        Thread loader = new Thread(() -> {
            try {
                Pcaps.libVersion();
                // The proxy through which pcap4j calls pcap_set_immediate_mode and the like when a port opens.
                Class.forName("org.pcap4j.core.NativeMappings$PcapLibrary", true, Interfaces.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // Seen again, and reported, where libpcap is used.
            }
        }, "tracecap-load-libpcap");
        loader.setDaemon(true);
        loader.start();
    }

    /** Every interface libpcap lists, pseudo-devices ({@code any}, {@code nflog}, ...) left out. */
    public static List<LinkInterface> list() throws LiveCaptureException {
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new LiveCaptureException("cannot list the network interfaces (libpcap: "
                    + LiveCaptureException.oneLine(e.getMessage()) + ")", e);
        } catch (LinkageError e) {
            if (PcapFileSource.isLibpcapMissing(e)) {
                throw new LiveCaptureException(PcapFileSource.LIBPCAP_MISSING, e);
            }
            throw e;
        }
        List<LinkInterface> result = new ArrayList<>();
        for (PcapNetworkInterface device : devices) {
            if (!isPseudo(device.getName())) {
                result.add(describe(device));
            }
        }
        return result;
    }

    /**
     * The interface called {@code name}.
     *
     * @throws LiveCaptureException there is none; the message lists the interfaces there are
     */
    public static LinkInterface find(String name) throws LiveCaptureException {
        return find(name, list());
    }

    /** As {@link #find(String)}, among interfaces already {@link #list() listed}. */
    public static LinkInterface find(String name, List<LinkInterface> all) throws LiveCaptureException {
        for (LinkInterface i : all) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        throw new LiveCaptureException(unknownMessage(name, all));
    }

    static String unknownMessage(String name, List<LinkInterface> all) {
        if (all.isEmpty()) {
            return "no interface named " + name + ", and libpcap lists none: check ip link and the privileges";
        }
        return "no interface named " + name + ": choose one of " + all.stream()
                .map(i -> i.addresses().isEmpty() ? i.name()
                        : i.name() + " (" + i.addresses().stream().map(LinkInterface.Address::toString)
                                .collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining(", "));
    }

    static boolean isPseudo(String name) {
        return PSEUDO_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static LinkInterface describe(PcapNetworkInterface device) {
        List<LinkInterface.Address> addresses = new ArrayList<>();
        for (PcapAddress a : device.getAddresses()) {
            if (a.getAddress() instanceof Inet4Address v4) {
                // IPv4 only for now: the live IPv6 path (ip -6 route, neighbour discovery) comes with its own change
                addresses.add(new LinkInterface.Address(IpAddress.of(v4), prefixLength(a.getNetmask())));
            }
        }
        MacAddress mac = null;
        for (LinkLayerAddress l : device.getLinkLayerAddresses()) {
            if (l.length() == 6) {
                mac = new MacAddress(l.getAddress());
                break;
            }
        }
        if (mac == null && device.isLoopBack()) {
            mac = MacAddress.ZERO;
        }
        return new LinkInterface(device.getName(), mac, addresses, device.isLoopBack(), device.isUp());
    }

    /** A netmask's prefix length; 32 when there is none (point-to-point) or it is not contiguous. */
    static int prefixLength(java.net.InetAddress netmask) {
        if (!(netmask instanceof Inet4Address v4)) {
            return 32;
        }
        int mask = Ipv4Address.fromBytes(v4.getAddress());
        int length = Integer.bitCount(mask);
        int contiguous = length == 0 ? 0 : -1 << (32 - length);
        return mask == contiguous ? length : 32;
    }
}
