package org.bitweb.bt;

/**
 * A storage unit that can tell whether it is a BEP 47 pad file's zeros (bt itself knows nothing
 * of pad files). The site's storage implements it; {@link ShortRequestProducer} and
 * {@link PaddedBlocks} use it to leave padding off the wire.
 */
public interface Padding {
    boolean padding();
}
