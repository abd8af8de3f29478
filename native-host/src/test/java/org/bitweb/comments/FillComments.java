package org.bitweb.comments;

import org.bitweb.keys.SiteKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fills a state folder's comment store before its engine starts, for the end-to-end tests and
 * benchmarks that need a page with many comments:
 * {@code java -Dbitweb.comments.workBits=N -cp ... org.bitweb.comments.FillComments <state>/comments URL COUNT}.
 * The records are real (sealed at the JVM's difficulty, signed by 500 authors, a third of them
 * replies, bodies of 20-480 characters), spread over the last COUNT minutes.
 */
public final class FillComments {
    private FillComments() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Page page = Page.parse(args[1]);
        int count = Integer.parseInt(args[2]);
        Random random = new Random(count);
        List<Signer> authors = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            authors.add(Signer.of(SiteKey.generate("a" + i)));
        }
        long now = System.currentTimeMillis() / 1000;
        List<CommentRecord> made = new ArrayList<>();
        try (CommentStore store = CommentStore.open(dir, site -> false)) {
            List<CommentRecord> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long time = now - 60L * (count - i);
                String body = "Comment " + i + ": " + "lorem ipsum dolor sit amet ".repeat(1 + random.nextInt(17)).strip();
                Draft draft = !made.isEmpty() && random.nextInt(3) == 0
                        ? Draft.reply(page, made.get(random.nextInt(made.size())).id(), body, time)
                        : Draft.comment(page, body, time);
                CommentRecord record = draft.withName("Reader " + (i % 500)).seal(authors.get(i % 500));
                made.add(record);
                batch.add(record);
                if (batch.size() == 1000) {
                    check(store.addAll(batch, now));
                    batch.clear();
                }
            }
            check(store.addAll(batch, now));
            System.out.println("filled " + store.count(page.site()) + " comments for " + page.url());
        }
    }

    private static void check(List<CommentStore.Outcome> outcomes) {
        for (CommentStore.Outcome outcome : outcomes) {
            if (!outcome.added()) {
                throw new IllegalStateException("refused: " + outcome.refusal() + " " + outcome.message());
            }
        }
    }
}
