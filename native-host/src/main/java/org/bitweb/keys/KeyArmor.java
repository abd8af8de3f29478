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
    static final String BEGIN = "-----BEGIN BITWEB SITE KEY-----";
    static final String END = "-----END BITWEB SITE KEY-----";

    private KeyArmor() {
    }

    public static String armor(SiteKey key) {
        return BEGIN + "\n"
                + "Name: " + key.name() + "\n"
                + "Site: " + key.address().url() + "\n"
                + "Public-Key: " + Hex.encode(key.publicKey()) + "\n"
                + "Warning: anyone holding this text can publish as this site\n"
                + "\n"
                + Base64.getEncoder().encodeToString(key.seed()) + "\n"
                + END + "\n";
    }

    /**
     * Reads an armored key and names it {@code name} (the name in the text is only a hint).
     *
     * @param source where the text came from, for messages
     */
    public static SiteKey read(String name, String text, String source) throws KeyException {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new KeyException(source + " is not a BitWeb site key (no " + BEGIN + " ... " + END + " block)");
        }
        String[] lines = text.substring(begin + BEGIN.length(), end).split("\\r?\\n");
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
        SiteKey key = SiteKey.fromSeed(name, seed);
        Arrays.fill(seed, (byte) 0);
        String expected = headers.get("public-key");
        if (expected != null && !expected.equalsIgnoreCase(Hex.encode(key.publicKey()))) {
            throw new KeyException(source + " is damaged: its key does not match its Public-Key line " + expected);
        }
        return key;
    }
}
