package org.tracecap.trace;

import java.util.Iterator;
import org.tracecap.packet.IpAddress;

/**
 * Where a campaign's destinations come from, read as the campaign goes (a file, standard input, a list).
 * Called on the tracing thread only.
 */
public interface CampaignTargetSource {
    /** The next destination if one is ready now, else null (none yet, or none left). */
    IpAddress next();

    /** Whether every destination has been given: no {@link #next()} will give one again. */
    boolean exhausted();

    /** The destinations of {@code list}, all ready at once. */
    static CampaignTargetSource of(Iterator<IpAddress> list) {
        return new CampaignTargetSource() {
            @Override
            public IpAddress next() {
                return list.hasNext() ? list.next() : null;
            }

            @Override
            public boolean exhausted() {
                return !list.hasNext();
            }
        };
    }
}
