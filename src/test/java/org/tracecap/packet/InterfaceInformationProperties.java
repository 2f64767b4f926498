package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile RFC 5837 objects: random payload bytes under a random c-type, in a well-formed extension structure
 * (valid checksum, object lengths tiling it) of a SYNTHETIC Time Exceeded ({@link IcmpErrorEncoder}, as in
 * {@link IcmpExtensionsTest}). Parsing never throws; the object is always kept with its bytes; it is either
 * decoded (no warning, the c-type's role and sub-object bits as read) or left undecoded with the
 * {@link IcmpExtensions#BAD_INTERFACE_INFORMATION} warning.
 */
class InterfaceInformationProperties {

    @Property(tries = 3000)
    void randomBytesInAClass2ObjectNeverThrow(@ForAll @IntRange(min = 0, max = 255) int cType,
                                              @ForAll @Size(max = 120) byte[] payload,
                                              @ForAll boolean compatibilityLayout) {
        IcmpExtension object = new IcmpExtension(InterfaceInformation.CLASS_NUM, cType,
                Bytes.hex(payload, 0, payload.length), null);
        IcmpErrorEncoder e = IcmpExtensionsTest.timeExceeded().extensions(List.of(object));
        if (compatibilityLayout) {
            e.compatibilityLayout();
        }
        IcmpExtensions.Parsed p = IcmpExtensionsTest.parse(e.toBytes());
        assertEquals(1, p.extensions().size());
        IcmpExtension got = p.extensions().get(0);
        assertEquals(object.payloadHex(), got.payloadHex());
        assertEquals(cType, got.cType());
        InterfaceInformation info = got.interfaceInformation();
        if (info == null) {
            assertEquals(IcmpExtensions.BAD_INTERFACE_INFORMATION, p.warning());
        } else {
            assertNull(p.warning());
            assertEquals(cType & 0xcf, info.cType(), "role and sub-object bits (reserved bits 2-3 dropped)");
        }
    }

    @Property(tries = 3000)
    void decodeAnywhereInABufferStaysInside(@ForAll @Size(max = 100) byte[] b,
                                            @ForAll @IntRange(min = 0, max = 100) int off,
                                            @ForAll @IntRange(min = 0, max = 100) int len,
                                            @ForAll @IntRange(min = 0, max = 255) int cType) {
        int o = Math.min(off, b.length);
        int l = Math.min(len, b.length - o);
        InterfaceInformation info = InterfaceInformation.decode(b, o, l, cType);
        if (info != null) {
            assertNotNull(info.roleName());
            assertEquals(cType & 0xcf, info.cType());
        }
    }
}
