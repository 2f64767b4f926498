package org.tracecap.packet;

import java.util.List;

/**
 * One object of an RFC 4884 ICMP extension structure (RFC 4884 section 7): its class number, c-type,
 * the object's payload as lower-case hex, for the MPLS label stack object (RFC 4950: class 1, c-type 1) the
 * decoded entries (empty for every other object), and for the Interface Information object (RFC 5837:
 * class 2) what it says, or null (every other object, and a class-2 object whose lengths do not add up).
 */
public record IcmpExtension(int classNum, int cType, String payloadHex, List<MplsEntry> mpls,
        InterfaceInformation interfaceInformation) {
    public static final int CLASS_MPLS = 1;
    public static final int CTYPE_MPLS_INCOMING = 1;

    public IcmpExtension {
        mpls = mpls == null ? List.of() : List.copyOf(mpls);
    }

    /** An object without interface information. */
    public IcmpExtension(int classNum, int cType, String payloadHex, List<MplsEntry> mpls) {
        this(classNum, cType, payloadHex, mpls, null);
    }
}
