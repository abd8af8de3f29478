package org.bitweb.nat;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of port mapping that are pure text and bytes: the wire formats, and the routing tables of each OS. */
class NatCodecTest {
    static InetAddress ip(String dotted) throws Exception {
        return InetAddress.getByName(dotted);
    }

    @Test
    void natPmpMapRequestIsTwelveBytesAsRfc6886Lays() {
        byte[] request = NatPmp.request(Transport.TCP, 47801, 47801, 3600);
        assertArrayEquals(new byte[] {0, 2, 0, 0, (byte) 0xba, (byte) 0xb9, (byte) 0xba, (byte) 0xb9, 0, 0, 0x0e, 0x10}, request);
        assertEquals(1, NatPmp.request(Transport.UDP, 1, 0, 0)[1], "opcode 1 maps UDP");
    }

    @Test
    void pcpMapRequestNamesTheClientAsAnIpv4MappedAddress() throws Exception {
        byte[] nonce = new byte[12];
        Arrays.fill(nonce, (byte) 7);
        byte[] request = Pcp.request(ip("10.77.0.2"), Transport.UDP, 47802, 47802, null, 7200, nonce);
        assertEquals(60, request.length);
        ByteBuffer in = ByteBuffer.wrap(request);
        assertEquals(2, request[0], "version 2");
        assertEquals(1, request[1], "MAP, a request");
        assertEquals(7200, in.getInt(4));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 77, 0, 2},
                Arrays.copyOfRange(request, 8, 24));
        assertArrayEquals(nonce, Arrays.copyOfRange(request, 24, 36));
        assertEquals(17, request[36], "UDP's protocol number");
        assertEquals(47802, in.getShort(40) & 0xffff);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0},
                Arrays.copyOfRange(request, 44, 60), "any outside address");
    }

    @Test
    void theDefaultGatewayOfEachOs() throws Exception {
        String linux = """
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                eth0	00000000	0100A8C0	0003	0	0	600	00000000	0	0	0
                wlan0	00000000	01004D0A	0003	0	0	100	00000000	0	0	0
                wlan0	00004D0A	00000000	0001	0	0	100	00FFFFFF	0	0	0
                """;
        assertEquals(Optional.of(ip("10.77.0.1")), DefaultGateway.fromProcNetRoute(linux), "the lowest metric");
        assertEquals(Optional.empty(), DefaultGateway.fromProcNetRoute("Iface\tDestination\n"));
        String mac = "   route to: default\ndestination: default\n       mask: default\n    gateway: 192.168.1.254\n  interface: en0\n";
        assertEquals(Optional.of(ip("192.168.1.254")), DefaultGateway.fromRouteGet(mac));
        String windows = """
                IPv4 Route Table
                ===========================================================================
                Active Routes:
                Network Destination        Netmask          Gateway       Interface  Metric
                          0.0.0.0          0.0.0.0      192.168.0.1    192.168.0.23     35
                          0.0.0.0          0.0.0.0      10.0.0.1       10.0.0.5         25
                """;
        assertEquals(Optional.of(ip("10.0.0.1")), DefaultGateway.fromRoutePrint(windows));
    }

    @Test
    void anSsdpAnswerMaySendUsOnlyToTheHostThatAnswered() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                + "Location: http://10.77.0.1:44169/rootDesc.xml\r\n\r\n";
        assertEquals(Optional.of("http://10.77.0.1:44169/rootDesc.xml"), UpnpIgd.location(answer, ip("10.77.0.1")));
        assertEquals(Optional.empty(), UpnpIgd.location(answer, ip("10.77.0.9")), "a LAN device naming another host");
        assertEquals(Optional.empty(), UpnpIgd.location(answer.replace("http://", "file://"), ip("10.77.0.1")));
        assertEquals(Optional.empty(), UpnpIgd.location("NOTIFY * HTTP/1.1\r\n" + answer.substring(17), ip("10.77.0.1")));
    }

    @Test
    void aDeviceDescriptionWithADoctypeIsRefused() {
        byte[] hostile = ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><root>&x;</root>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThrows(java.io.IOException.class, () -> UpnpIgd.parse(hostile));
    }

    @Test
    void publicMeansGlobalUnicastIpv4() throws Exception {
        for (String a : List.of("6.0.0.1", "8.8.4.4", "81.2.69.160")) {
            assertTrue(PortMapper.isPublic(ip(a)), a);
        }
        for (String a : List.of("10.1.2.3", "192.168.1.1", "172.16.0.1", "100.64.0.1", "100.127.255.1", "127.0.0.1",
                "169.254.1.1", "198.18.0.5", "192.0.2.1", "0.0.0.0", "240.0.0.1", "224.0.0.1")) {
            assertFalse(PortMapper.isPublic(ip(a)), a);
        }
    }

    @Test
    void methodsAreReadFromTheEnvironmentsList() {
        assertEquals(List.of(PortMapper.Method.values()), PortMapper.Method.parse(null));
        assertEquals(List.of(PortMapper.Method.UPNP, PortMapper.Method.NATPMP), PortMapper.Method.parse("upnp, nat-pmp"));
        assertThrows(IllegalArgumentException.class, () -> PortMapper.Method.parse("stun"));
    }
}
