package org.tracecap.packet;

/**
 * Finds the IP header (IPv4 or IPv6) behind a captured frame's link-layer header, for the link types tracecap reads
 * (tcpdump.org "LINK-LAYER HEADER TYPES"; numbers are the LINKTYPE_/DLT_ values stored in capture files).
 *
 * <pre>
 * Ethernet II (LINKTYPE_ETHERNET 1): 14 bytes, then the ethertype dispatch below at offset 12
 * +-----------------+-----------------+-----------+
 * | destination (6) |   source (6)    | ethertype |
 * +-----------------+-----------------+-----------+
 *
 * Linux cooked SLL (113), 16 bytes:                 Linux cooked SLL2 (276), 20 bytes:
 * +------------+------------+------------+          +------------+------------+
 * | pkt type 2 | ARPHRD 2   | addr len 2 |          | protocol 2 | reserved 2 |
 * +------------+------------+------------+          +------------+------------+
 * |       link-layer address (8)         |          |   interface index (4)   |
 * +------------+------------+------------+          +------------+------+-----+
 * | protocol 2 |  offset 14                         | ARPHRD 2   |type 1|len 1|
 * +------------+                                    +------------+------+-----+
 *                                                   |    link-layer address (8)   |
 * (the protocol field of both is an ethertype: same dispatch)
 *
 * Cisco HDLC (C_HDLC 104), 4 bytes:  | address 0x0f or 0x8f | control 0x00 | ethertype (2) |
 * PPP (9):                           [ 0xff | 0x03 ] | PPP protocol (2, or 1 compressed) |   RFC 1661, 1662
 * PPP in HDLC framing (PPP_HDLC 50): | 0xff | 0x03 | PPP protocol |, or a Cisco HDLC header as above
 * PPPoE without Ethernet (PPP_ETHER 51): the PPPoE session header below, then the PPP protocol
 * BSD loopback NULL (0): 4-byte address family in the capturing host's byte order (AF_INET = 2; AF_INET6 =
 *                        24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS/Darwin)
 * OpenBSD LOOP (108):    4-byte address family in network byte order (the same values)
 * Raw IP (101, DLT_RAW 12 / 14): no header; version nibble 4 means IPv4, 6 IPv6
 * IPv4 (228), IPv6 (229): no header, always that family
 *
 * Ethertype dispatch (one loop for every link type that carries an ethertype):
 *   0x0800 IPv4, 0x86dd IPv6: the IP header follows.
 *   0x8100 802.1Q, 0x88a8 802.1ad, 0x9100: a tag, any number of them (Q-in-Q):
 *     +---------+-----------+
 *     | TCI (2) | ethertype |  then dispatch on that ethertype
 *     +---------+-----------+
 *   0x8847 MPLS unicast, 0x8848 MPLS multicast (RFC 3032 section 2.1): label stack entries of 4 bytes
 *     +---------------------------------------+-----+-+---------------+
 *     |                Label (20)             | TC  |S|    TTL (8)    |  ... up to the entry with S = 1
 *     +---------------------------------------+-----+-+---------------+
 *     then the payload's first nibble (RFC 4928 section 2): 4 IPv4, 6 IPv6; 0 (pseudowire control word,
 *     RFC 4385) is not IP.
 *   0x8864 PPPoE session (RFC 2516 section 4), then the PPP protocol (RFC 1661 section 2):
 *     +----------+------+----------------+------------+------------------+
 *     | ver/type | code | session id (2) | length (2) | PPP protocol (2) |
 *     |   0x11   | 0x00 |                |            |                  |
 *     +----------+------+----------------+------------+------------------+
 *     PPP protocol 0x0021 IPv4 (0x21 when compressed, RFC 1661 section 6.5), 0x0057 IPv6 (RFC 5072 section
 *     3); 0x0281/0x0283 MPLS (RFC 3032 section 4.3): the label stack above; LCP and the rest are not IP.
 *   Anything else (0x0806 ARP, 0x8863 PPPoE discovery...): not IP.
 * </pre>
 *
 * <p>Every header is checked against the captured length before it is read: a header cut by the capture,
 * an MPLS stack without its bottom-of-stack entry before the frame ends, or a payload nibble past the end,
 * is "link header truncated". The tag and label walks advance 4 bytes a step and stop at the captured
 * length, so they are bounded by it. Plain Ethernet + IPv4 is decided with one comparison; nothing is
 * allocated.
 *
 * <p>Two entry points: {@link #network} finds the IP header of either family in one call and returns both in
 * one int ({@link #networkOffset(int)} and {@link #networkFamily(int)} take it apart); {@link #ipv4Offset} is
 * the IPv4-only answer written on top of it.
 */
