package org.tracecap.match;

/**
 * Objects that are their own keys (a flow and what is kept of it), found by a lookup object of the same
 * class whose key fields are set for the occasion: open addressing with linear probing in a power-of-two
 * array at most half full, removal by shifting the following run back (no tombstones).
 *
 * <p>A replay looks up a flow or two per frame and files and forgets as many: this takes no node per entry
 * and makes no call to {@code equals} or {@code hashCode}, which a {@code HashMap} makes and the launcher's
 * C1 does not inline. Not thread-safe.
 *
 * @param <E> the entries, each with its key fields and its hash ({@link Keyed#hash(int)}) set before it is
 *            added; neither may change while it is in the table
 */
public final class KeyTable<E extends KeyTable.Keyed> {
    /** An entry or a lookup key: its key fields, compared by {@link #sameKey}, and their hash. */
    public abstract static class Keyed {
        private int hash;

        /** Sets the hash of the key fields just set ({@code h}: any mix of them; it is spread here). */
        protected final void hash(int h) {
            h *= 0x9E37_79B9;
            hash = h ^ (h >>> 16);
        }

        /** Same key fields as {@code other}, an object of the same class. */
        protected abstract boolean sameKey(Keyed other);
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
            if (e.hash == key.hash && e.sameKey(key)) {
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
