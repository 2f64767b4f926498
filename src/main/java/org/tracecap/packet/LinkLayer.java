package org.tracecap.packet;

/**
 * Finds the IPv4 header behind a captured frame's link-layer header, for the link types tracecap reads
 * (tcpdump.org "LINK-LAYER HEADER TYPES"; numbers are the LINKTYPE_/DLT_ values stored in capture files).
 *
 * <pre>
 * Ethernet II (LINKTYPE_ETHERNET 1), optionally with IEEE 802.1Q (0x8100) / 802.1ad (0x88a8) tags:
 * +-----------------+-----------------+------+ +------+------+      +------+--------------
 * | destination (6) |   source (6)    | 8100 | | TCI  | 88a8 | ...  | 0800 | IPv4 header
 * +-----------------+-----------------+------+ +------+------+      +------+--------------
 *                                      12      14     16             12+4n  14+4n
 *
 * BSD loopback NULL (0): 4-byte address family in the capturing host's byte order (AF_INET = 2)
 * OpenBSD LOOP (108):    4-byte address family in network byte order
 * Raw IP (101, DLT_RAW 12 / 14): no header; version nibble 4 means IPv4
 * IPv4 (228): no header, always IPv4
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
 * </pre>
 */
public final class LinkLayer {
    /** Returned by {@link #ipv4Offset} for frames that carry something other than IPv4 (ARP, IPv6...). */
    public static final int NOT_IPV4 = -1;

    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int LINUX_SLL2 = 276;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;
    /** Pre-standard stacked VLAN tag, still seen on some switches. */
    public static final int ETHERTYPE_QINQ_OLD = 0x9100;

    static final int ETHERNET_HEADER = 14;
    static final int ETHERNET_TYPE = 12;
    static final int VLAN_TAG = 4;
    static final int LOOPBACK_HEADER = 4;
    static final int AF_INET = 2;
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
            case NULL, ETHERNET, DLT_RAW, DLT_RAW_OPENBSD, RAW, LOOP, LINUX_SLL, IPV4, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** The libpcap name of a link type ("EN10MB", "LINUX_SLL2"...), "LINKTYPE-N" when unknown. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case DLT_RAW, DLT_RAW_OPENBSD, RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE-" + linkType;
        };
    }

    /**
     * The offset of the IPv4 header in {@code frame}, or {@link #NOT_IPV4} when the frame carries something
     * else or the link type is not supported (see {@link #isSupported}).
     *
     * @throws PacketException "link header truncated" when the link header is cut short by the capture
     */
    public static int ipv4Offset(int linkType, byte[] frame, int caplen) {
        int len = Math.min(caplen, frame.length);
        switch (linkType) {
            case ETHERNET:
                return ethernet(frame, len);
            case NULL: {
                PacketException.requireLength(LAYER, 0, LOOPBACK_HEADER, len, TRUNCATED);
                // The family is in the capturing host's byte order: accept AF_INET either way.
                boolean inet = Bytes.u32le(frame, 0) == AF_INET || Bytes.u32(frame, 0) == AF_INET;
                return inet ? LOOPBACK_HEADER : NOT_IPV4;
            }
            case LOOP:
                PacketException.requireLength(LAYER, 0, LOOPBACK_HEADER, len, TRUNCATED);
                return Bytes.u32(frame, 0) == AF_INET ? LOOPBACK_HEADER : NOT_IPV4;
            case RAW, DLT_RAW, DLT_RAW_OPENBSD:
                PacketException.requireLength(LAYER, 0, 1, len, TRUNCATED);
                return (Bytes.u8(frame, 0) >>> 4) == 4 ? 0 : NOT_IPV4;
            case IPV4:
                return 0;
            case LINUX_SLL:
                PacketException.requireLength(LAYER, 0, SLL_HEADER, len, TRUNCATED);
                return Bytes.u16(frame, SLL_PROTOCOL) == ETHERTYPE_IPV4 ? SLL_HEADER : NOT_IPV4;
            case LINUX_SLL2:
                PacketException.requireLength(LAYER, 0, SLL2_HEADER, len, TRUNCATED);
                return Bytes.u16(frame, SLL2_PROTOCOL) == ETHERTYPE_IPV4 ? SLL2_HEADER : NOT_IPV4;
            default:
                return NOT_IPV4;
        }
    }

    private static int ethernet(byte[] frame, int len) {
        PacketException.requireLength(LAYER, 0, ETHERNET_HEADER, len, TRUNCATED);
        int typeAt = ETHERNET_TYPE;
        int type = Bytes.u16(frame, typeAt);
        // Skip any stack of 802.1Q / 802.1ad tags: each is TPID (the type we just read) + 2-byte TCI.
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            typeAt += VLAN_TAG;
            PacketException.requireLength(LAYER, 0, typeAt + 2, len, TRUNCATED);
            type = Bytes.u16(frame, typeAt);
        }
        return type == ETHERTYPE_IPV4 ? typeAt + 2 : NOT_IPV4;
    }
}
