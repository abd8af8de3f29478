package org.bitweb.cli;

import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doctor follows manifest -> launcher -> jar/Java -> engine -> gateway and names the first broken link. */
class DoctorTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private int doctor(StateDir state) throws IOException {
        Map<String, String> env = Map.of("HOME", home.toString(), "PATH", System.getenv("PATH"));
        return new Doctor(state, new PrintStream(output, true, StandardCharsets.UTF_8), env, "Linux").run();
    }

    private String text() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private Path install(String launcherBody) throws IOException {
        Path jar = Files.writeString(home.resolve("bitweb.jar"), "not really a jar");
        Path launcher = home.resolve("bitweb-host");
        Files.writeString(launcher, "#!/bin/sh\n" + launcherBody.replace("JAR", jar.toString()) + "\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path folder = Files.createDirectories(home.resolve(".config/chromium/NativeMessagingHosts"));
        Files.writeString(folder.resolve("org.bitweb.host.json"), "{\"name\":\"org.bitweb.host\",\"path\":\"" + launcher
                + "\",\"type\":\"stdio\",\"allowed_origins\":[\"chrome-extension://hamnkdlcefdoflgalckkjobapigpdeio/\"]}");
        return launcher;
    }

    /**
     * The launcher as installer/install.sh writes it (its template, its HOST_JVM, paths quoted as
     * its sh_quote does), running {@code java}; "JAR" in the body stands for the installed jar.
     */
    private static String installersLauncher(String java) throws IOException {
        String template = Files.readString(Path.of("..", "installer", "templates", "bitweb-host.sh"));
        Matcher hostJvm = Pattern.compile("(?m)^HOST_JVM='([^']*)'$").matcher(Files.readString(Path.of("..", "installer", "install.sh")));
        assertTrue(hostJvm.find(), "install.sh has a HOST_JVM line");
        String body = template.substring(template.indexOf('\n') + 1) // install() adds the #! line
                .replace("@JAVA@", "'" + java + "'").replace("@JVM@", hostJvm.group(1)).replace("@JAR@", "'JAR'")
                .replace("@ARCHIVE@", "'JAR.jsa'").replace("@APP@", "'/nonexistent'").replace("@VERSION@", "9.8.7");
        assertFalse(Pattern.compile("@[A-Z]+@").matcher(body).find(), "a placeholder left: " + body);
        return body;
    }

    private String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void nothingRegisteredSaysToRunTheInstaller() throws IOException {
        assertEquals(1, doctor(new StateDir(home.resolve("state"))));
        assertTrue(text().contains("no browser has the BitWeb host registered"), text());
        assertTrue(text().contains("installer/install.sh"), text());
    }

    @Test
    void aGoodInstallWithARunningEngineIsAllOk() throws IOException {
        install(installersLauncher(java()));
        StateDir state = new StateDir(home.resolve("state"));
        try (EngineDaemon engine = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            assertEquals(0, doctor(state), text());
        }
        assertTrue(text().contains("ok    Chromium: host manifest"), text());
        assertTrue(text().contains("ok    engine: running"), text());
        assertTrue(text().contains("ok    gateway: http://127.0.0.1:"), text());
        // the launcher was followed to its jar and Java, past the JVM options between them
        assertTrue(text().contains("ok    Chromium: launcher runs " + home.resolve("bitweb.jar") + " with " + java()), text());
    }

    @Test
    void aLauncherPointingAtAMissingJarIsTheFirstBrokenLink() throws IOException {
        Path launcher = install(installersLauncher(java()));
        Files.delete(home.resolve("bitweb.jar"));
        assertEquals(1, doctor(new StateDir(home.resolve("state"))));
        assertTrue(text().contains("FAIL  Chromium: the launcher runs " + home.resolve("bitweb.jar")), text());
        assertTrue(Files.exists(launcher));
    }

    @Test
    void aMissingJavaIsNamed() throws IOException {
        install(installersLauncher("/nonexistent/java"));
        assertEquals(1, doctor(new StateDir(home.resolve("state"))));
        assertTrue(text().contains("Java at /nonexistent/java, which is missing"), text());
    }

    @Test
    void aForeignProgramOnTheGatewayPortIsCaught() throws Exception {
        try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (var socket = impostor.accept()) {
                    socket.getInputStream().read(new byte[1024]);
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            answer.start();
            Doctor doctor = new Doctor(new StateDir(home.resolve("state")), new PrintStream(output, true, StandardCharsets.UTF_8),
                    Map.of("HOME", home.toString()), "Linux");
            doctor.checkGateway(impostor.getLocalPort());
            answer.join(5000);
        }
        assertTrue(text().contains("answers, but not as the BitWeb gateway"), text());
        assertTrue(text().contains("--gateway-port 0"), text());
    }

    @Test
    void looksWhereTheInstallerWritesForEveryBrowserInItsTable() throws IOException {
        install("exec " + java() + " -jar JAR host \"$@\"");
        Path brave = Files.createDirectories(home.resolve(".config/BraveSoftware/Brave-Browser/NativeMessagingHosts"));
        Files.copy(home.resolve(".config/chromium/NativeMessagingHosts/org.bitweb.host.json"), brave.resolve("org.bitweb.host.json"));
        Files.delete(home.resolve(".config/chromium/NativeMessagingHosts/org.bitweb.host.json"));
        assertEquals(0, doctor(new StateDir(home.resolve("state"))), text());
        assertTrue(text().contains("ok    Brave: host manifest"), text());
    }
}
