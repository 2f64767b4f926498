package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tracecap.trace.CampaignSettings;

/** The campaign's command line ({@link CampaignOptions} through {@link TraceOptionsParser}): no network. */
class CampaignOptionsTest {

    @Test
    void aTargetFileWithItsOptions() throws Exception {
        TraceRequest r = TraceOptionsParser.parse("--targets", "t.txt", "--rate", "250", "--start-ttl", "4",
                "--in-flight", "32", "-q", "2", "--method", "paris");
        TraceRequest.Campaign c = r.campaign();
        assertEquals(Path.of("t.txt"), c.targets());
        assertEquals(List.of(), c.hosts());
        assertEquals(new CampaignSettings(250, 32, 4, CampaignSettings.DEFAULT_GAP_LIMIT), c.settings());
        assertEquals(2, r.options().probesPerHop());
    }

    @Test
    void defaultsAreConservative() throws Exception {
        TraceRequest.Campaign c = TraceOptionsParser.parse("--targets", "-").campaign();
        assertEquals(Path.of("-"), c.targets());
        assertEquals(CampaignSettings.defaults(), c.settings());
        assertEquals(100, c.settings().ratePps());
    }

    @Test
    void severalDottedHostsAreACampaignAndHostPacketLengthIsNot() throws Exception {
        assertEquals(List.of("198.18.5.2", "198.18.6.2", "host.example"),
                TraceOptionsParser.parse("198.18.5.2", "198.18.6.2", "host.example").campaign().hosts());
        assertNull(TraceOptionsParser.parse("198.18.5.2", "60").campaign());
        assertNull(TraceOptionsParser.parse("198.18.5.2").campaign());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rate 5 198.18.5.2|--rate goes with a campaign: --targets FILE or several HOSTs",
        "--start-ttl 3 198.18.5.2|--start-ttl goes with a campaign: --targets FILE or several HOSTs",
        "--targets t.txt 198.18.5.2|--targets FILE and HOST arguments: give one or the other",
        "--targets t.txt --rate 0|--rate: probes a second must be 1..100000, got 0",
        "--targets t.txt --start-ttl 256|--start-ttl: start TTL must be 1..255, got 256",
        "--targets t.txt --in-flight x|--in-flight: destinations in flight must be a whole number, got 'x'",
        "--targets t.txt --multipath|--multipath does not go with a campaign",
        "--targets t.txt --method dublin|--method dublin does not go with a campaign: classic or paris",
        "--targets t.txt -N 4|-N (the campaign's pace is --rate) does not go with a campaign",
    })
    void usageErrorsSayWhat(String args, String message) {
        TraceOptionsParser.UsageException e = assertThrows(TraceOptionsParser.UsageException.class,
                () -> TraceOptionsParser.parse(args.split(" ")));
        assertEquals(message, e.getMessage());
    }
}
