package org.tracecap.capture;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;

/**
 * How probes are written for the link type libpcap gives an interface ({@code pcap_datalink} of the capture
 * handle), decided once when a trace's port is open:
 * <ol>
 *   <li>{@link #ETHERNET} (EN10MB): Ethernet II frames to the next hop's MAC, found by ARP;</li>
 *   <li>{@link #RAW_IP} (RAW, IPV4): TUN devices (WireGuard, OpenVPN), most cellular modems (ARPHRD_NONE), and
 *       IP-in-IP tunnels carry bare IP datagrams: probes go without a link header, and there is no next-hop MAC
 *       and no ARP;</li>
 *   <li>{@link #NONE}, anything else: above all Linux cooked capture (LINUX_SLL, LINUX_SLL2), which libpcap gives
 *       for PPP ({@code ppp0}: ARPHRD_PPP, pcap-linux.c {@code map_arphrd_to_dlt}), GRE and device types it does
 *       not know. Its cooked packet socket has no link header to write, and {@code pcap_inject} refuses to send
 *       there ("Sending packets isn't supported in cooked mode"); a cooked device offers no other link type
 *       ({@code pcap_set_datalink(RAW)}: "RAW is not one of the DLTs supported by this device"; both seen with
 *       libpcap 1.10.3 on a TUN device of type ARPHRD_PPP, as TunLinkLiveTest makes). Nothing sends there:
 *       {@link #cannotSendMessage} says so and which interface would work.</li>
 * </ol>
 */
public enum LinkFraming {
    ETHERNET, RAW_IP, NONE;

    private static final Pattern LINK_LINE = Pattern.compile("^\\d+:\\s+([^:@\\s]+)(?:@([^:\\s]+))?:\\s+<([^>]*)>.*?"
            + "link/(\\S+)(?:\\s+(\\S+))?(?:\\s+(?:peer|brd)\\s+(\\S+))?");
    private static final long IP_TIMEOUT_SECONDS = 5;

    /** The framing for libpcap's link type {@code dlt} (as {@link LivePort#linkType()} gives it). */
    public static LinkFraming of(int dlt) {
        return switch (dlt) {
            case LinkLayer.ETHERNET -> ETHERNET;
            case LinkLayer.DLT_RAW, LinkLayer.DLT_RAW_OPENBSD, LinkLayer.RAW, LinkLayer.IPV4 -> RAW_IP;
            default -> NONE;
        };
    }

    /**
     * One line saying that tracecap cannot send on {@code interfaceName}, whose link type is {@code dlt}, and
     * which interface would work, found with {@code ip -d -o link show} ({@link #cannotSendMessage(String, int,
     * String, Route)}).
     */
    public static String cannotSendMessage(String interfaceName, int dlt) {
        String links = ip("ip", "-d", "-o", "link", "show");
        Route toEndpoint = null;
        Device self = devices(links).stream().filter(d -> d.name().equals(interfaceName)).findFirst().orElse(null);
        if (self != null && self.peer() != null && (self.lower() == null || self.lower().equals("NONE"))) {
            try {
                toEndpoint = RouteLookup.lookup(IpAddress.ipv4(Ipv4Address.parse(self.peer())), null, null);
            } catch (LiveCaptureException | IllegalArgumentException e) {
                toEndpoint = null; // an IPv6 endpoint, or none reachable: the list below then
            }
        }
        return cannotSendMessage(interfaceName, dlt, links, toEndpoint);
    }

    /**
     * The line of {@link #cannotSendMessage(String, int)} from {@code ip -d -o link show}'s output {@code links}
     * and the route to the tunnel's remote endpoint (null when it has none): its lower device ({@code gre1@eth0}),
     * else the interface that route uses, else the interfaces that are up with Ethernet or raw IP.
     */
    static String cannotSendMessage(String interfaceName, int dlt, String links, Route toEndpoint) {
        StringBuilder s = new StringBuilder("cannot send on ").append(interfaceName).append(": libpcap gives it as ")
                .append(LinkLayer.name(dlt));
        if (dlt == LinkLayer.LINUX_SLL || dlt == LinkLayer.LINUX_SLL2) {
            s.append(" (Linux cooked capture), on which it cannot inject packets");
        } else {
            s.append(", a link type tracecap cannot write");
        }
        List<Device> all = devices(links);
        Device self = all.stream().filter(d -> d.name().equals(interfaceName)).findFirst().orElse(null);
        if (self != null && self.lower() != null && !self.lower().equals("NONE")) {
            return s.append("; use the device it runs over: -i ").append(self.lower()).toString();
        }
        if (self != null && toEndpoint != null && !toEndpoint.interfaceName().equals(interfaceName)) {
            return s.append("; use the interface its endpoint ").append(self.peer()).append(" is reached by: -i ")
                    .append(toEndpoint.interfaceName()).toString();
        }
        List<String> usable = new ArrayList<>();
        for (Device d : all) {
            if (!d.name().equals(interfaceName) && d.up() && (d.type().equals("ether") || d.type().equals("none"))) {
                usable.add(d.name());
            }
        }
        if (usable.isEmpty()) {
            return s.append("; no interface here has Ethernet or raw IP (TUN) framing to send on").toString();
        }
        return s.append("; interfaces with Ethernet or raw IP framing: ").append(String.join(", ", usable))
                .append(" (-i NAME)").toString();
    }

    /**
     * One line of {@code ip -o link show}: name, lower device (after {@code @}: {@code NONE} for a tunnel bound
     * to none), whether it is up, link type ({@code ether}, {@code none}, {@code ppp}, {@code gre}...) and the
     * remote endpoint after {@code peer}, or null.
     */
    record Device(String name, String lower, boolean up, String type, String peer) {
    }

    /** The devices of {@code ip [-d] -o link show}'s output; lines it cannot read are left out. */
    static List<Device> devices(String links) {
        List<Device> devices = new ArrayList<>();
        for (String line : links.lines().toList()) {
            Matcher m = LINK_LINE.matcher(line.replace('\\', ' '));
            if (m.find()) {
                boolean up = List.of(m.group(3).split(",")).contains("UP");
                String peer = line.contains(" peer ") ? m.group(6) : null;
                devices.add(new Device(m.group(1), m.group(2), up, m.group(4), peer));
            }
        }
        return devices;
    }

    /** What {@code command} printed, or "" when it could not run. */
    private static String ip(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(IP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
