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
}
