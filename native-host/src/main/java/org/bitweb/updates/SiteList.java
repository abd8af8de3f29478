package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.site.SiteStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Key sites as the site list shows them: each once, under its key, with its current version's
 * figures, in place of the torrents of its versions.
 */
final class SiteList {
    private final MutableStore store;
    private final Torrents torrents;
    private final Resolver resolver;

    SiteList(MutableStore store, Torrents torrents, Resolver resolver) {
        this.store = store;
        this.torrents = torrents;
        this.resolver = resolver;
    }

    /** A key site's entry: its current version's status, under the key, and whether its newest version is being looked up. */
    SiteStatus status(KeySiteRecord record) {
        SiteStatus version = torrents.site(record.infohash()).orElseGet(() -> placeholder(record.infohash()));
        return version.asKeySite(record.site(), record.seq(), record.seeding(), record.keyName())
                .withUpdateCheck(resolver.checking(record.site()), resolver.checkedAt(record.site()).orElse(null));
    }

    /** A version not (yet) in the engine's store: nothing known but its infohash. */
    private static SiteStatus placeholder(String infohash) {
        SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, infohash);
        return new SiteStatus(address.label(), address.url(), "", 0, 0, 0, false, false, 0, 0, 0.0, null, infohash, null, null, null, null);
    }

    /** The engine's torrents, less the versions of key sites, then each key site once. */
    List<SiteStatus> merge(List<SiteStatus> statuses) {
        List<KeySiteRecord> keySites = store.list();
        Set<String> versions = versions(keySites);
        List<SiteStatus> list = new ArrayList<>();
        for (SiteStatus status : statuses) {
            if (!versions.contains(status.infohash())) {
                list.add(status);
            }
        }
        for (KeySiteRecord record : keySites) {
            list.add(status(record));
        }
        return list;
    }

    /** The key sites a torrent is a version of, current or earlier. */
    List<SiteAddress> sitesWithVersion(String infohash) {
        return store.list().stream().filter(r -> r.versions().contains(infohash)).map(KeySiteRecord::site).toList();
    }

    /**
     * The addresses whose entries in {@link #merge} would say "seeding", from the records alone
     * (no figures are read): the seeding torrents that are no key site's version, then the
     * seeding key sites. Cheap enough for every comment request of an engine with 1,000 sites.
     */
    List<SiteAddress> shared(List<String> seedingTorrents) {
        List<KeySiteRecord> keySites = store.list();
        Set<String> versions = versions(keySites);
        List<SiteAddress> shared = new ArrayList<>();
        for (String infohash : seedingTorrents) {
            if (!versions.contains(infohash)) {
                shared.add(new SiteAddress(SiteAddress.Kind.INFOHASH, infohash));
            }
        }
        for (KeySiteRecord record : keySites) {
            if (record.seeding()) {
                shared.add(record.site());
            }
        }
        return shared;
    }

    /** Every version of these key sites: torrents listed under their key site, not on their own. */
    private static Set<String> versions(List<KeySiteRecord> keySites) {
        Set<String> versions = new HashSet<>();
        for (KeySiteRecord record : keySites) {
            versions.addAll(record.versions());
        }
        return versions;
    }
}
