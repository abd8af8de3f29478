package org.bitweb.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host asks the desktop's dialog program for a folder; stand-in programs play the dialog here. */
class FolderPickerTest {
    @TempDir
    Path bin;

    private void program(String name, String script) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theFirstInstalledDialogAnswers() throws IOException {
        program("kdialog", "echo /home/me/my site");
        var result = FolderPicker.pick("t", FolderPicker.candidates("t"), bin.toString());
        assertEquals(Path.of("/home/me/my site"), result.folder().orElseThrow());
        assertFalse(result.cancelled());
    }

    @Test
    void cancellingIsNotAnError() throws IOException {
        program("zenity", "exit 1");
        var result = FolderPicker.pick("t", FolderPicker.candidates("t"), bin.toString());
        assertTrue(result.cancelled());
        assertTrue(result.folder().isEmpty());
    }

    @Test
    void noDialogProgramSaysToTypeThePath() {
        IOException e = assertThrows(IOException.class,
                () -> FolderPicker.pick("t", List.of(List.of("no-such-dialog")), bin.toString()));
        assertTrue(e.getMessage().contains("type the folder's path"));
    }
}
