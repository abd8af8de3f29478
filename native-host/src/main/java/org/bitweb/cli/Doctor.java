package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.messaging.Protocol;
import org.bitweb.service.Service;
import org.bitweb.service.ServiceState;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bitweb doctor}: follows the chain a browser follows — host manifest, the launcher it
 * names, the jar and Java the launcher runs, the engine, the gateway — and reports the first
 * broken link with the command that mends it. A missing or misconfigured daemon was IPFS
 * Companion's most common failure; this is the answer to "it does not work".
 */
final class Doctor {
    /**
     * Where each browser looks for host manifests on this OS: installer/browsers.json, the table
     * the installers write by, packed into the jar. Rows: {display name, family, folder}.
     */
    static List<String[]> manifestFolders(Map<String, String> env, String os) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        String xdg = env.get("XDG_CONFIG_HOME");
        String config = xdg != null && xdg.startsWith("/") ? xdg : home + "/.config";
        String system = os.contains("mac") ? "macos" : "linux";
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = Doctor.class.getResourceAsStream("/org/bitweb/browsers.json")) {
            for (JsonNode row : Json.MAPPER.readTree(in).path("rows")) {
                if (!row.path("os").asText().equals(system)) {
                    continue;
                }
                String folder = row.path("dir").asText().replace("${HOME}", home).replace("${XDG_CONFIG_HOME}", config);
                String scope = row.path("scope").asText();
                rows.add(new String[] {NAMES.getOrDefault(row.path("browser").asText(), row.path("browser").asText())
                        + (scope.equals("system") ? " (all users)" : ""), row.path("family").asText(), folder});
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the jar's browser table is unreadable: " + e.getMessage(), e);
        }
        return rows;
    }

    private static final Map<String, String> NAMES = Map.of("chrome", "Google Chrome", "chromium", "Chromium",
            "brave", "Brave", "edge", "Microsoft Edge", "firefox", "Firefox");

    private final StateDir dir;
    private final PrintStream out;
    private final Map<String, String> env;
    private final String os;
    private int problems;
    private final Service service;

    Doctor(StateDir dir, PrintStream out, Map<String, String> env, String os) {
        this(dir, out, env, os, ServiceCommand.service(new Streams(System.in, out, out, out, env, os)));
    }

    Doctor(StateDir dir, PrintStream out, Map<String, String> env, String os, Service service) {
        this.service = service;
        this.dir = dir;
        this.out = out;
        this.env = env;
        this.os = os.toLowerCase(Locale.ROOT);
    }

    int run() throws IOException {
        JsonNode ids = Json.MAPPER.readTree(Doctor.class.getResourceAsStream("/org/bitweb/ids.json"));
        String chromeOrigin = "chrome-extension://" + ids.path("chrome").asText() + "/";
        String firefoxId = ids.path("firefox").asText();
        int registered = 0;
        for (String[] row : manifestFolders(env, os)) {
            Path manifest = Path.of(row[2], Protocol.HOST_NAME + ".json");
            if (!Files.exists(manifest)) {
                continue;
            }
            registered++;
            checkManifest(row[0], row[1], manifest, chromeOrigin, firefoxId);
        }
        if (registered == 0) {
            fail("no browser has the BitWeb host registered", "run installer/install.sh");
        }
        checkEngine();
        checkService();
        return problems == 0 ? Outcome.OK.status : Outcome.ERROR.status;
    }

    private void checkManifest(String browser, String family, Path manifest, String chromeOrigin, String firefoxId) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(Files.readAllBytes(manifest));
        } catch (IOException e) {
            fail(browser + ": " + manifest + " is not valid JSON (" + e.getMessage() + ")", "run installer/install.sh");
            return;
        }
        boolean allowed = family.equals("firefox")
                ? contains(json.path("allowed_extensions"), firefoxId)
                : contains(json.path("allowed_origins"), chromeOrigin);
        if (!allowed) {
            fail(browser + ": the host manifest does not allow the BitWeb extension", "run installer/install.sh");
            return;
        }
        Path launcher = Path.of(json.path("path").asText(""));
        if (!launcher.isAbsolute() || !Files.isRegularFile(launcher)) {
            fail(browser + ": the host manifest names " + launcher + ", which does not exist", "run installer/install.sh");
            return;
        }
        if (!Files.isExecutable(launcher)) {
            fail(browser + ": " + launcher + " is not executable", "chmod +x " + launcher + " (or run installer/install.sh)");
            return;
        }
        ok(browser + ": host manifest " + manifest);
        checkLauncher(browser, launcher);
    }

    /** The installers' launchers: exec JAVA [JVM options] -jar JAR host ..., each path maybe quoted. */
    private static final Pattern LAUNCHER_EXEC = Pattern.compile(
            "(?m)^exec\\s+('[^']*'|\"[^\"]*\"|\\S+)\\s+(?:.*?\\s)?-jar\\s+('[^']*'|\"[^\"]*\"|\\S+)");

    private void checkLauncher(String browser, Path launcher) {
        String text;
        try {
            text = Files.readString(launcher, StandardCharsets.UTF_8);
        } catch (IOException e) {
            fail(browser + ": cannot read " + launcher, "run installer/install.sh");
            return;
        }
        Matcher m = LAUNCHER_EXEC.matcher(text);
        if (!m.find()) {
            ok(browser + ": launcher " + launcher + " (not one the installer wrote; not checked further)");
            return;
        }
        Path java = Path.of(unquote(m.group(1)));
        Path jar = Path.of(unquote(m.group(2)));
        if (!Files.isRegularFile(jar)) {
            fail(browser + ": the launcher runs " + jar + ", which does not exist", "run installer/install.sh");
            return;
        }
        if (java.isAbsolute() ? !Files.isExecutable(java) : !onPath(java.toString())) {
            fail(browser + ": the launcher runs Java at " + java + ", which is missing",
                    "install Java 17 or later (Debian: apt-get install default-jre-headless), then run installer/install.sh");
            return;
        }
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher v = Pattern.compile("version \"(\\d+)").matcher(version);
            if (!v.find() || Integer.parseInt(v.group(1)) < 17) {
                fail(browser + ": " + java + " is not Java 17 or later", "install Java 17 or later, then run installer/install.sh");
                return;
            }
        } catch (IOException | InterruptedException e) {
            fail(browser + ": cannot run " + java + " (" + e.getMessage() + ")", "install Java 17 or later");
            return;
        }
        ok(browser + ": launcher runs " + jar + " with " + java);
    }

    private void checkEngine() {
        JsonNode hello;
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            hello = client.request("hello", Json.object().put("protocol", Protocol.VERSION).put("client", "bitweb-doctor"));
        } catch (IOException | org.bitweb.messaging.ProtocolException e) {
            ok("engine: not running for " + dir.root() + " (the browser starts it; or run 'bitweb serve')");
            return;
        }
        ok("engine: running, protocol " + hello.path("protocol").asInt() + ", version " + hello.path("version").asText());
        checkGateway(hello.path("gatewayPort").asInt());
        checkReachability();
    }

    /** Whether the always-on service is installed and runs (docs/SERVICE.md); not having one is no fault. */
    void checkService() {
        ServiceState state = service.state(dir.root());
        switch (state.kind()) {
            case RUNNING -> ok("service: " + state.line());
            case NOT_INSTALLED -> note("service: not installed: the engine runs only while a browser or 'bitweb serve' "
                    + "runs it, and your sites are up only then", state.fix());
            case UNKNOWN -> note("service: " + state.line(), state.fix());
            case STOPPED -> fail("service: " + state.line(), state.fix());
        }
    }

    /** Whether peers outside this network can connect (docs/NAT.md); browsing works either way. */
    private void checkReachability() {
        JsonNode reach;
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            reach = client.request("status", null).path("reachability");
        } catch (IOException | org.bitweb.messaging.ProtocolException e) {
            return;
        }
        String line = "reachable from outside: " + reach.path("state").asText().replace('-', ' ') + " (" + reach.path("detail").asText() + ")";
        if (reach.path("state").asText().equals("mapped") || reach.path("state").asText().equals("public")) {
            ok(line);
        } else if (reach.hasNonNull("advice")) {
            note(line, reach.path("advice").asText());
        } else {
            ok(line);
        }
    }

    /** The gateway answers a foreign Host with its own error page, which says who it is. */
    void checkGateway(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: doctor.invalid\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            if (!reply.contains("BitWeb gateway")) {
                fail("gateway: port " + port + " answers, but not as the BitWeb gateway",
                        "another program holds the port: stop it, or restart the engine with --gateway-port 0");
                return;
            }
        } catch (IOException e) {
            fail("gateway: nothing answers on 127.0.0.1:" + port + " (" + e.getMessage() + ")",
                    "restart the engine: stop it and run 'bitweb serve' to see why");
            return;
        }
        ok("gateway: http://127.0.0.1:" + port + " answers");
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private boolean onPath(String command) {
        for (String folder : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, command))) {
                return true;
            }
        }
        return false;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") || s.startsWith("'")) ? s.substring(1, s.length() - 1) : s;
    }

    private void ok(String line) {
        out.println("ok    " + line);
    }

    /** Worth knowing, with what to do, but nothing is broken. */
    private void note(String line, String fix) {
        out.println("note  " + line);
        out.println("      to do: " + fix);
    }

    private void fail(String line, String fix) {
        problems++;
        out.println("FAIL  " + line);
        out.println("      fix: " + fix);
    }
}
