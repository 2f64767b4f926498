package org.tracecap.replay;

/**
 * A set of ints by open addressing with linear probing: no boxing, for the probe identities of a run
 * (destination ports, sequence numbers, IP IDs). Grows by doubling; {@link #clear()} keeps the table.
 */
final class IntSet {
    private static final int FREE = 0;

    private int[] keys;
    private boolean hasZero;
    private int size;

    IntSet() {
        keys = new int[16];
    }

    int size() {
        return size;
    }

    boolean contains(int v) {
        if (v == FREE) {
            return hasZero;
        }
        int mask = keys.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == v) {
                return true;
            }
            if (k == FREE) {
                return false;
            }
        }
    }

    /** Adds {@code v}; true when it was not there yet. */
    boolean add(int v) {
        if (v == FREE) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == v) {
                return false;
            }
            if (k == FREE) {
                keys[i] = v;
                size++;
                return true;
            }
        }
    }

    void clear() {
        java.util.Arrays.fill(keys, FREE);
        hasZero = false;
        size = 0;
    }

    private void grow() {
        int[] old = keys;
        keys = new int[old.length * 2];
        int mask = keys.length - 1;
        for (int k : old) {
            if (k != FREE) {
                int i = mix(k) & mask;
                while (keys[i] != FREE) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
            }
        }
    }

    private static int mix(int v) {
        int h = v * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
