package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/** {@link TraceAssembler#splitSmall} splits a run exactly as {@link TraceAssembler#splitByMap} does. */
class TraceAssemblerSplitTest {

    @Test
    void smallRunsSplitAsWithTheMap() {
        Random random = new Random(4);
        for (int round = 0; round < 20_000; round++) {
            int size = 4 + random.nextInt(TraceAssembler.SMALL_RUN - 3);
            int tuples = 1 + random.nextInt(random.nextBoolean() ? 4 : size);
            int ttls = 1 + random.nextInt(random.nextBoolean() ? 2 : 30);
            int[] sports = new int[tuples];
            int[] dports = new int[tuples];
            for (int t = 0; t < tuples; t++) {
                sports[t] = random.nextInt(4) == 0 ? 40000 : random.nextInt(65536);
                dports[t] = random.nextInt(4) == 0 ? 33434 : random.nextInt(65536);
            }
            List<Slot> all = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int t = random.nextInt(tuples);
                all.add(new Slot(new SentProbe(i, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP,
                        1 + random.nextInt(ttls), i, 60, 0,
                        sports[t], dports[t], 0, 0, 0, 0)));
            }
            assertEquals(TraceAssembler.splitByMap(all), TraceAssembler.splitSmall(all), "round " + round);
        }
    }
}
