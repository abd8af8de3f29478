package org.bitweb.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints benchmark rows as an aligned text table (and as Markdown, for closing notes). */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
        this.header = header;
    }

    void row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(cells[i]);
        }
        rows.add(text);
    }

    void print(String title) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        System.out.println();
        System.out.println(title);
        StringBuilder line = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < header.length; i++) {
            line.append(' ').append(pad(header[i], width[i])).append(" |");
            rule.append('-').append("-".repeat(width[i])).append("-|");
        }
        System.out.println(line);
        System.out.println(rule);
        for (String[] row : rows) {
            StringBuilder r = new StringBuilder("|");
            for (int i = 0; i < row.length; i++) {
                r.append(' ').append(pad(row[i], width[i])).append(" |");
            }
            System.out.println(r);
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    static double percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
