package org.tracecap.packet;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Writes SYNTHETIC link headers around IPv4 bytes for the tests: Ethernet II with 802.1Q/802.1ad tags, MPLS
 * label stacks (RFC 3032 section 2.1) and PPPoE session headers (RFC 2516 section 4). This kernel forwards
 * neither MPLS nor PPPoE, so no bundled capture holds them; the layouts are the RFCs', as {@link LinkLayer}
 * documents them.
 */
public final class Encapsulation {
    public static final byte[] ROUTER_MAC = {2, 0, (byte) 0xc6, 0x12, 1, 2};
    public static final byte[] HOST_MAC = {2, 0, (byte) 0xc6, 0x12, 1, 1};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Encapsulation() {
    }

    /** An Ethernet header from {@code source} to {@code destination}; tags, stacks and the type follow. */
    public static Encapsulation ethernet(byte[] destination, byte[] source) {
        Encapsulation e = new Encapsulation();
        e.out.writeBytes(destination);
        e.out.writeBytes(source);
        return e;
    }

    /** Starts with no header at all (for the PPP and PPPoE link types). */
    public static Encapsulation bare() {
        return new Encapsulation();
    }

    /** Any bytes, as they are. */
    public Encapsulation raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public Encapsulation u16(int value) {
        out.write(value >>> 8);
        out.write(value & 0xff);
        return this;
    }

    /** A VLAN tag: its TPID (0x8100, 0x88a8...) and TCI; the next ethertype follows. */
    public Encapsulation tag(int tpid, int tci) {
        return u16(tpid).u16(tci);
    }

    /** The label stack entries as written (the caller sets the bottom-of-stack bits). */
    public Encapsulation labels(List<MplsEntry> entries) {
        byte[] word = new byte[4];
        for (MplsEntry m : entries) {
            Bytes.put32(word, 0, IcmpExtensions.encodeMpls(m) & 0xffffffffL);
            out.writeBytes(word);
        }
        return this;
    }

    /**
     * A PPPoE session header (version 1, type 1, code 0, {@code session}) whose length covers the 2-byte PPP
     * protocol and {@code payloadLength} bytes, then the protocol.
     */
    public Encapsulation pppoe(int session, int pppProtocol, int payloadLength) {
        out.write(0x11);
        out.write(0x00);
        return u16(session).u16(2 + payloadLength).u16(pppProtocol);
    }

    /** The frame: the headers so far, then {@code payload}. */
    public byte[] then(byte[] payload) {
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** {@code n} label stack entries with labels from 16 up, TTL 255, the bottom-of-stack bit on the last. */
    public static List<MplsEntry> stack(int n) {
        MplsEntry[] entries = new MplsEntry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = new MplsEntry(16 + i * 1000, 0, i == n - 1, 255);
        }
        return List.of(entries);
    }
}
