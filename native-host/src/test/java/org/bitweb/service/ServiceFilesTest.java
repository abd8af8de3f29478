package org.bitweb.service;

import org.bitweb.interop.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service definitions as text: what systemd, launchd and Task Scheduler will read. macOS and
 * Windows cannot run here, so their files are parsed back and checked field by field; the systemd
 * unit is also checked by systemd itself ({@code systemd-analyze verify}).
 */
class ServiceFilesTest {
    /** Every character a path may hold that a service file must escape. */
    static final String AWKWARD = "/tmp/a b/100% \"sure\" $HOME\\x & <y>";

    @Test
    void theSystemdUnitStartsTheEngineAtLoginAndRestartsItAfterACrashButNotAfterACleanStop() {
        EngineCommand command = EngineCommand.ofLauncher(Path.of("/home/me/.local/bin/bitweb"), Path.of(AWKWARD));
        String unit = ServiceFiles.systemdUnit(command);
        Map<String, List<String>> keys = SystemdUnit.keys(unit);
        assertEquals(List.of("on-failure"), keys.get("Restart"));
        assertEquals(List.of("3"), keys.get("RestartPreventExitStatus"), "another engine in the way is no crash");
        assertEquals(List.of("143"), keys.get("SuccessExitStatus"), "SIGTERM after a clean shutdown is success");
        assertEquals(List.of("default.target"), keys.get("WantedBy"), "started with the user's session");
        assertEquals(List.of("BITWEB_SERVICE=systemd"), keys.get("Environment"));
        assertEquals(command.argv(), SystemdUnit.execStart(unit), "ExecStart splits back into the same words");
    }

    @Test
    void systemdItselfAcceptsTheUnit(@TempDir Path dir) throws Exception {
        Path systemdAnalyze = Tools.assumeBinary("systemd-analyze", "systemd");
        Path launcher = dir.resolve("bin dir").resolve("bitweb");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        launcher.toFile().setExecutable(true);
        Path unit = dir.resolve(ServiceFiles.UNIT);
        Files.writeString(unit, ServiceFiles.systemdUnit(EngineCommand.ofLauncher(launcher, Path.of(AWKWARD))));
        String output = verify(systemdAnalyze, unit);
        assertEquals("", output, "systemd-analyze verify says nothing about a good unit");

        // and it does complain where a unit is wrong, so the silence above means something
        Files.writeString(unit, Files.readString(unit).replace("Restart=on-failure", "Restart=sometimes"));
        assertTrue(verify(systemdAnalyze, unit).contains("sometimes"), "a bad unit is reported");
    }

