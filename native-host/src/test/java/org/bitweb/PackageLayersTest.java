package org.bitweb;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/DESIGN.md's package table is the host's map, and its order is the rule: a package imports
 * only from its own row and the rows above it. A map that drifts from the code tells a newcomer
 * the wrong way from a tab to the swarm, so the code is checked against the table, not the other
 * way round: a new package needs a row, and an import going down the table needs an interface
 * instead (or a reasoned move of a row).
 */
class PackageLayersTest {
    private static final Pattern ROW = Pattern.compile("^\\| ((?:`[a-z]+`(?:, )?)+) \\|");
    private static final Pattern NAME = Pattern.compile("`([a-z]+)`");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.bitweb\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void everyPackageHasARowAndEveryImportGoesUpTheTable() throws IOException {
        Map<String, Integer> layers = layersFromDesign();
        Path main = root().resolve("native-host/src/main/java/org/bitweb");
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(main)) {
            dirs.filter(Files::isDirectory).forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(packages), new TreeSet<>(layers.keySet()),
                "docs/DESIGN.md's package table lists exactly the packages under org.bitweb");

        List<String> wrongWay = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = main.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // org.bitweb.Version: the one version, read by everyone
                }
                String from = relative.getName(0).toString();
                Matcher imported = IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    String to = imported.group(1);
                    if (layers.containsKey(to) && layers.get(to) > layers.get(from)) {
                        wrongWay.add(relative + " imports " + to);
                    }
                }
            }
        }
        assertTrue(wrongWay.isEmpty(), "imports from a row below (docs/DESIGN.md, 'The code'): " + wrongWay);
    }

    @Test
    void anImportDownTheTableWouldBeSeen() {
        // the check above reads these lines; prove the pattern sees both import forms
        Matcher plain = IMPORT.matcher("import org.bitweb.engine.Engine;\nimport static org.bitweb.cli.Outcome.OK;\n");
        assertTrue(plain.find());
        assertEquals("engine", plain.group(1));
        assertTrue(plain.find());
        assertEquals("cli", plain.group(1));
    }

    /** package name -> row number, in the order of the table under "## The code". */
    static Map<String, Integer> layersFromDesign() throws IOException {
        List<String> lines = Files.readAllLines(root().resolve("docs/DESIGN.md"));
        int start = lines.indexOf("## The code: one package per feature");
        assertTrue(start >= 0, "docs/DESIGN.md has its package map");
        Map<String, Integer> layers = new LinkedHashMap<>();
        int row = 0;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher cell = ROW.matcher(line);
            if (cell.find()) {
                Matcher name = NAME.matcher(cell.group(1));
                while (name.find()) {
                    layers.put(name.group(1), row);
                }
                row++;
            }
        }
        return layers;
    }

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/DESIGN.md"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/DESIGN.md above " + Path.of("").toAbsolutePath());
    }
}
