package org.bitweb.dht;

import java.net.InetSocketAddress;

/**
 * A snapshot of a DHT node, for the popup, logs and tests.
 *
 * @param localAddress    the UDP address the node listens on (address 0.0.0.0 until bound)
 * @param routingTable    nodes in the routing table
 * @param verifiedNodes   of those, nodes that have answered us
 * @param activeSockets   sockets that have received anything lately, as mldht last checked (each
 *                        second, from 5 s after start); 0 after that: nobody answers us
 * @param packetsSent     UDP packets sent since start
 * @param packetsReceived UDP packets received since start
 * @param runningTasks    lookups, announces and maintenance tasks running or queued
 */
public record DhtStats(InetSocketAddress localAddress, int routingTable, int verifiedNodes, int activeSockets,
                       long packetsSent, long packetsReceived, int runningTasks) {
}
