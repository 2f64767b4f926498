package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.cli.Main;

/**
 * {@code tracecap trace --method paris|dublin [--flows N]} as a user runs it: the real program inside the
 * client namespace of {@link MultipathNet#natChain()}, and the usage errors of the new options.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MethodCliLiveTest {

    record Run(int exit, String out, String err) {
    }

    static Run cli(MultipathNet net, String... args) throws Exception {
        // stderr is one summary line: reading stdout to its end first cannot fill stderr's pipe.
        Process p = new ProcessBuilder(net.node("client").javaCommand(Main.class, args)).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    static Run inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dublinFlowsArePrintedOneAfterAnotherWithTheNatHopMarked() throws Exception {
        try (MultipathNet net = MultipathNet.natChain()) {
            Run r = cli(net, "trace", "-n", "--method", "dublin", "--flows", "2", "-q", "1", MultipathNet.NAT_SERVER);
            assertEquals(0, r.exit(), r::toString);
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.get(0).contains("probes told apart by ip-id"), lines.get(0));
            assertTrue(lines.get(1).matches("flow 1: source port \\d+, destination port 33434"), lines.get(1));
            assertTrue(lines.get(4).startsWith(" 3  198.18.3.2 ") && lines.get(4).endsWith("[NAT]"), r::toString);
            assertTrue(lines.get(6).matches("flow 2: source port \\d+, destination port 33435"), lines.get(6));
            assertTrue(lines.get(9).startsWith(" 3  198.18.3.2 ") && lines.get(9).endsWith("[NAT]"), r::toString);
            assertTrue(lines.get(10).startsWith(" 4  " + MultipathNet.NAT_SERVER + " "), r::toString);
            assertEquals(11, lines.size(), r::toString);

            Run paris = cli(net, "trace", "-n", "--method", "paris", MultipathNet.NAT_SERVER);
            assertEquals(0, paris.exit(), paris::toString);
            List<String> p = paris.out().lines().toList();
            assertTrue(p.get(0).contains("probes told apart by udp-checksum"), p.get(0));
            assertTrue(p.get(3).startsWith(" 3  198.18.3.2 ") && p.get(3).endsWith("[NAT]"), paris::toString);
            assertEquals(5, p.size(), paris::toString);
        }
    }

    @Test
    void newOptionsAreCheckedBeforeAnythingIsSent() {
        Run unknown = inProcess("trace", "--method", "tcp", "198.18.4.2");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--method: unknown method 'tcp': classic, paris or dublin"), unknown.err());
        Run flows = inProcess("trace", "--method", "paris", "--flows", "2", "198.18.4.2");
        assertEquals(2, flows.exit());
        assertTrue(flows.err().contains("only the dublin method traces several flows"), flows.err());
        Run tooMany = inProcess("trace", "--method", "dublin", "--flows", "65", "198.18.4.2");
        assertEquals(2, tooMany.exit());
        assertTrue(tooMany.err().contains("--flows: flows must be 1..64, got 65"), tooMany.err());
        Run shortParis = inProcess("trace", "--method", "paris", "198.18.4.2", "29");
        assertEquals(2, shortParis.exit());
        assertTrue(shortParis.err().contains("packet length 29 outside 30..65535"), shortParis.err());
    }
}
