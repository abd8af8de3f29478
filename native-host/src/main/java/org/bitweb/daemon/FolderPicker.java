package org.bitweb.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Opens the desktop's own folder dialog for the popup's "Choose…" button: an extension cannot
 * learn a folder's path from a file input, but the host can ask the desktop. Tries zenity and
 * kdialog (Linux) and osascript (macOS); without any of them the popup takes a typed path.
 */
final class FolderPicker {
    /** A person picks in their own time, but not forever. */
    private static final long TIMEOUT_MINUTES = 10;

    record Result(Optional<Path> folder, boolean cancelled) {
    }

    private FolderPicker() {
    }

    static List<List<String>> candidates(String title) {
        return List.of(
                List.of("zenity", "--file-selection", "--directory", "--title=" + title),
                List.of("kdialog", "--getexistingdirectory", System.getProperty("user.home"), "--title", title),
                List.of("osascript", "-e", "POSIX path of (choose folder with prompt \"" + title.replace("\"", "") + "\")"));
    }

    /** @throws IOException when no dialog program is installed */
    static Result pick(String title, List<List<String>> candidates, String path) throws IOException {
        for (List<String> candidate : candidates) {
            Optional<Path> program = find(candidate.get(0), path);
            if (program.isEmpty()) {
                continue;
            }
            List<String> command = new java.util.ArrayList<>(candidate);
            command.set(0, program.get().toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new Result(Optional.empty(), true);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                return new Result(Optional.empty(), true);
            }
            String chosen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0 || chosen.isEmpty()) {
                return new Result(Optional.empty(), true);
            }
            return new Result(Optional.of(Path.of(chosen)), false);
        }
        throw new IOException("no folder dialog program (zenity, kdialog, osascript) is installed; type the folder's path");
    }

    private static Optional<Path> find(String command, String path) {
        for (String folder : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, command))) {
                return Optional.of(Path.of(folder, command));
            }
        }
        return Optional.empty();
    }
}
