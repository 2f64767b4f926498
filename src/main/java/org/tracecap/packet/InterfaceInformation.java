package org.tracecap.packet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The Interface Information object of RFC 5837 (class 2 of an RFC 4884 extension structure): which interface
 * of the router the ICMP error is about, by any of its ifIndex, IP address, name and MTU.
 *
 * <pre>
 * C-Type (RFC 5837 section 4.1), bit 0 the most significant:
 *   0   1   2   3   4   5   6   7
 * +---+---+---+---+---+---+---+---+
 * | Role  | Rsvd  |ifI|IPA|Nam|MTU|
 * +---+---+---+---+---+---+---+---+
 * Role: 0 incoming IP interface, 1 sub-IP component of it, 2 outgoing IP interface, 3 IP next hop.
 *
 * Then the sub-objects whose bits are set, in this order (section 4.1):
 *   ifIndex (ifI):       32-bit ifIndex
 *   IP Address (IPA):    | AFI (16) | Reserved (16) |, then the address: AFI 1 IPv4 (4 bytes), 2 IPv6 (16)
 *   Name (Nam):          | Length (8) | name, UTF-8 ... |: Length counts itself, a multiple of 4, at most 64
 *                        (section 4.4); the name ends at the first NUL of the padding
 *   MTU:                 32-bit MTU
 * </pre>
 *
 * <p>{@link #decode} checks every length against the object's: a sub-object cut short, an AFI it cannot size,
 * a name length that is no multiple of 4, above 64 or past the end, or bytes left over after the last
 * sub-object make the object undecodable (null): the caller keeps its raw bytes and warns.
 *
 * @param role    0-3 (bits 0-1 of the C-Type), see {@link #roleName()}
 * @param ifIndex the ifIndex (unsigned 32 bits), or null when not sent
 * @param address the interface's IP address, or null when not sent
 * @param name    the interface name (UTF-8 decoded, up to the padding), or null when not sent
 * @param mtu     the MTU (unsigned 32 bits), or null when not sent
 */
public record InterfaceInformation(int role, Long ifIndex, IpAddress address, String name, Long mtu) {
    public static final int CLASS_NUM = 2;
    public static final int ROLE_INCOMING = 0;
    public static final int ROLE_SUB_IP = 1;
    public static final int ROLE_OUTGOING = 2;
    public static final int ROLE_NEXT_HOP = 3;
    /** C-Type bits saying which sub-objects follow (RFC 5837 section 4.1, bits 4-7). */
    public static final int HAS_IF_INDEX = 0x08;
    public static final int HAS_ADDRESS = 0x04;
    public static final int HAS_NAME = 0x02;
    public static final int HAS_MTU = 0x01;
    /** Address Family Identifiers (IANA) of the IP Address sub-object (section 4.2). */
    public static final int AFI_IPV4 = 1;
    public static final int AFI_IPV6 = 2;
    /** The Interface Name sub-object's largest length, its length octet included (section 4.3). */
    public static final int MAX_NAME_SUB_OBJECT = 64;

    private static final String[] ROLE_NAMES = {"incoming", "sub-ip", "outgoing", "next-hop"};

    public InterfaceInformation {
        if (role < 0 || role > 3) {
            throw new IllegalArgumentException("RFC 5837 interface role out of range: " + role);
        }
        if (ifIndex != null && (ifIndex < 0 || ifIndex > 0xffff_ffffL)) {
            throw new IllegalArgumentException("ifIndex out of range: " + ifIndex);
        }
        if (mtu != null && (mtu < 0 || mtu > 0xffff_ffffL)) {
            throw new IllegalArgumentException("MTU out of range: " + mtu);
        }
        if (name != null && (1 + name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_SUB_OBJECT
                || name.indexOf('\0') >= 0)) {
            // 63 octets of name at most (section 4.3); a NUL would end it early
            throw new IllegalArgumentException("interface name over 63 UTF-8 bytes or with a NUL: " + name);
        }
    }

    /** The role in hop JSON: incoming, sub-ip, outgoing or next-hop. */
    public String roleName() {
        return ROLE_NAMES[role];
    }

    /** The C-Type this object is sent with: the role and a bit per sub-object present. */
    public int cType() {
        return role << 6 | (ifIndex != null ? HAS_IF_INDEX : 0) | (address != null ? HAS_ADDRESS : 0)
                | (name != null ? HAS_NAME : 0) | (mtu != null ? HAS_MTU : 0);
    }

    /**
     * Decodes the payload of a class-2 object, {@code len} bytes at {@code off} (after the 4-byte object
     * header), as its {@code cType} describes it; null when a length does not fit (class comment).
     */
    public static InterfaceInformation decode(byte[] b, int off, int len, int cType) {
        int at = off;
        int end = off + len;
        Long ifIndex = null;
        if ((cType & HAS_IF_INDEX) != 0) {
            if (end - at < 4) {
                return null;
            }
            ifIndex = Bytes.u32(b, at);
            at += 4;
        }
        IpAddress address = null;
        if ((cType & HAS_ADDRESS) != 0) {
            if (end - at < 4) {
                return null;
            }
            int afi = Bytes.u16(b, at);
            int size = afi == AFI_IPV4 ? 4 : afi == AFI_IPV6 ? 16 : -1;
            if (size < 0 || end - at - 4 < size) {
                return null; // an unknown family cannot be sized, so nothing after it can be found
            }
            address = size == 4 ? IpAddress.ipv4At(b, at + 4) : IpAddress.ipv6At(b, at + 4);
            at += 4 + size;
        }
        String name = null;
        if ((cType & HAS_NAME) != 0) {
            if (end - at < 1) {
                return null;
            }
            int length = Bytes.u8(b, at);
            if (length < 4 || length % 4 != 0 || length > MAX_NAME_SUB_OBJECT || length > end - at) {
                return null;
            }
            int nameEnd = at + 1;
            while (nameEnd < at + length && b[nameEnd] != 0) {
                nameEnd++;
            }
            try {
                // RFC 5837 4.3: the name is UTF-8; bytes that are not (a router's garbage) leave the object
                // undecoded rather than turned into replacement characters that no longer fit 63 bytes
                name = StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(b, at + 1, nameEnd - at - 1)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
            at += length;
        }
        Long mtu = null;
        if ((cType & HAS_MTU) != 0) {
            if (end - at < 4) {
                return null;
            }
            mtu = Bytes.u32(b, at);
            at += 4;
        }
        if (at != end) {
            return null; // the object's length says more than its C-Type does
        }
        return new InterfaceInformation((cType >>> 6) & 3, ifIndex, address, name, mtu);
    }

    /** The object's payload as {@link #decode} reads it: sub-objects in order, the name NUL-padded. */
    public byte[] payload() {
        byte[] nameBytes = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        int nameLength = nameBytes == null ? 0 : (1 + nameBytes.length + 3) / 4 * 4;
        int size = (ifIndex != null ? 4 : 0) + (address != null ? 4 + (address.isIpv4() ? 4 : 16) : 0)
                + nameLength + (mtu != null ? 4 : 0);
        byte[] b = new byte[size];
        int at = 0;
        if (ifIndex != null) {
            Bytes.put32(b, at, ifIndex);
            at += 4;
        }
        if (address != null) {
            Bytes.put16(b, at, address.isIpv4() ? AFI_IPV4 : AFI_IPV6);
            at = address.write(b, at + 4);
        }
        if (nameBytes != null) {
            Bytes.put8(b, at, nameLength);
            System.arraycopy(nameBytes, 0, b, at + 1, nameBytes.length);
            at += nameLength;
        }
        if (mtu != null) {
            Bytes.put32(b, at, mtu);
        }
        return b;
    }

    /** This information as an extension object (class 2), ready for {@link IcmpExtensions#write}. */
    public IcmpExtension toExtension() {
        byte[] p = payload();
        return new IcmpExtension(CLASS_NUM, cType(), Bytes.hex(p, 0, p.length), null, this);
    }
}
