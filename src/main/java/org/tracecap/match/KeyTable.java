package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * Objects that are their own keys (a flow and what is kept of it), found by a lookup object of the same
 * class whose key fields are set for the occasion: open addressing with linear probing in a power-of-two
 * array at most half full, removal by shifting the following run back (no tombstones).
 *
 * <p>A replay looks up a flow or two per frame and files and forgets as many: this takes no node per entry
 * and makes no call to {@code equals} or {@code hashCode}, which a {@code HashMap} makes and the launcher's
 * C1 does not inline. Not thread-safe.
 *
 * @param <E> the entries, each with its key fields set ({@link Keyed#key}) before it is added; they may not
 *            change while it is in the table
 */
public final class KeyTable<E extends KeyTable.Keyed> {
    /**
     * An entry or a lookup key: up to two addresses and three int key fields (unused ones 0) and their hash,
     * compared here without a virtual call (the tables of a replay hold three kinds of entries).
     */
    public abstract static class Keyed {
        // Two addresses as their bits (IpAddress's high and low) and families, then three int fields: compared
        // as numbers, so a lookup neither allocates nor calls equals() on an address.
        private long a0;
        private long a1;
        private long b0;
        private long b1;
        private int families;
        private int k2;
        private int k3;
        private int k4;
        private int hash;

        /**
         * Sets the key fields (and their hash): two addresses ({@code null} for one the key has not) and three
         * ints (unused ones 0).
         */
        protected final void key(IpAddress a, IpAddress b, int k2, int k3, int k4) {
            int families = 0;
            if (a != null) {
                a0 = a.high();
                a1 = a.low();
                families = a.family() << 8;
            } else {
                a0 = 0;
                a1 = 0;
            }
            if (b != null) {
                b0 = b.high();
                b1 = b.low();
                families |= b.family();
            } else {
                b0 = 0;
                b1 = 0;
            }
            set(families, k2, k3, k4);
        }

        /** Sets five int key fields (unused ones 0), for keys that hold no address. */
        protected final void key(int k0, int k1, int k2, int k3, int k4) {
            a0 = 0;
            a1 = k0;
            b0 = 0;
            b1 = k1;
            set(0, k2, k3, k4);
        }

        private void set(int families, int k2, int k3, int k4) {
            this.families = families;
            this.k2 = k2;
            this.k3 = k3;
            this.k4 = k4;
            // An IPv4 key has a0 = b0 = 0: its hash is mixed from the same ints as before, plus the families.
            long x = (a0 * 31 + a1) * 31 + b0;
            x = x * 31 + b1;
            int h = (int) (x ^ (x >>> 32)) * 31 + families;
            h = h * 31 + k2;
            h = h * 31 + k3;
            h = (h * 31 + k4) * 0x9E37_79B9;
            hash = h ^ (h >>> 16);
        }

        /** Sets the key fields to {@code other}'s. */
        protected final void keyOf(Keyed other) {
            a0 = other.a0;
            a1 = other.a1;
            b0 = other.b0;
            b1 = other.b1;
            families = other.families;
            k2 = other.k2;
            k3 = other.k3;
            k4 = other.k4;
            hash = other.hash;
        }

        final boolean sameKey(Keyed o) {
            return o.hash == hash && o.a1 == a1 && o.b1 == b1 && o.k2 == k2 && o.k3 == k3 && o.k4 == k4
                    && o.a0 == a0 && o.b0 == b0 && o.families == families;
        }
    }

    private Keyed[] slots = new Keyed[64];
    private int size;

    public int size() {
        return size;
    }

    /** The entry with {@code key}'s key fields, or null. */
    @SuppressWarnings("unchecked")
    public E get(Keyed key) {
        Keyed[] t = slots;
        int mask = t.length - 1;
        for (int i = key.hash & mask; ; i = (i + 1) & mask) {
            Keyed e = t[i];
            if (e == null) {
                return null;
            }
            if (e.sameKey(key)) {
                return (E) e;
            }
        }
    }

    /** Adds {@code entry}, whose key is not in the table. */
    public void add(E entry) {
        if ((size + 1) * 2 > slots.length) {
            Keyed[] old = slots;
            slots = new Keyed[old.length * 2];
            for (Keyed e : old) {
                if (e != null) {
                    place(e);
                }
            }
        }
        place(entry);
        size++;
    }

    private void place(Keyed entry) {
        Keyed[] t = slots;
        int mask = t.length - 1;
        int i = entry.hash & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = entry;
    }

    /** Removes {@code entry} (this very object, which is in the table). */
    public void remove(E entry) {
        Keyed removed = entry;
        Keyed[] t = slots;
        int mask = t.length - 1;
        int i = removed.hash & mask;
        while (t[i] != removed) {
            i = (i + 1) & mask;
        }
        // Shift back every entry of the run after i that may move to i (its home is not in (i, j]).
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Keyed e = t[j];
            if (e == null) {
                break;
            }
            int home = e.hash & mask;
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
                t[i] = e;
                i = j;
            }
        }
        t[i] = null;
        size--;
    }

    /**
     * For going through the entries without allocating: {@code slot(i)} for {@code i} in
     * {@code [0, slots())} is each entry once, or null. Do not add or remove while going through.
     */
    public int slots() {
        return slots.length;
    }

    /** The entry in slot {@code i}, or null (see {@link #slots()}). */
    @SuppressWarnings("unchecked")
    public E slot(int i) {
        return (E) slots[i];
    }

    /** Removes every entry. */
    public void clear() {
        java.util.Arrays.fill(slots, null);
        size = 0;
    }
}
