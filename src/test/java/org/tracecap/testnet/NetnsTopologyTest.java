package org.tracecap.testnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetnsTopologyTest {

    /** Run in a child JVM by {@link #javaCommandRunsAProgramInsideTheNamespace}: prints the interfaces it sees. */
    public static final class ShowInterfaces {
        public static void main(String[] args) throws Exception {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                System.out.println(i.getName());
            }
        }
    }

    static List<String> namespaces() {
        return NetnsTopology.exec(null, Duration.ofSeconds(10), "ip", "netns", "list").stdout().lines()
                .map(l -> l.split("\\s+")[0]).toList();
    }

    @Test
    void namesAreUniqueAndPrefixedAndCloseRemovesThem() throws Exception {
        String a;
        String b;
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace client = net.host("client");
            Namespace router = net.router("r1");
            a = client.name();
            b = router.name();
            assertTrue(a.startsWith("tcap" + ProcessHandle.current().pid() + "-") && a.endsWith("client"), a);
            assertFalse(a.equals(b));
            assertTrue(namespaces().containsAll(List.of(a, b)));
            assertEquals("1", router.run("sysctl", "-n", "net.ipv4.ip_forward").strip());
            net.link(client, "eth0", "198.18.0.2/30", router, "eth0", "198.18.0.1/30");
            assertTrue(client.exec(Duration.ofSeconds(10), "ip", "-4", "-o", "addr", "show", "eth0").stdout()
                    .contains("198.18.0.2/30"));
            String inside = client.call(() -> String.join(",",
                    Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                            .map(NetworkInterface::getName).sorted().toList()));
            assertEquals("eth0,lo", inside, "Java code in call() sees the namespace's interfaces");
        }
        assertFalse(namespaces().contains(a));
        assertFalse(namespaces().contains(b));
    }

    @Test
    void javaCommandRunsAProgramInsideTheNamespace() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace ns = net.host("jvm");
            List<String> command = ns.javaCommand(ShowInterfaces.class);
            NetnsTopology.Result r = NetnsTopology.exec(null, Duration.ofSeconds(30),
                    command.toArray(new String[0]));
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(List.of("lo"), r.stdout().lines().toList());
        }
    }

    @Test
    void aFailingCommandSaysWhereAndWhy() {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace ns = net.host("fail");
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> ns.run("ip", "link", "set", "nosuch0", "up"));
            assertTrue(e.getMessage().startsWith("in " + ns.name() + ": ip link set nosuch0 up exited "),
                    e.getMessage());
        }
    }
}
