package org.bitweb.nat;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * UPnP Internet Gateway Device, the port mapping most home routers speak: found by SSDP on the
 * LAN, then driven by SOAP calls to its WANIPConnection (or WANPPPConnection) service.
 */
final class UpnpIgd implements MappingProtocol {
    static final InetSocketAddress SSDP = new InetSocketAddress("239.255.255.250", 1900);
    static final List<String> SERVICES = List.of("urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1", "urn:schemas-upnp-org:service:WANPPPConnection:1");
    private static final int MAX_DESCRIPTION = 256 * 1024;
    private static final String DESCRIPTION = "BitWeb";
    /** 725 OnlyPermanentLeasesSupported: an IGDv1 router that takes lease 0 only. */
    private static final int ONLY_PERMANENT = 725;

    private final URL control;
    private final String serviceType;
    private final InetAddress client;
    private final Duration timeout;

    private UpnpIgd(URL control, String serviceType, InetAddress client, Duration timeout) {
        this.control = control;
        this.serviceType = serviceType;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "UPnP IGD";
    }

    /** Where the router takes SOAP calls (tests and logs). */
    URL control() {
        return control;
    }

    /**
     * Searches the LAN for an Internet gateway (and asks {@code router} directly too, in case
     * multicast does not get through) and returns the first that has a connection service.
     *
     * @param router the default gateway, or null if unknown
     */
    static Optional<UpnpIgd> discover(InetAddress router, Duration wait) throws IOException {
        List<InetSocketAddress> targets = new ArrayList<>(List.of(SSDP));
        if (router != null) {
            targets.add(new InetSocketAddress(router, SSDP.getPort()));
        }
        Map<String, InetAddress> locations = new LinkedHashMap<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2);
            for (String st : List.of("urn:schemas-upnp-org:device:InternetGatewayDevice:1",
                    "urn:schemas-upnp-org:device:InternetGatewayDevice:2")) {
                byte[] search = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: "
                        + st + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                for (InetSocketAddress target : targets) {
                    try {
                        socket.send(new DatagramPacket(search, search.length, target));
                    } catch (IOException e) {
                        // no multicast route (a namespace without one): the unicast ask may still work
                    }
                }
            }
            long deadline = System.nanoTime() + wait.toNanos();
            byte[] buffer = new byte[2048];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || (!locations.isEmpty() && left < wait.toMillis() / 2)) {
                    break; // an answer came: wait a little for others, not the whole time
                }
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                location(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII), packet.getAddress())
                        .ifPresent(l -> locations.putIfAbsent(l, packet.getAddress()));
            }
        }
        IOException last = null;
        for (Map.Entry<String, InetAddress> found : locations.entrySet()) {
            try {
                URL location = URI.create(found.getKey()).toURL();
                return Optional.of(fromDescription(location, fetch(location, wait), wait));
            } catch (IOException | RuntimeException e) {
                last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
        }
        if (last != null) {
            throw last;
        }
        return Optional.empty();
    }

    /**
     * The LOCATION of an SSDP answer, if it is an http URL on the host that answered: a device
     * may not send us to fetch from anywhere else.
     */
    static Optional<String> location(String answer, InetAddress from) {
        if (!answer.startsWith("HTTP/1.1 200") && !answer.startsWith("HTTP/1.0 200")) {
            return Optional.empty();
        }
        for (String line : answer.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("location")) {
                String url = line.substring(colon + 1).trim();
                try {
                    URI uri = URI.create(url);
                    if ("http".equals(uri.getScheme()) && uri.getHost() != null
                            && InetAddress.getByName(uri.getHost()).equals(from)) {
                        return Optional.of(url);
                    }
                } catch (IllegalArgumentException | IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Reads a device description and finds its connection service's control URL. */
    static UpnpIgd fromDescription(URL location, byte[] xml, Duration timeout) throws IOException {
        Document doc = parse(xml);
        String base = text(doc.getDocumentElement(), "URLBase");
        URL root = base.isEmpty() ? location : URI.create(base).toURL();
        NodeList services = doc.getElementsByTagNameNS("*", "service");
        for (String wanted : SERVICES) {
            for (int i = 0; i < services.getLength(); i++) {
                Element service = (Element) services.item(i);
                if (text(service, "serviceType").equals(wanted)) {
                    URL control;
                    try {
                        control = root.toURI().resolve(text(service, "controlURL")).toURL();
                    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                        throw new IOException("the gateway at " + location + " names a bad control URL: " + e.getMessage(), e);
                    }
                    if (!control.getHost().equals(location.getHost())) {
                        throw new IOException("the gateway at " + location + " names a control URL on another host: " + control);
                    }
                    InetAddress client = localAddressToward(InetAddress.getByName(location.getHost()), location.getPort());
                    return new UpnpIgd(control, wanted, client, timeout);
                }
            }
        }
        throw new IOException("the UPnP device at " + location + " has no WANIPConnection or WANPPPConnection service");
    }

    @Override
    public Optional<InetAddress> externalAddress() throws IOException {
        String ip = call("GetExternalIPAddress", Map.of()).getOrDefault("NewExternalIPAddress", "");
        if (ip.isEmpty() || !ip.matches("[0-9.]+")) {
            return Optional.empty();
        }
        InetAddress address = InetAddress.getByName(ip);
        return address.isAnyLocalAddress() ? Optional.empty() : Optional.of(address);
    }

    @Override
    public Mapping map(Transport transport, int internalPort, Duration lease, Mapping previous) throws IOException {
        int external = previous != null ? previous.externalPort() : internalPort;
        Duration asked = previous != null ? previous.lease() : lease;
        try {
            add(transport, external, internalPort, asked);
        } catch (MappingRefused e) {
            if (e.code != ONLY_PERMANENT || asked.isZero()) {
                throw e;
            }
            asked = Duration.ZERO;
            add(transport, external, internalPort, asked);
        }
        return new Mapping(transport, internalPort, external, asked, null, null);
    }

    private void add(Transport transport, int external, int internal, Duration lease) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", String.valueOf(external));
        args.put("NewProtocol", transport.name());
        args.put("NewInternalPort", String.valueOf(internal));
        args.put("NewInternalClient", client.getHostAddress());
        args.put("NewEnabled", "1");
        args.put("NewPortMappingDescription", DESCRIPTION);
        args.put("NewLeaseDuration", String.valueOf(lease.toSeconds()));
        call("AddPortMapping", args);
    }

    @Override
    public void unmap(Mapping mapping) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", String.valueOf(mapping.externalPort()));
        args.put("NewProtocol", mapping.transport().name());
        call("DeletePortMapping", args);
    }

    /** One SOAP call; the answer's arguments by name. A UPnP error becomes {@link MappingRefused}. */
    Map<String, String> call(String action, Map<String, String> args) throws IOException {
        StringBuilder body = new StringBuilder("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action + " xmlns:u=\"" + serviceType + "\">");
        args.forEach((k, v) -> body.append('<').append(k).append('>').append(escape(v)).append("</").append(k).append('>'));
        body.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        byte[] request = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpURLConnection http = (HttpURLConnection) control.openConnection(Proxy.NO_PROXY);
        try {
            http.setConnectTimeout((int) timeout.toMillis());
            http.setReadTimeout((int) timeout.toMillis());
            http.setInstanceFollowRedirects(false);
            http.setDoOutput(true);
            http.setRequestMethod("POST");
            http.setRequestProperty("Content-Type", "text/xml; charset=\"utf-8\"");
            http.setRequestProperty("SOAPAction", "\"" + serviceType + "#" + action + "\"");
            http.setFixedLengthStreamingMode(request.length);
            try (OutputStream out = http.getOutputStream()) {
                out.write(request);
            }
            int status = http.getResponseCode();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            byte[] answer = in == null ? new byte[0] : in.readNBytes(MAX_DESCRIPTION);
            if (status != 200) {
                Document fault = answer.length == 0 ? null : parse(answer);
                String code = fault == null ? "" : text(fault.getDocumentElement(), "errorCode");
                String description = fault == null ? "" : text(fault.getDocumentElement(), "errorDescription");
                if (code.matches("\\d{1,4}")) {
                    throw new MappingRefused("UPnP " + action, Integer.parseInt(code), description.isEmpty() ? "error" : description);
                }
                throw new IOException("UPnP " + action + " at " + control + ": HTTP " + status);
            }
            Document doc = parse(answer);
            NodeList responses = doc.getElementsByTagNameNS("*", action + "Response");
            Map<String, String> out = new LinkedHashMap<>();
            if (responses.getLength() > 0) {
                for (org.w3c.dom.Node n = responses.item(0).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e) {
                        out.put(e.getLocalName() != null ? e.getLocalName() : e.getTagName(), e.getTextContent().trim());
                    }
                }
            }
            return out;
        } finally {
            http.disconnect();
        }
    }

    private static byte[] fetch(URL location, Duration timeout) throws IOException {
        HttpURLConnection http = (HttpURLConnection) location.openConnection(Proxy.NO_PROXY);
        try {
            http.setConnectTimeout((int) timeout.toMillis());
            http.setReadTimeout((int) timeout.toMillis());
            http.setInstanceFollowRedirects(false);
            if (http.getResponseCode() != 200) {
                throw new IOException("the gateway's description at " + location + " answers HTTP " + http.getResponseCode());
            }
            try (InputStream in = http.getInputStream()) {
                return in.readNBytes(MAX_DESCRIPTION);
            }
        } finally {
            http.disconnect();
        }
    }

    /** XML from a LAN device: no DTDs, no external entities. */
    static Document parse(byte[] xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IOException("unreadable XML from the gateway: " + e.getMessage(), e);
        }
    }

    private static String text(Element root, String name) {
        NodeList list = root.getElementsByTagNameNS("*", name);
        return list.getLength() == 0 ? "" : list.item(0).getTextContent().trim();
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static InetAddress localAddressToward(InetAddress host, int port) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(host, port < 0 ? 80 : port));
            return socket.getLocalAddress();
        }
    }

    @Override
    public String toString() {
        return "UPnP IGD " + serviceType.substring(serviceType.lastIndexOf(':', serviceType.length() - 3) + 1).toLowerCase(Locale.ROOT)
                + " at " + control;
    }
}
