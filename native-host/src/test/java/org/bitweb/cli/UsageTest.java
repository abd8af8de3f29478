package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code bitweb} reads a command line: help, the version, and mistakes said in one line. */
class UsageTest {
    @TempDir
    Path tmp;

    private InProcess bitweb(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = tmp.resolve("home").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return InProcess.run(all);
    }

    /** Whether a help text lists an option in its option list (where a name starts a line, not in a description). */
    private static boolean lists(String help, String option) {
        return Pattern.compile("(?m)^(  -\\w, |      )" + Pattern.quote(option) + "(?=[=\\s])").matcher(help).find();
    }

    @Test
    void versionIsTheRootPomsVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>bitweb-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertTrue(m.find());
        for (String flag : List.of("--version", "-V")) {
            InProcess run = InProcess.run(flag);
            assertEquals(0, run.exit(), run.toString());
            assertEquals("bitweb " + m.group(1) + "\n", run.out());
        }
    }

    @Test
    void helpListsEveryCommandOnStdout() {
        for (String[] args : List.of(new String[] {"-h"}, new String[] {"--help"}, new String[] {"help"})) {
            InProcess run = InProcess.run(args);
            assertEquals(0, run.exit(), run.toString());
            for (String command : List.of("publish", "serve", "get", "key", "status", "doctor", "host", "help")) {
                assertTrue(run.out().contains("\n  " + command + " "), command + " in\n" + run.out());
            }
            assertTrue(run.out().contains("Exit codes:"), run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void eachCommandsHelpShowsItsOwnOptionsAndExamples() {
        Map<String, List<String>> own = Map.of(
                "serve", List.of("--gateway-port", "--peer-port", "--dht-port", "--peer-bind", "--dht-bootstrap", "--no-dht",
                        "--no-lan", "--socks5", "--no-port-mapping"),
                "publish", List.of("--key", "--salt", "--json"),
                "get", List.of("--output", "--peer", "--timeout", "--dht-port", "--peer-bind", "--dht-bootstrap", "--no-dht",
                        "--no-lan", "--json"),
                "status", List.of("--json"));
        for (var command : own.entrySet()) {
            InProcess help = InProcess.run(command.getKey(), "--help");
            assertEquals(0, help.exit(), help.toString());
            assertTrue(help.out().startsWith(InProcess.run("help", command.getKey()).out().substring(0, 40)),
                    "bitweb help " + command.getKey() + " shows the same");
            assertTrue(help.out().contains("Usage: bitweb " + command.getKey()), help.out());
            assertTrue(help.out().contains("Examples:\n  bitweb " + command.getKey()), help.out());
            for (var other : own.entrySet()) {
                for (String option : other.getValue()) {
                    boolean mine = command.getValue().contains(option);
                    assertEquals(mine, lists(help.out(), option),
                            "bitweb " + command.getKey() + " --help " + (mine ? "lists " : "does not list ") + option
                                    + ":\n" + help.out());
                }
            }
            assertTrue(lists(help.out(), "--home") && lists(help.out(), "--log-level"), "the global options work there too");
            assertFalse(help.out().contains("--background"), "hidden: only the host uses it");
        }
        InProcess export = InProcess.run("key", "export", "--help");
        assertTrue(lists(export.out(), "--output") && !lists(export.out(), "--json"), export.out());
    }

    @Test
    void anUnknownOptionIsRejectedWithExitTwoAndNamed() {
        InProcess run = bitweb("status", "--frobnicate");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("bitweb status: unknown option '--frobnicate' (see 'bitweb status --help')\n", run.err());
        assertEquals("", run.out());

        InProcess typo = bitweb("serve", "--gatway-port", "0");
        assertEquals(2, typo.exit(), typo.toString());
        assertTrue(typo.err().contains("'--gatway-port'") && typo.err().contains("did you mean '--gateway-port'?"), typo.err());
    }

    @Test
    void anOptionOfAnotherCommandIsRejectedAndItsCommandNamed() {
        InProcess serve = bitweb("serve", "--key", "x");
        assertEquals(2, serve.exit(), serve.toString());
        assertEquals("bitweb serve: '--key' is not an option of 'bitweb serve'; it belongs to 'bitweb publish' "
                + "(see 'bitweb serve --help')\n", serve.err());

        InProcess publish = bitweb("publish", tmp.toString(), "--timeout=5");
        assertEquals(2, publish.exit(), publish.toString());
        assertTrue(publish.err().contains("'--timeout' is not an option of 'bitweb publish'; it belongs to 'bitweb get'"),
                publish.err());
        assertFalse(Files.exists(tmp.resolve("home/sites")), "nothing ran");
    }

    @Test
    void otherMistakesAreOneLineWithExitTwo() {
        List<List<String>> cases = List.of(
                List.of("frobnicate"),
                List.of("publish"),
                List.of("publish", "a", "b"),
                List.of("serve", "--gateway-port", "70000"),
                List.of("get", "http://x.bitweb/", "--timeout", "soon"),
                List.of("get", "ftp://nope.bitweb/"),
                List.of("--log-level", "loud", "status"),
                List.of("key"),
                List.of("key", "new", "../evil"),
                List.of("publish", ".", "--salt", "x"));
        for (List<String> args : cases) {
            InProcess run = bitweb(args.toArray(String[]::new));
            assertEquals(2, run.exit(), args + ": " + run);
            assertEquals(1, run.err().lines().count(), args + ": one line\n" + run.err());
            assertTrue(run.err().startsWith("bitweb"), run.err());
            assertTrue(run.err().contains("--help'") || run.err().contains("'bitweb help'"), "says where help is: " + run.err());
            assertEquals("", run.out(), args.toString());
        }
        assertTrue(bitweb("frobnicate").err().contains("unknown command 'frobnicate'"));
    }

    @Test
    void noCommandShowsTheCommandsAndExitsTwo() {
        InProcess run = InProcess.run();
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("Commands:") && run.err().contains("publish"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void underJsonAnErrorIsAnObjectWithACodeOnStdout() throws Exception {
        InProcess missing = bitweb("publish", tmp.resolve("no-such-folder").toString(), "--json");
        assertEquals(1, missing.exit(), missing.toString());
        JsonNode error = Json.MAPPER.readTree(missing.out()).path("error");
        assertEquals("ERROR", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("no-such-folder"), error.toString());
        assertEquals("bitweb publish", error.path("command").asText());
        assertEquals("", missing.err());

        InProcess usage = bitweb("status", "--json", "--frobnicate");
        assertEquals(2, usage.exit(), usage.toString());
        JsonNode usageError = Json.MAPPER.readTree(usage.out()).path("error");
        assertEquals("USAGE", usageError.path("code").asText());
        assertTrue(usageError.path("message").asText().contains("--frobnicate"), usageError.toString());
        assertEquals(1, usage.out().lines().count(), "one object, one line");
    }

    @Test
    void aStateFolderThatCannotBeMadeIsOneLineSayingWhatToDo() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        InProcess run = InProcess.run("--home", file.resolve("state").toString(), "status");
        assertEquals(1, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("bitweb status: cannot use the state folder " + file.resolve("state")), run.err());
        assertTrue(run.err().contains("--home"), run.err());
    }

    @Test
    void theHostTakesWhateverTheBrowserAppends() {
        var cli = Main.commandLine(InProcess.nowhere());
        for (List<String> browser : List.of(
                List.of("chrome-extension://hamnkdlcefdoflgalckkjobapigpdeio/"),
                List.of("chrome-extension://hamnkdlcefdoflgalckkjobapigpdeio/", "--parent-window=0"),
                List.of("/home/u/.mozilla/native-messaging-hosts/org.bitweb.host.json", "bitweb@bitweb.org"),
                List.of("@file-looking-argument"))) {
            List<String> args = new java.util.ArrayList<>(List.of("host"));
            args.addAll(browser);
            var parsed = cli.parseArgs(args.toArray(String[]::new));
            assertTrue(parsed.subcommand().commandSpec().userObject() instanceof HostCommand, browser.toString());
            // what the browser's launch really builds: the root and the host command alone
            var launched = Main.commandLineFor(args.toArray(String[]::new), InProcess.nowhere()).parseArgs(args.toArray(String[]::new));
            assertTrue(launched.subcommand().commandSpec().userObject() instanceof HostCommand, browser.toString());
        }
    }

    @Test
    void aCommandLineThatNamesItsCommandBuildsThatCommandAlone() {
        // picocli builds a model of every command it is given, at every start: the engine's start
        // (by the bridge, by the service) and every command build only the one they run
        Map<List<String>, List<String>> built = new java.util.LinkedHashMap<>();
        built.put(List.of("serve", "--background"), List.of("serve"));
        built.put(List.of("--home", "/tmp/x", "serve", "--background"), List.of("serve")); // the bridge's launch
        built.put(List.of("--home=/tmp/x", "--log-level", "debug", "status", "--json"), List.of("status"));
        built.put(List.of("seed", "abc"), List.of("seed"));
        built.put(List.of("key", "export", "--help"), List.of("key"));
        for (var line : built.entrySet()) {
            var cli = Main.commandLineFor(line.getKey().toArray(String[]::new), InProcess.nowhere());
            assertEquals(line.getValue(), List.copyOf(cli.getSubcommands().keySet()), line.getKey().toString());
        }
        // help, no command, an unknown command or root option: every command, to list them or to say which was meant
        int all = Main.commandLine(InProcess.nowhere()).getSubcommands().size();
        assertTrue(all >= 18, "commands: " + all);
        for (List<String> line : List.of(List.<String>of(), List.of("--help"), List.of("-V"), List.of("help", "serve"),
                List.of("frobnicate"), List.of("--frobnicate", "serve"), List.of("--home"))) {
            var cli = Main.commandLineFor(line.toArray(String[]::new), InProcess.nowhere());
            assertEquals(all, cli.getSubcommands().size(), line.toString());
        }
    }
}
