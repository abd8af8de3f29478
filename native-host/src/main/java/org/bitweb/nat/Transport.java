package org.bitweb.nat;

/** What a mapping carries: the peer port is TCP, the DHT port UDP. */
public enum Transport {
    TCP(6, 2), UDP(17, 1);

    /** The IP protocol number (PCP). */
    final int ipProtocol;
    /** The NAT-PMP opcode that maps this transport. */
    final int natPmpOpcode;

    Transport(int ipProtocol, int natPmpOpcode) {
        this.ipProtocol = ipProtocol;
        this.natPmpOpcode = natPmpOpcode;
    }
}
