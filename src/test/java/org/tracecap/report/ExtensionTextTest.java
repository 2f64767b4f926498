package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.InterfaceInformation;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.MplsEntry;

/**
 * The {@code -e} column: {@link ExtensionText} and {@link TextReport#writeHop(Hop, Appendable, ReverseDns,
 * boolean)}, in Linux traceroute 2.1's {@code -e} format. SYNTHETIC objects (Linux routers send neither RFC 4950
 * nor RFC 5837), built as the packet layer decodes them.
 */
class ExtensionTextTest {
    static final IcmpExtension LABEL = IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1)));
    static final IcmpExtension OTHER_LABEL = IcmpExtensions.mplsObject(List.of(new MplsEntry(24002, 0, true, 1)));
    static final IcmpExtension INCOMING = new InterfaceInformation(InterfaceInformation.ROLE_INCOMING, 3L,
            IpAddress.parse("198.18.2.2"), "eth1", 1500L).toExtension();
    static final IcmpExtension OUTGOING = new InterfaceInformation(InterfaceInformation.ROLE_OUTGOING, 4L,
            IpAddress.parse("198.18.3.1"), "eth2", 9000L).toExtension();

    /** {@code p} as answered with {@code extensions}. */
    static ProbeResult with(ProbeResult p, List<IcmpExtension> extensions) {
        return new ProbeResult(p.ttl(), p.sendTimeNanos(), p.ipId(), p.sourcePort(), p.destinationPort(),
                p.icmpId(), p.icmpSequence(), p.udpChecksum(), p.size(), p.rttNanos(), p.responder(), p.icmpType(),
                p.icmpCode(), p.tcpFlags(), p.annotation(), p.replyTtl(), p.quotedTtl(), p.quotedIpId(),
                p.quotedUdpChecksum(), 168, extensions);
    }

    private static ProbeResult answer(int seq, String responder, double ms, List<IcmpExtension> extensions) {
        return with(Samples.udp(2, seq, responder, ms, 11, 0), extensions);
    }

    private static String line(boolean extensions, ProbeResult... probes) throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.writeHop(new Hop(2, List.of(probes)), out, ReverseDns.numeric(), extensions);
        return out.toString();
    }

    @Test
    void singleLabel() throws IOException {
        assertEquals("MPLS:L=24001,E=0,S=1,T=1", ExtensionText.of(List.of(LABEL)));
        assertEquals(" 2  198.18.2.2 <MPLS:L=24001,E=0,S=1,T=1>  0.153 ms  0.013 ms\n", line(true,
                answer(3, "198.18.2.2", 0.153, List.of(LABEL)), answer(4, "198.18.2.2", 0.013, List.of(LABEL))));
    }

    @Test
    void stackOfThreeJoinedBySlashes() {
        IcmpExtension stack = IcmpExtensions.mplsObject(List.of(new MplsEntry(16005, 0, false, 1),
                new MplsEntry(300, 5, false, 1), new MplsEntry(1048575, 7, true, 255)));
        assertEquals("MPLS:L=16005,E=0,S=0,T=1/L=300,E=5,S=0,T=1/L=1048575,E=7,S=1,T=255",
                ExtensionText.of(List.of(stack)));
    }

    @Test
    void incomingAndOutgoingInterfacesInOneMessage() {
        assertEquals("MPLS:L=24001,E=0,S=1,T=1;INC:3,198.18.2.2,\"eth1\",mtu=1500;OUT:4,198.18.3.1,\"eth2\",mtu=9000",
                ExtensionText.of(List.of(LABEL, INCOMING, OUTGOING)));
    }

    @Test
    void asTheLinuxKernelSelftestExpectsOfTraceroute() {
        // tools/testing/selftests/net/traceroute.sh greps traceroute -e (2.1.5+) for '<INC:IFINDEX,"eth1",mtu=1500>'
        // from a router whose incoming interface has no IPv4 address (ifIndex, name, MTU: c-type 0x0b)
        IcmpExtension linux = new InterfaceInformation(InterfaceInformation.ROLE_INCOMING, 5L, null, "eth1", 1500L)
                .toExtension();
        assertEquals(0x0b, linux.cType());
        assertEquals("INC:5,\"eth1\",mtu=1500", ExtensionText.of(List.of(linux)));
    }

    @Test
    void interfaceInformationPrintsOnlyWhatWasSent() {
        assertEquals("NXT:2001:db8::2", ExtensionText.of(List.of(new InterfaceInformation(
                InterfaceInformation.ROLE_NEXT_HOP, null, IpAddress.parse("2001:db8::2"), null, null).toExtension())));
        assertEquals("SUB:mtu=1500", ExtensionText.of(List.of(new InterfaceInformation(
                InterfaceInformation.ROLE_SUB_IP, null, null, null, 1500L).toExtension())));
        assertEquals("INC:\"ge-0/0/1\"", ExtensionText.of(List.of(new InterfaceInformation(
                InterfaceInformation.ROLE_INCOMING, null, null, "ge-0/0/1", null).toExtension())));
    }

    @Test
    void nameBytesThatCouldMisleadTheTerminalAreEscaped() {
        // ESC, space, %, " and a UTF-8 e-acute: %XX each byte, as traceroute's print_iface_info does
        String name = "a\u001b[2J b%\"\u00e9";
        assertEquals("INC:\"a%1B[2J%20b%25%22%C3%A9\"", ExtensionText.of(List.of(new InterfaceInformation(
                InterfaceInformation.ROLE_INCOMING, null, null, name, null).toExtension())));
    }

    @Test
    void otherObjectsAsWordsOfHex() {
        IcmpExtension unknown = new IcmpExtension(250, 7, "0000000adeadbeef", List.of());
        IcmpExtension undecoded = new IcmpExtension(2, 0x08, "0000000300000000", List.of());
        IcmpExtension emptyMpls = new IcmpExtension(1, 1, "", List.of());
        assertEquals("250/7:0000000a,deadbeef;2/8:00000003,00000000;1/1:",
                ExtensionText.of(List.of(unknown, undecoded, emptyMpls)));
        assertNull(ExtensionText.of(List.of()));
    }

    @Test
    void responderRepeatedWhenTheTextChangesBetweenProbes() throws IOException {
        // traceroute print_probe: the address again when it or the extension text differs from the previous
        // answer's; a star between two answers does not count
        assertEquals(" 2  198.18.2.2 <MPLS:L=24001,E=0,S=1,T=1>  0.153 ms *"
                        + " 198.18.2.2 <MPLS:L=24002,E=0,S=1,T=1>  0.013 ms  0.009 ms"
                        + " 198.18.2.2  0.010 ms\n",
                line(true, answer(3, "198.18.2.2", 0.153, List.of(LABEL)), Samples.udp(2, 4, null, 0, 0, 0),
                        answer(5, "198.18.2.2", 0.013, List.of(OTHER_LABEL)),
                        answer(6, "198.18.2.2", 0.009, List.of(OTHER_LABEL)),
                        answer(7, "198.18.2.2", 0.010, List.of())));
    }

    @Test
    void withoutTheOptionTheLineIsAsBefore() throws IOException {
        ProbeResult[] probes = {answer(3, "198.18.2.2", 0.153, List.of(LABEL)),
            answer(4, "198.18.2.2", 0.013, List.of(OTHER_LABEL))};
        String plain = " 2  198.18.2.2  0.153 ms  0.013 ms\n";
        assertEquals(plain, line(false, probes));
        StringBuilder old = new StringBuilder();
        TextReport.writeHop(new Hop(2, List.of(probes)), old, ReverseDns.numeric());
        assertEquals(plain, old.toString());
    }
}
