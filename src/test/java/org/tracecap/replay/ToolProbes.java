package org.tracecap.replay;

import java.util.ArrayList;
import java.util.List;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;

/**
 * Synthetic IPv4 probes shaped like a given tool's, byte by byte (no IP options, 20-byte header), for the tool
 * recognition tests: each test says where every field's value comes from. Addresses from 198.18.0.0/15.
 */
public final class ToolProbes {
    public static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    public static final int SERVER = Ipv4Address.parse("198.18.5.2");
    /** Checksum argument: compute the field over the bytes (RFC 768 / RFC 792) instead of forcing a value. */
    public static final int NATURAL = -1;

    private ToolProbes() {
    }

    /** IPv4 + UDP from {@link #CLIENT} to {@link #SERVER} carrying {@code payload}. */
    public static byte[] udp(int ttl, int ipId, boolean df, int sport, int dport, int checksum, byte[] payload) {
        int l4 = 8 + payload.length;
        byte[] b = ipv4(IpProtocol.UDP, ttl, ipId, df, l4);
        Bytes.put16(b, 20, sport);
        Bytes.put16(b, 22, dport);
        Bytes.put16(b, 24, l4);
        System.arraycopy(payload, 0, b, 28, payload.length);
        if (checksum == NATURAL) {
            int sum = ~Checksum.sum(b, 20, l4, Checksum.pseudoHeaderSum(CLIENT, SERVER, IpProtocol.UDP, l4)) & 0xffff;
            checksum = sum == 0 ? 0xffff : sum;
        }
        Bytes.put16(b, 26, checksum);
        return b;
    }

    /** IPv4 + ICMP Echo Request carrying {@code payload}. */
    public static byte[] echo(int ttl, int ipId, int id, int seq, int checksum, byte[] payload) {
        int l4 = 8 + payload.length;
        byte[] b = ipv4(IpProtocol.ICMP, ttl, ipId, false, l4);
        b[20] = 8;
        Bytes.put16(b, 24, id);
        Bytes.put16(b, 26, seq);
        System.arraycopy(payload, 0, b, 28, payload.length);
        Bytes.put16(b, 22, checksum == NATURAL ? Checksum.compute(b, 20, l4) : checksum);
        return b;
    }

    /** IPv4 + TCP SYN with {@code optionBytes} bytes of options (NOP-filled here; only their length matters). */
    public static byte[] syn(int ttl, int ipId, int sport, int dport, long seq, int optionBytes) {
        int l4 = 20 + optionBytes;
        byte[] b = ipv4(IpProtocol.TCP, ttl, ipId, false, l4);
        Bytes.put16(b, 20, sport);
        Bytes.put16(b, 22, dport);
        Bytes.put32(b, 24, seq);
        b[32] = (byte) ((l4 / 4) << 4);
        b[33] = 0x02; // SYN
        Bytes.put16(b, 34, 5840);
        for (int i = 40; i < 20 + l4; i++) {
            b[i] = 1; // NOP
        }
        int sum = ~Checksum.sum(b, 20, l4, Checksum.pseudoHeaderSum(CLIENT, SERVER, IpProtocol.TCP, l4)) & 0xffff;
        Bytes.put16(b, 36, sum);
        return b;
    }

    private static byte[] ipv4(int protocol, int ttl, int ipId, boolean df, int l4Length) {
        byte[] b = new byte[20 + l4Length];
        b[0] = 0x45;
        Bytes.put16(b, 2, b.length);
        Bytes.put16(b, 4, ipId & 0xffff);
        Bytes.put16(b, 6, df ? 0x4000 : 0);
        b[8] = (byte) ttl;
        b[9] = (byte) protocol;
        Bytes.put32(b, 12, CLIENT & 0xffffffffL);
        Bytes.put32(b, 16, SERVER & 0xffffffffL);
        Bytes.put16(b, 10, Checksum.compute(b, 0, 20));
        return b;
    }

    /** The packet as the replay's classifier reads it from a raw-IP capture. */
    public static SentProbe classify(long timeNanos, byte[] packet) {
        return (SentProbe) new FrameClassifier().classify(timeNanos, LinkLayer.RAW, packet, packet.length,
                packet.length);
    }

    /** The packets classified, 1 ms apart, as the slots of one trace piece. */
    static List<Slot> slots(List<byte[]> packets) {
        List<Slot> out = new ArrayList<>(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            out.add(new Slot(classify(i * 1_000_000L, packets.get(i))));
        }
        return out;
    }

    public static byte[] zeros(int n) {
        return new byte[n];
    }

    /** {@code n} bytes {@code from, from + 1, ...} (mod 256). */
    public static byte[] ascending(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** {@code n} bytes starting with {@code head}, zero after it. */
    public static byte[] startingWith(int n, int... head) {
        byte[] b = new byte[n];
        for (int i = 0; i < head.length; i++) {
            b[i] = (byte) head[i];
        }
        return b;
    }
}
