package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;

/** {@link KeyTable} against a {@code HashMap} through random adds, lookups and removals, growing and wrapping. */
class KeyTableTest {
    private static final class Entry extends KeyTable.Keyed {
        final long id;

        Entry(long id) {
            this.id = id;
            set(id);
        }

        Entry set(long id) {
            key((int) (id >>> 32), (int) id, 0, 0, 0);
            return this;
        }
    }

    @Test
    void behavesAsAMap() {
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            KeyTable<Entry> table = new KeyTable<>();
            Map<Long, Entry> model = new HashMap<>();
            Entry lookup = new Entry(0);
            int space = 8 + random.nextInt(round < 25 ? 64 : 2000);
            for (int step = 0; step < 5000; step++) {
                long id = random.nextInt(space) * (random.nextBoolean() ? 1L : 1L << 32);
                Entry found = table.get(lookup.set(id));
                assertSame(model.get(id), found, "round " + round + " step " + step + " id " + id);
                if (found == null && random.nextInt(3) != 0) {
                    Entry e = new Entry(id);
                    table.add(e);
                    model.put(id, e);
                } else if (found != null && random.nextInt(2) == 0) {
                    table.remove(found);
                    model.remove(id);
                }
                assertEquals(model.size(), table.size());
            }
            Set<Entry> seen = new HashSet<>();
            for (int i = 0; i < table.slots(); i++) {
                if (table.slot(i) != null) {
                    seen.add(table.slot(i));
                }
            }
            assertEquals(new HashSet<>(model.values()), seen, "each entry in one slot");
            table.clear();
            assertEquals(0, table.size());
            assertNull(table.get(lookup.set(model.isEmpty() ? 1 : model.keySet().iterator().next())));
        }
    }

    private static final class Flow extends KeyTable.Keyed {
        Flow set(IpAddress source, IpAddress destination, int port) {
            key(source, destination, 17, port, 0);
            return this;
        }
    }

    @Test
    void addressKeysCompareByBitsAndFamily() {
        IpAddress v4 = IpAddress.parse("198.18.1.1");
        IpAddress v6 = IpAddress.parse("::c612:101"); // the same 128 bits as v4's, another family
        IpAddress dst = IpAddress.parse("2001:db8::5");
        IpAddress dstHigh = IpAddress.parse("2001:db8:0:1::5"); // differs from dst in the high 64 bits only
        KeyTable<Flow> table = new KeyTable<>();
        Flow a = new Flow().set(v4, dst, 33434);
        Flow b = new Flow().set(v6, dst, 33434);
        Flow c = new Flow().set(v4, dstHigh, 33434);
        Flow d = new Flow().set(null, dst, 33434);
        table.add(a);
        table.add(b);
        table.add(c);
        table.add(d);
        Flow lookup = new Flow();
        // other objects of the same addresses find the same entries: the bits are compared, not references
        assertSame(a, table.get(lookup.set(IpAddress.ipv4(0xc6120101), IpAddress.parse("2001:db8::5"), 33434)));
        assertSame(b, table.get(lookup.set(IpAddress.ipv6(0, 0xc6120101L), dst, 33434)));
        assertSame(c, table.get(lookup.set(v4, IpAddress.parse("2001:db8:0:1:0:0:0:5"), 33434)));
        assertSame(d, table.get(lookup.set(null, dst, 33434)));
        assertNull(table.get(lookup.set(v4, dst, 33435)));
        assertNull(table.get(lookup.set(dst, v4, 33434)), "source and destination are not interchangeable");
        assertEquals(4, table.size());
    }
}
