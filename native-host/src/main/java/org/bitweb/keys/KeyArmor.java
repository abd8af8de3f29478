package org.bitweb.keys;

import org.bitweb.address.Hex;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a site key: what {@code <state>/keys/<name>.key} holds and what
 * {@code bitweb key export} prints, so a backup can be printed, pasted into a password manager or
 * read aloud. The seed is the only secret; the public key in the headers lets an import notice a
 * damaged or mistyped seed.
 *
 * <pre>
 * -----BEGIN BITWEB SITE KEY-----
 * Name: blog
 * Site: http://&lt;52 base32&gt;.bitweb/
 * Public-Key: &lt;64 hex&gt;
 * Warning: anyone holding this text can publish as this site
 *
 * &lt;base64 of the 32-byte ed25519 seed&gt;
 * -----END BITWEB SITE KEY-----
 * </pre>
 */
public final class KeyArmor {
    private static final String SITE_KEY = "SITE KEY";
    static final String BEGIN = "-----BEGIN BITWEB " + SITE_KEY + "-----";
    static final String END = "-----END BITWEB " + SITE_KEY + "-----";

    private KeyArmor() {
    }

    public static String armor(SiteKey key) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Name", key.name());
        headers.put("Site", key.address().url());
        headers.put("Public-Key", Hex.encode(key.publicKey()));
        headers.put("Warning", "anyone holding this text can publish as this site");
        return armorSeed(SITE_KEY, headers, key.seed());
    }

    /**
     * The same text form for any BitWeb ed25519 seed: {@code -----BEGIN BITWEB <kind>-----},
     * {@code Header: value} lines, a blank line, the base64 seed, the end line.
     */
    public static String armorSeed(String kind, Map<String, String> headers, byte[] seed) {
        StringBuilder text = new StringBuilder("-----BEGIN BITWEB " + kind + "-----\n");
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.append('\n').append(Base64.getEncoder().encodeToString(seed)).append('\n')
                .append("-----END BITWEB ").append(kind).append("-----\n").toString();
    }

    /** An armored seed read back: its headers (names in lower case) and the 32-byte seed. */
    public record Armored(Map<String, String> headers, byte[] seed) {
    }

    /**
     * Reads an armored key and names it {@code name} (the name in the text is only a hint).
     *
     * @param source where the text came from, for messages
     */
    public static SiteKey read(String name, String text, String source) throws KeyException {
        Armored armored = readSeed(SITE_KEY, text, source);
        byte[] seed = armored.seed();
        SiteKey key = SiteKey.fromSeed(name, seed);
        Arrays.fill(seed, (byte) 0);
        String expected = armored.headers().get("public-key");
        if (expected != null && !expected.equalsIgnoreCase(Hex.encode(key.publicKey()))) {
            throw new KeyException(source + " is damaged: its key does not match its Public-Key line " + expected);
        }
        return key;
    }

    /**
     * Reads the seed out of the text of {@link #armorSeed}; checks its form and length only.
     *
     * @param source where the text came from, for messages
     */
    public static Armored readSeed(String kind, String text, String source) throws KeyException {
        String begin = "-----BEGIN BITWEB " + kind + "-----";
        String end = "-----END BITWEB " + kind + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new KeyException(source + " is not a BitWeb " + kind.toLowerCase(java.util.Locale.ROOT) + " (no "
                    + begin + " ... " + end + " block)");
        }
        String[] lines = text.substring(from + begin.length(), to).split("\\r?\\n");
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (body.isEmpty() && colon > 0 && line.substring(0, colon).matches("[A-Za-z-]+")) {
                headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
            } else {
                body.append(line);
            }
        }
        byte[] seed;
        try {
            seed = Base64.getDecoder().decode(body.toString());
        } catch (IllegalArgumentException e) {
            throw new KeyException(source + " is damaged: its key is not base64 (" + e.getMessage() + ")");
        }
        if (seed.length != Ed25519.SEED_BYTES) {
            throw new KeyException(source + " is damaged: its key is " + seed.length + " bytes, not " + Ed25519.SEED_BYTES);
        }
        return new Armored(headers, seed);
    }
}
