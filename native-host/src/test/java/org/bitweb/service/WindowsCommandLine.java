package org.bitweb.service;

import java.util.ArrayList;
import java.util.List;

/** Splits a Windows command line as the Microsoft C runtime (and CommandLineToArgvW) does. */
final class WindowsCommandLine {
    private WindowsCommandLine() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\\') {
                int n = 0;
                while (i < line.length() && line.charAt(i) == '\\') {
                    n++;
                    i++;
                }
                if (i < line.length() && line.charAt(i) == '"') {
                    word.append("\\".repeat(n / 2));
                    if (n % 2 == 1) {
                        word.append('"');
                        i++;
                    }
                } else {
                    word.append("\\".repeat(n));
                }
                inWord = true;
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if ((c == ' ' || c == '\t') && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
            i++;
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
