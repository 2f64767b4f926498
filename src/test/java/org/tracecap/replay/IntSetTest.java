package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IntSetTest {
    @Test
    void behavesLikeASetOfIntegersIncludingZeroAndNegatives() {
        IntSet set = new IntSet();
        Set<Integer> model = new HashSet<>();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            int v = random.nextInt(5000) - 2500;
            assertEquals(model.add(v), set.add(v), "add " + v);
        }
        assertEquals(model.size(), set.size());
        for (int v = -3000; v < 3000; v++) {
            assertEquals(model.contains(v), set.contains(v), "contains " + v);
        }
        set.clear();
        assertEquals(0, set.size());
        assertFalse(set.contains(0));
        assertTrue(set.add(0));
        assertFalse(set.add(0));
        assertTrue(set.contains(0));
    }
}
