package org.bitweb.bt;

import bt.net.DataReceiver;
import com.google.inject.AbstractModule;

/**
 * bt services replaced for transfer speed (docs/TUNING.md has the measurements). Bindings here
 * override bt's own.
 */
public final class TransferModule extends AbstractModule {
    @Override
    protected void configure() {
        if (Tuning.receiveLoop()) {
            bind(DataReceiver.class).to(ReceiveLoop.class).asEagerSingleton();
        }
    }
}
