package org.bitweb.keys;

import org.bouncycastle.crypto.digests.SHA512Digest;

import java.math.BigInteger;

/**
 * Ed25519 signing from a 64-byte <em>expanded</em> secret key (clamped scalar, then nonce prefix),
 * the form the BEP 44 test vectors give their private key in (libsodium's and ref10's secret key
 * minus the seed). RFC 8032 signers, Bouncy Castle's included, start from the 32-byte seed whose
 * SHA-512 is that expanded key, and the vectors do not give it; so the tests reproduce the vector
 * signatures with this textbook implementation (affine Edwards arithmetic, BigInteger, Bouncy
 * Castle's SHA-512) and check them with Bouncy Castle's verifier. Test code: slow, not constant-time.
 */
final class ExpandedKeySigner {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger[] BASE = {
            new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202"),
            new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960")};

    private ExpandedKeySigner() {
    }

    static byte[] publicKey(byte[] expanded) {
        return encode(multiply(BASE, littleEndian(expanded, 0, 32)));
    }

    static byte[] sign(byte[] expanded, byte[] message) {
        BigInteger a = littleEndian(expanded, 0, 32);
        byte[] publicKey = encode(multiply(BASE, a));
        BigInteger r = littleEndian(sha512(slice(expanded, 32, 32), message), 0, 64).mod(L);
        byte[] encodedR = encode(multiply(BASE, r));
        BigInteger k = littleEndian(sha512(encodedR, publicKey, message), 0, 64).mod(L);
        BigInteger s = r.add(k.multiply(a)).mod(L);
        byte[] signature = new byte[64];
        System.arraycopy(encodedR, 0, signature, 0, 32);
        System.arraycopy(toLittleEndian(s), 0, signature, 32, 32);
        return signature;
    }

    private static BigInteger[] add(BigInteger[] p1, BigInteger[] p2) {
        BigInteger xx = p1[0].multiply(p2[1]).add(p2[0].multiply(p1[1]));
        BigInteger yy = p1[1].multiply(p2[1]).add(p1[0].multiply(p2[0]));
        BigInteger dxy = D.multiply(p1[0]).multiply(p2[0]).multiply(p1[1]).multiply(p2[1]).mod(P);
        BigInteger x = xx.multiply(BigInteger.ONE.add(dxy).modInverse(P)).mod(P);
        BigInteger y = yy.multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x, y};
    }

    private static BigInteger[] multiply(BigInteger[] point, BigInteger scalar) {
        BigInteger[] result = {BigInteger.ZERO, BigInteger.ONE};
        for (int i = scalar.bitLength() - 1; i >= 0; i--) {
            result = add(result, result);
            if (scalar.testBit(i)) {
                result = add(result, point);
            }
        }
        return result;
    }

    private static byte[] encode(BigInteger[] point) {
        byte[] out = toLittleEndian(point[1]);
        if (point[0].testBit(0)) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    private static byte[] toLittleEndian(BigInteger value) {
        byte[] big = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < big.length && i < 32; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    private static BigInteger littleEndian(byte[] bytes, int offset, int length) {
        byte[] big = new byte[length + 1];
        for (int i = 0; i < length; i++) {
            big[length - i] = bytes[offset + i];
        }
        return new BigInteger(big);
    }

    private static byte[] slice(byte[] bytes, int offset, int length) {
        return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
    }

    private static byte[] sha512(byte[]... parts) {
        SHA512Digest digest = new SHA512Digest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[64];
        digest.doFinal(out, 0);
        return out;
    }
}