public final class LinkLayer {
    /** Returned by {@link #ipv4Offset} for frames that carry something other than IPv4 (ARP, IPv6...). */
    public static final int NOT_IPV4 = -1;
    /** Returned by {@link #network} for frames that carry neither IPv4 nor IPv6 (ARP, LCP, unsupported...). */
    public static final int NOT_IP = -1;
    /** {@link #network}'s result holds the family (4 or 6) above this bit and the offset below it. */
    static final int FAMILY_SHIFT = 24;
    static final int OFFSET_MASK = (1 << FAMILY_SHIFT) - 1;
    private static final int V4 = IpAddress.IPV4 << FAMILY_SHIFT;
    private static final int V6 = IpAddress.IPV6 << FAMILY_SHIFT;

    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int PPP = 9;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    /** LINKTYPE_PPP_HDLC, libpcap's DLT_PPP_SERIAL: PPP in HDLC-like framing, or Cisco HDLC. */
    public static final int PPP_HDLC = 50;
    /** LINKTYPE_PPP_ETHER: PPPoE session frames without their Ethernet header. */
    public static final int PPP_ETHER = 51;
    public static final int RAW = 101;
    public static final int C_HDLC = 104;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;
    /** Pre-standard stacked VLAN tag, still seen on some switches. */
    public static final int ETHERTYPE_QINQ_OLD = 0x9100;
    /** MPLS unicast and multicast (RFC 3032 section 5, RFC 5332). */
    public static final int ETHERTYPE_MPLS = 0x8847;
    public static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    /** PPPoE discovery and session stages (RFC 2516 section 4). */
    public static final int ETHERTYPE_PPPOE_DISCOVERY = 0x8863;
    public static final int ETHERTYPE_PPPOE_SESSION = 0x8864;

    /** PPP protocol numbers (RFC 1661 section 2, IANA "PPP DLL Protocol Numbers"). */
    public static final int PPP_IPV4 = 0x0021;
    public static final int PPP_IPV6 = 0x0057;
    public static final int PPP_MPLS = 0x0281;
    public static final int PPP_MPLS_MULTICAST = 0x0283;
    public static final int PPP_LCP = 0xc021;

    static final int ETHERNET_HEADER = 14;
    static final int ETHERNET_TYPE = 12;
    static final int VLAN_TAG = 4;
    static final int MPLS_ENTRY = 4;
    /** Byte 2 of a label stack entry holds TC (3 bits) and S (its lowest bit). */
    static final int MPLS_BOTTOM_BYTE = 2;
    static final int PPPOE_HEADER = 6;
    static final int PPPOE_VERSION_TYPE = 0x11;
    static final int PPPOE_CODE_SESSION = 0x00;
    static final int HDLC_ADDRESS = 0xff;
    static final int HDLC_CONTROL = 0x03;
    static final int CISCO_HDLC_UNICAST = 0x0f;
    static final int CISCO_HDLC_BROADCAST = 0x8f;
    static final int CISCO_HDLC_HEADER = 4;
    static final int LOOPBACK_HEADER = 4;
    static final int AF_INET = 2;
    /** AF_INET6 in BSD loopback headers: NetBSD/OpenBSD, FreeBSD, macOS/Darwin (tcpdump.org, LINKTYPE_NULL). */
    static final int AF_INET6_BSD = 24;
    static final int AF_INET6_FREEBSD = 28;
    static final int AF_INET6_DARWIN = 30;
    static final int SLL_HEADER = 16;
    static final int SLL_PROTOCOL = 14;
    static final int SLL2_HEADER = 20;
    static final int SLL2_PROTOCOL = 0;

    private static final String LAYER = "link";
    private static final String TRUNCATED = "link header truncated";

