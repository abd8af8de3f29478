package org.bitweb.comments;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rule for text in records (bodies, names): strict UTF-8 (no overlong forms, no surrogates),
 * no control characters but line feed and tab in a body, and none of the bidi embedding, override
 * and isolate characters (U+202A..U+202E, U+2066..U+2069), which can make text display in an
 * order other than the one it was written in. Plain text only; a reader's display escapes it.
 */
final class Text {
    private Text() {
    }

    /**
     * @param multiline a body: line feeds and tabs allowed
     * @return the text
     * @throws RecordException {@link Refusal#TOO_LARGE} or {@link Refusal#BAD_TEXT}, naming the field
     */
    static String decode(String field, byte[] utf8, int maxBytes, boolean multiline) throws RecordException {
        if (utf8.length > maxBytes) {
            throw new RecordException(Refusal.TOO_LARGE, field + " is " + utf8.length + " bytes; at most " + maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new RecordException(Refusal.BAD_TEXT, field + " is not valid UTF-8");
        }
        check(field, text, multiline);
        return text;
    }

    /** The same rule for text written here, before it is signed. */
    static void check(String field, String text, boolean multiline) throws RecordException {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n' || c == '\t') {
                if (!multiline) {
                    throw new RecordException(Refusal.BAD_TEXT, field + " is one line: no line feeds or tabs");
                }
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw new RecordException(Refusal.BAD_TEXT, field + " holds the control character U+" + hex(c));
            } else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                throw new RecordException(Refusal.BAD_TEXT, field + " holds the bidi formatting character U+" + hex(c));
            } else if (Character.isSurrogate((char) c) || c == 0xfffe || c == 0xffff) {
                throw new RecordException(Refusal.BAD_TEXT, field + " holds the non-character U+" + hex(c));
            }
        }
    }

    private static String hex(int c) {
        return String.format("%04X", c);
    }
}
