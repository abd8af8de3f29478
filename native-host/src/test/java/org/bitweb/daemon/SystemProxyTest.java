package org.bitweb.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The desktop's proxy, as the extension needs it to keep a user's own proxy working beside BitWeb's PAC. */
class SystemProxyTest {
    private static Map<String, String> gnome(String mode) {
        return Map.of(
                "org.gnome.system.proxy mode", mode,
                "org.gnome.system.proxy.http host", "'proxy.corp'",
                "org.gnome.system.proxy.http port", "3128",
                "org.gnome.system.proxy.https host", "''",
                "org.gnome.system.proxy.https port", "0",
                "org.gnome.system.proxy.socks host", "'127.0.0.1'",
                "org.gnome.system.proxy.socks port", "9050",
                "org.gnome.system.proxy ignore-hosts", "['localhost', '127.0.0.0/8']",
                "org.gnome.system.proxy autoconfig-url", "'http://wpad.corp/proxy.pac'");
    }

    @Test
    void gnomeManualModeIsAFixedProxy() {
        Map<String, String> settings = gnome("'manual'");
        Map<String, Object> proxy = SystemProxy.read(Map.of(), k -> settings.get(k[0] + " " + k[1]));
        assertEquals("fixed", proxy.get("mode"));
        assertEquals("proxy.corp:3128", proxy.get("http"));
        assertNull(proxy.get("https"), "port 0 means unset");
        assertEquals("127.0.0.1:9050", proxy.get("socks"));
        assertEquals(List.of("localhost", "127.0.0.0/8"), proxy.get("bypass"));
    }

    @Test
    void gnomeAutoModeWithAUrlIsAPacScript() {
        Map<String, String> settings = gnome("'auto'");
        Map<String, Object> proxy = SystemProxy.read(Map.of(), k -> settings.get(k[0] + " " + k[1]));
        assertEquals("pac", proxy.get("mode"));
        assertEquals("http://wpad.corp/proxy.pac", proxy.get("pacUrl"));
    }

    @Test
    void withoutGnomeTheEnvironmentDecides() {
        Map<String, Object> proxy = SystemProxy.read(Map.of("https_proxy", "http://user:pw@10.0.0.1:8080/", "no_proxy", "a.b, c"),
                k -> null);
        assertEquals("fixed", proxy.get("mode"));
        assertEquals("10.0.0.1:8080", proxy.get("https"));
        assertEquals(List.of("a.b", "c"), proxy.get("bypass"));
        assertEquals("direct", SystemProxy.read(Map.of(), k -> null).get("mode"));
    }
}
