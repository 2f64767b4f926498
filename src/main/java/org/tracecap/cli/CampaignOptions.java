package org.tracecap.cli;

import java.nio.file.Path;
import java.util.List;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.tracecap.trace.CampaignSettings;

/**
 * The options of a campaign ({@code tracecap trace --targets FILE}, or several HOSTs), beside traceroute's in
 * {@link TraceOptionsParser}: {@code --targets}, {@code --rate}, {@code --start-ttl}, {@code --in-flight}.
 */
final class CampaignOptions {
    private static final List<String> ONLY_IN_A_CAMPAIGN = List.of("rate", "start-ttl", "in-flight");

    private CampaignOptions() {
    }

    static void add(Options o) {
        o.addOption(Option.builder().longOpt("targets").hasArg().argName("FILE").build());
        o.addOption(Option.builder().longOpt("rate").hasArg().argName("PPS").build());
        o.addOption(Option.builder().longOpt("start-ttl").hasArg().argName("TTL").build());
        o.addOption(Option.builder().longOpt("in-flight").hasArg().argName("N").build());
    }

    /**
     * The campaign the command line asks for, or null for one trace: {@code --targets FILE}, or two words or more
     * that are all dotted addresses or dotted names (so traceroute's {@code HOST PACKET_LENGTH} keeps its
     * meaning, and its errors).
     */
    static TraceRequest.Campaign campaign(CommandLine line, List<String> words)
            throws TraceOptionsParser.UsageException {
        boolean file = line.hasOption("targets");
        boolean hosts = words.size() >= 2;
        for (String word : words) {
            // HOST PACKET_LENGTH stays traceroute's: several HOSTs are each a dotted address or a dotted name.
            hosts &= word.contains(".") && !word.strip().matches("[0-9]+");
        }
        if (!file && !hosts) {
            for (String only : ONLY_IN_A_CAMPAIGN) {
                if (line.hasOption(only)) {
                    throw new TraceOptionsParser.UsageException("--" + only
                            + " goes with a campaign: --targets FILE or several HOSTs");
                }
            }
            return null;
        }
        if (file && !words.isEmpty()) {
            throw new TraceOptionsParser.UsageException("--targets FILE and HOST arguments: give one or the other");
        }
        for (String[] other : new String[][] {{"multipath", "--multipath"}, {"flows", "--flows"},
            {"N", "-N (the campaign's pace is --rate)"}}) {
            if (line.hasOption(other[0])) {
                throw new TraceOptionsParser.UsageException(other[1] + " does not go with a campaign");
            }
        }
        if ("dublin".equals(line.getOptionValue("method"))) {
            throw new TraceOptionsParser.UsageException("--method dublin does not go with a campaign: classic or"
                    + " paris");
        }
        for (String word : words) {
            if (word.isEmpty()) {
                throw new TraceOptionsParser.UsageException("empty host name");
            }
        }
        int rate = TraceOptionsParser.integer(line, "rate", "probes a second", CampaignSettings.DEFAULT_RATE, 1,
                100_000);
        int inFlight = TraceOptionsParser.integer(line, "in-flight", "destinations in flight",
                CampaignSettings.DEFAULT_TARGETS_IN_FLIGHT, 1, 65_536);
        Integer start = line.hasOption("start-ttl")
                ? TraceOptionsParser.integer(line, "start-ttl", "start TTL", 0, 1, 255) : null;
        Path targets = file ? TraceOptionsParser.path(line.getOptionValue("targets"), "--targets") : null;
        return new TraceRequest.Campaign(targets, file ? List.of() : List.copyOf(words),
                new CampaignSettings(rate, inFlight, start, CampaignSettings.DEFAULT_GAP_LIMIT));
    }
}
