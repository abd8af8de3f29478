package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import org.bitweb.address.SaltLabel;
import org.bitweb.address.SiteLink;
import org.bitweb.dht.BootstrapNode;
import org.bitweb.keys.KeyRing;
import org.bitweb.log.Logging;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line values checked while the line is read, so that a bad one is a usage error (exit 2)
 * naming the option, before anything runs.
 */
final class Converters {
    private Converters() {
    }

    /** 0..65535; 0 lets the system pick a free port. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("a port number is 0..65535 (0 picks a free port), not '" + value + "'");
        }
    }

    /** A rate in bytes a second as people write it: 100K, 1.5M, 512KiB, 0 for no limit. */
    static final class Rate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return org.bitweb.store.RateLimits.parseRate(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A whole number of seconds, at least 1. */
    static final class Seconds implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int seconds = Integer.parseInt(value);
                if (seconds >= 1) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("takes whole seconds (1 or more), not '" + value + "'");
        }
    }

    /** The log levels, for shell completion. */
    static final class LevelNames extends ArrayList<String> {
        LevelNames() {
            super(List.of("error", "warn", "info", "debug", "trace"));
        }
    }

    static final class LogLevel implements ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            try {
                return Logging.parseLevel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class KeyName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return KeyRing.checkName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Any text a host name can carry; empty means no salt. */
    static final class Salt implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            byte[] salt = value.getBytes(StandardCharsets.UTF_8);
            if (salt.length > 0) {
                try {
                    SaltLabel.encode(salt);
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException(e.getMessage());
                }
            }
            return value;
        }
    }

    /** An IP address to bind to. */
    static final class Address implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new TypeConversionException("an IP address of this machine, not '" + value + "'");
            }
        }
    }

    /** http://&lt;site&gt;.bitweb/..., a bare label, or a magnet link. */
    static final class Link implements ITypeConverter<SiteLink> {
        @Override
        public SiteLink convert(String value) {
            try {
                return SiteLink.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** IP:PORT, or [IPv6]:PORT. */
    static final class Peer implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return SiteLink.peer(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The DHT nodes to join through, as the command line and BITWEB_DHT_BOOTSTRAP give them. */
    record BootstrapList(List<BootstrapNode> nodes) {
        BootstrapList {
            nodes = List.copyOf(nodes);
        }

        /** "host:port,host:port"; empty items are skipped, so "" means none. */
        static BootstrapList parse(String text) {
            List<BootstrapNode> nodes = new ArrayList<>();
            for (String item : text.split(",")) {
                String node = item.trim();
                if (node.isEmpty()) {
                    continue;
                }
                try {
                    nodes.add(BootstrapNode.parse(node));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a DHT bootstrap node is host:port, not '" + node + "'", e);
                }
            }
            return new BootstrapList(nodes);
        }
    }

    static final class Bootstrap implements ITypeConverter<BootstrapList> {
        @Override
        public BootstrapList convert(String value) {
            try {
                return BootstrapList.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
