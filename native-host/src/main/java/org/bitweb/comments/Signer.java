package org.bitweb.comments;

/** An ed25519 key that signs records: a reader's identity, or a site's key for its links and moderation. */
public interface Signer {
    /** 32 bytes. */
    byte[] publicKey();

    /** RFC 8032 signature of {@code message}, 64 bytes. */
    byte[] sign(byte[] message);

    static Signer of(org.bitweb.keys.SiteKey key) {
        return new Signer() {
            @Override
            public byte[] publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] sign(byte[] message) {
                return key.sign(message);
            }
        };
    }
}
