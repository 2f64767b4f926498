package org.tracecap.report;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.InterfaceInformation;
import org.tracecap.packet.MplsEntry;

/**
 * The text {@code -e} prints between angle brackets after a responder, as Linux traceroute's {@code -e}
 * writes it ({@code try_extension}, and {@code print_iface_info} since 2.1.5, in its extension.c): the
 * objects of one reply in order, separated by {@code ;}, each as
 *
 * <ol>
 *   <li>an MPLS label stack (RFC 4950: class 1, c-type 1, at least one entry): {@code MPLS:} then each entry,
 *       top first, as {@code L=label,E=TC,S=bottom-of-stack,T=TTL}, joined by {@code /};</li>
 *   <li>interface information (RFC 5837: class 2, decoded): the role ({@code INC} incoming, {@code SUB}
 *       sub-IP component, {@code OUT} outgoing, {@code NXT} next hop), {@code :}, then what was sent,
 *       joined by {@code ,}: the ifIndex, the address, the name in double quotes (a byte outside printable
 *       ASCII, {@code %} or {@code "} as {@code %XX}, so a name cannot write to the terminal),
 *       {@code mtu=N};</li>
 *   <li>any other object (and a class-2 object that could not be decoded): {@code CLASS/CTYPE:} then the
 *       payload in 32-bit words of 8 hex digits, joined by {@code ,}.</li>
 * </ol>
 *
 * <p>Example: {@code MPLS:L=24001,E=0,S=1,T=1;INC:3,198.18.2.1,"eth1",mtu=1500}.
 */
public final class ExtensionText {
    private static final String[] ROLES = {"INC", "SUB", "OUT", "NXT"};
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ExtensionText() {
    }

    /** The text of a reply's extension objects, or null when it has none (nothing is printed then). */
    public static String of(List<IcmpExtension> extensions) {
        if (extensions.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder(48);
        for (IcmpExtension x : extensions) {
            if (s.length() > 0) {
                s.append(';');
            }
            if (x.classNum() == IcmpExtension.CLASS_MPLS && x.cType() == IcmpExtension.CTYPE_MPLS_INCOMING
                    && !x.mpls().isEmpty()) {
                mpls(x.mpls(), s);
            } else if (x.interfaceInformation() != null) {
                interfaceInformation(x.interfaceInformation(), s);
            } else {
                raw(x, s);
            }
        }
        return s.toString();
    }

    private static void mpls(List<MplsEntry> entries, StringBuilder s) {
        s.append("MPLS:");
        for (int i = 0; i < entries.size(); i++) {
            MplsEntry e = entries.get(i);
            s.append(i == 0 ? "" : "/").append("L=").append(e.label()).append(",E=").append(e.trafficClass())
                    .append(",S=").append(e.bottomOfStack() ? 1 : 0).append(",T=").append(e.ttl());
        }
    }

    private static void interfaceInformation(InterfaceInformation info, StringBuilder s) {
        s.append(ROLES[info.role()]).append(':');
        int start = s.length();
        if (info.ifIndex() != null) {
            s.append(info.ifIndex());
        }
        if (info.address() != null) {
            s.append(s.length() > start ? "," : "").append(info.address());
        }
        if (info.name() != null) {
            s.append(s.length() > start ? "," : "").append('"');
            for (byte b : info.name().getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c > ' ' && c < 0x7f && c != '%' && c != '"') {
                    s.append((char) c);
                } else {
                    s.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
                }
            }
            s.append('"');
        }
        if (info.mtu() != null) {
            s.append(s.length() > start ? "," : "").append("mtu=").append(info.mtu());
        }
    }

    private static void raw(IcmpExtension x, StringBuilder s) {
        s.append(x.classNum()).append('/').append(x.cType()).append(':');
        String hex = x.payloadHex();
        for (int i = 0; i < hex.length(); i += 8) {
            s.append(i == 0 ? "" : ",").append(hex, i, Math.min(hex.length(), i + 8));
        }
    }
}