    private static String verify(Path systemdAnalyze, Path unit) throws Exception {
        Process p = new ProcessBuilder(systemdAnalyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify finishes");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void theLaunchdAgentRunsAtLoadAndIsKeptAliveUnlessItExitedCleanly() throws Exception {
        EngineCommand command = EngineCommand.ofLauncher(Path.of("/Users/me/.local/bin/bitweb"), Path.of(AWKWARD));
        String plist = ServiceFiles.launchdPlist(command, "/Users/me/Library/Logs/bitweb & co.log");
        Element dict = (Element) xml(plist.getBytes(StandardCharsets.UTF_8)).getDocumentElement()
                .getElementsByTagName("dict").item(0);
        Map<String, Element> entries = plistEntries(dict);
        assertEquals(ServiceFiles.LABEL, entries.get("Label").getTextContent());
        List<String> arguments = new ArrayList<>();
        NodeList strings = entries.get("ProgramArguments").getElementsByTagName("string");
        for (int i = 0; i < strings.getLength(); i++) {
            arguments.add(strings.item(i).getTextContent());
        }
        assertEquals(command.argv(), arguments);
        assertEquals("true", entries.get("RunAtLoad").getTagName());
        Map<String, Element> keepAlive = plistEntries(entries.get("KeepAlive"));
        assertEquals("false", keepAlive.get("SuccessfulExit").getTagName(), "restarted unless it exited with 0");
        assertEquals("launchd", plistEntries(entries.get("EnvironmentVariables")).get("BITWEB_SERVICE").getTextContent());
        assertEquals("/Users/me/Library/Logs/bitweb & co.log", entries.get("StandardErrorPath").getTextContent());
    }

    @Test
    void theWindowsTaskStartsAtLogonWithoutATimeLimitAndRestartsOnFailure() throws Exception {
        EngineCommand command = EngineCommand.ofJar(Path.of("C:\\Program Files\\Java\\bin\\javaw.exe"),
                org.bitweb.engine.EngineJvm.base(), Path.of("C:\\Users\\me\\AppData\\Local\\BitWeb\\app\\bitweb.jar"), Path.of(AWKWARD));
        Service service = new Service(ServicePlatform.TASK_SCHEDULER, Path.of("/home/me"),
                Map.of("USERNAME", "me", "USERDOMAIN", "PC"), c -> new Service.Run(0, ""));
        byte[] bytes = service.definition(command, Path.of("/state"));
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE}, Arrays.copyOf(bytes, 2), "UTF-16LE with a byte order mark");
        String text = new String(bytes, StandardCharsets.UTF_16LE);
        assertTrue(text.contains("\r\n") && !text.replace("\r\n", "").contains("\n"), "Windows line ends");
        Element task = xml(bytes).getDocumentElement();
        assertEquals("http://schemas.microsoft.com/windows/2004/02/mit/task", task.getNamespaceURI());
        assertEquals("PC\\me", first(task, "LogonTrigger", "UserId"));
        assertEquals("PT0S", first(task, "Settings", "ExecutionTimeLimit"), "the default 72 h limit would stop the engine");
        assertEquals("PT1M", first(task, "RestartOnFailure", "Interval"));
        assertEquals("IgnoreNew", first(task, "Settings", "MultipleInstancesPolicy"));
        assertEquals("false", first(task, "Settings", "StopIfGoingOnBatteries"));
        assertEquals(command.program(), first(task, "Exec", "Command"));
        assertEquals(command.arguments(), WindowsCommandLine.split(first(task, "Exec", "Arguments")),
                "Arguments split back into the same words, as the C runtime splits them");
        List<String> memory = org.bitweb.engine.EngineJvm.base();
        assertEquals(memory, command.arguments().subList(0, memory.size()), "the engine's memory options, as the launcher gives them");
        assertEquals("-jar", command.arguments().get(memory.size()));
    }

    @Test
    void windowsQuotingFollowsTheCRuntimeRules() {
        for (List<String> words : List.of(List.of("plain", "two words", "quote\"inside", "trailing\\", "dir\\with space\\",
                "\\\\server\\share", "back\\\\\"slash"))) {
            assertEquals(words, WindowsCommandLine.split(ServiceFiles.windowsArguments(words)));
        }
    }

    @Test
    void aCommandLineMustNameItsProgramByAbsolutePathAndHoldNoLineBreak() {
        assertThrows(IllegalArgumentException.class, () -> new EngineCommand(List.of("bitweb", "serve")));
        assertThrows(IllegalArgumentException.class, () -> new EngineCommand(List.of("/bin/bitweb", "serve\n[Unit]")));
        assertThrows(IllegalArgumentException.class, () -> new EngineCommand(List.of()));
    }

    static Document xml(byte[] bytes) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // the plist names Apple's DTD: never fetch it
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    private static String first(Element root, String parent, String child) {
        Element p = (Element) root.getElementsByTagNameNS("*", parent).item(0);
        return p.getElementsByTagNameNS("*", child).item(0).getTextContent();
    }

    /** A plist dict's entries: key text -> the value element after it. */
    private static Map<String, Element> plistEntries(Element dict) {
        Map<String, Element> entries = new java.util.LinkedHashMap<>();
        String key = null;
        for (org.w3c.dom.Node n = dict.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (e.getTagName().equals("key")) {
                    key = e.getTextContent();
                } else if (key != null) {
                    entries.put(key, e);
                    key = null;
                }
            }
        }
        return entries;
    }
}