    private LinkLayer() {
    }

    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, PPP, DLT_RAW, DLT_RAW_OPENBSD, PPP_HDLC, PPP_ETHER, RAW, C_HDLC, LOOP, LINUX_SLL,
                    IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** The libpcap name of a link type ("EN10MB", "LINUX_SLL2"...), "LINKTYPE-N" when unknown. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case PPP -> "PPP";
            case DLT_RAW, DLT_RAW_OPENBSD, RAW -> "RAW";
            case PPP_HDLC -> "PPP_SERIAL";
            case PPP_ETHER -> "PPP_ETHER";
            case C_HDLC -> "C_HDLC";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE-" + linkType;
        };
    }

    /**
     * The offset of the IPv4 header in {@code frame}, or {@link #NOT_IPV4} when the frame carries something
     * else (IPv6 included) or the link type is not supported (see {@link #isSupported}).
     *
     * @throws PacketException "link header truncated" when the link header (tags, label stack, PPPoE and
     *                         PPP headers included) is cut short by the capture
     */
    public static int ipv4Offset(int linkType, byte[] frame, int caplen) {
        int found = network(linkType, frame, caplen);
        return (found & ~OFFSET_MASK) == V4 ? found & OFFSET_MASK : NOT_IPV4;
    }

    /**
     * The IP header in {@code frame}: its family and offset in one int (read them with {@link #networkOffset}
     * and {@link #networkFamily}), or {@link #NOT_IP} when the frame carries neither IPv4 nor IPv6 or the link
     * type is not supported. The family is the link layer's word (ethertype, PPP protocol, address family,
     * link type) or, where the link does not say (MPLS, raw IP), the version nibble; a header whose own version
     * disagrees is for the IP view to reject.
     *
     * @throws PacketException "link header truncated" when the link header (tags, label stack, PPPoE and
     *                         PPP headers included) is cut short by the capture
     */
    public static int network(int linkType, byte[] frame, int caplen) {
        int len = Math.min(caplen, frame.length);
        switch (linkType) {
            case ETHERNET: {
                PacketException.requireLength(LAYER, 0, ETHERNET_HEADER, len, TRUNCATED);
                int type = Bytes.u16(frame, ETHERNET_TYPE);
                // The common case decided with one comparison; everything else goes through the dispatch.
                return type == ETHERTYPE_IPV4 ? V4 | ETHERNET_HEADER : ethertype(frame, len, type, ETHERNET_HEADER);
            }
            case NULL: {
                PacketException.requireLength(LAYER, 0, LOOPBACK_HEADER, len, TRUNCATED);
                // The family is in the capturing host's byte order: accept it either way.
                int family = loopbackFamily(Bytes.u32le(frame, 0));
                return family != NOT_IP ? family : loopbackFamily(Bytes.u32(frame, 0));
            }
            case LOOP:
                PacketException.requireLength(LAYER, 0, LOOPBACK_HEADER, len, TRUNCATED);
                return loopbackFamily(Bytes.u32(frame, 0));
            case RAW, DLT_RAW, DLT_RAW_OPENBSD:
                PacketException.requireLength(LAYER, 0, 1, len, TRUNCATED);
                return byVersion(frame, 0);
            case IPV4:
                return V4;
            case IPV6:
                return V6;
            case LINUX_SLL:
                PacketException.requireLength(LAYER, 0, SLL_HEADER, len, TRUNCATED);
                return ethertype(frame, len, Bytes.u16(frame, SLL_PROTOCOL), SLL_HEADER);
            case LINUX_SLL2:
                PacketException.requireLength(LAYER, 0, SLL2_HEADER, len, TRUNCATED);
                return ethertype(frame, len, Bytes.u16(frame, SLL2_PROTOCOL), SLL2_HEADER);
            case C_HDLC:
                PacketException.requireLength(LAYER, 0, CISCO_HDLC_HEADER, len, TRUNCATED);
                return ethertype(frame, len, Bytes.u16(frame, 2), CISCO_HDLC_HEADER);
            case PPP:
                return pppFrame(frame, len, false);
            case PPP_HDLC:
                return pppFrame(frame, len, true);
            case PPP_ETHER:
                return pppoeSession(frame, len, 0);
            default:
                return NOT_IP;
        }
    }

    /** The IP header's offset in a {@link #network} result that is not {@link #NOT_IP}. */
    public static int networkOffset(int found) {
        return found & OFFSET_MASK;
    }

    /** The family ({@link IpAddress#IPV4} or {@link IpAddress#IPV6}) in a {@link #network} result. */
    public static int networkFamily(int found) {
        return found >>> FAMILY_SHIFT;
    }

    /** A BSD loopback address family (AF_INET, or one of the three AF_INET6 values): the IP header at 4. */
    private static int loopbackFamily(long family) {
        if (family == AF_INET) {
            return V4 | LOOPBACK_HEADER;
        }
        if (family == AF_INET6_BSD || family == AF_INET6_FREEBSD || family == AF_INET6_DARWIN) {
            return V6 | LOOPBACK_HEADER;
        }
        return NOT_IP;
    }

    /** The header at {@code at} by its version nibble: 4 IPv4, 6 IPv6, else not IP. */
    private static int byVersion(byte[] frame, int at) {
        int version = Bytes.u8(frame, at) >>> 4;
        return version == 4 ? V4 | at : version == 6 ? V6 | at : NOT_IP;
    }

    /**
     * Dispatches on {@code type}, the ethertype whose payload starts at {@code at}: IPv4 or IPv6 ends the walk,
     * VLAN tags, MPLS label stacks and PPPoE session headers are skipped, anything else is not IP.
     */
    private static int ethertype(byte[] frame, int len, int type, int at) {
        while (true) {
            switch (type) {
                case ETHERTYPE_IPV4:
                    return V4 | at;
                case ETHERTYPE_IPV6:
                    return V6 | at;
                case ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD:
                    // A tag is the TPID just read, the 2-byte TCI, then the next ethertype.
                    PacketException.requireLength(LAYER, 0, at + VLAN_TAG, len, TRUNCATED);
                    type = Bytes.u16(frame, at + 2);
                    at += VLAN_TAG;
                    break;
                case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST:
                    return mpls(frame, len, at);
                case ETHERTYPE_PPPOE_SESSION:
                    return pppoeSession(frame, len, at);
                default:
                    return NOT_IP;
            }
        }
    }

    /**
     * Skips the label stack at {@code at} up to and including the entry with the bottom-of-stack bit (RFC 3032
     * section 2.1), then reads the payload's first nibble: MPLS does not say what it carries; IPv4 is the
     * payload whose first nibble is 4, IPv6 6 (RFC 4928 section 2; 0 is a pseudowire control word, RFC 4385).
     */
    private static int mpls(byte[] frame, int len, int at) {
        boolean bottom;
        do {
            PacketException.requireLength(LAYER, 0, at + MPLS_ENTRY, len, TRUNCATED);
            bottom = (frame[at + MPLS_BOTTOM_BYTE] & 1) != 0;
            at += MPLS_ENTRY;
        } while (!bottom);
        PacketException.requireLength(LAYER, 0, at + 1, len, TRUNCATED);
        return byVersion(frame, at);
    }

    /**
     * The PPPoE session header at {@code at} (RFC 2516 section 4: version 1, type 1, code 0 for session
     * data), then its PPP protocol. A discovery code or another version is not IPv4.
     */
    private static int pppoeSession(byte[] frame, int len, int at) {
        PacketException.requireLength(LAYER, 0, at + PPPOE_HEADER, len, TRUNCATED);
        if (Bytes.u8(frame, at) != PPPOE_VERSION_TYPE || Bytes.u8(frame, at + 1) != PPPOE_CODE_SESSION) {
            return NOT_IP;
        }
        return ppp(frame, len, at + PPPOE_HEADER);
    }

    /**
     * LINKTYPE_PPP: the PPP protocol, after an optional 0xff 0x03 address and control (RFC 1662 section 3.1).
     * LINKTYPE_PPP_HDLC ({@code hdlc}): 0xff 0x03 then the PPP protocol, or a Cisco HDLC header (address
     * 0x0f or 0x8f, control 0, ethertype).
     */
    private static int pppFrame(byte[] frame, int len, boolean hdlc) {
        PacketException.requireLength(LAYER, 0, 1, len, TRUNCATED);
        int address = Bytes.u8(frame, 0);
        if (address == HDLC_ADDRESS) {
            PacketException.requireLength(LAYER, 0, 2, len, TRUNCATED);
            return Bytes.u8(frame, 1) == HDLC_CONTROL ? ppp(frame, len, 2) : NOT_IP;
        }
        if (!hdlc) {
            return ppp(frame, len, 0);
        }
        if (address == CISCO_HDLC_UNICAST || address == CISCO_HDLC_BROADCAST) {
            PacketException.requireLength(LAYER, 0, CISCO_HDLC_HEADER, len, TRUNCATED);
            return ethertype(frame, len, Bytes.u16(frame, 2), CISCO_HDLC_HEADER);
        }
        return NOT_IP;
    }

    /**
     * The PPP protocol field at {@code at} (RFC 1661 section 2): 2 bytes, or 1 when compressed (section 6.5:
     * a first byte with its low bit set is the whole field). IPv4 or IPv6 follows it; MPLS goes to the label
     * walk.
     */
    private static int ppp(byte[] frame, int len, int at) {
        PacketException.requireLength(LAYER, 0, at + 1, len, TRUNCATED);
        int protocol = Bytes.u8(frame, at);
        if ((protocol & 1) != 0) {
            at += 1;
        } else {
            PacketException.requireLength(LAYER, 0, at + 2, len, TRUNCATED);
            protocol = Bytes.u16(frame, at);
            at += 2;
        }
        return switch (protocol) {
            case PPP_IPV4 -> V4 | at;
            case PPP_IPV6 -> V6 | at;
            case PPP_MPLS, PPP_MPLS_MULTICAST -> mpls(frame, len, at);
            default -> NOT_IP;
        };
    }
}
