package org.bitweb.bt;

import bt.net.DataReceiver;
import bt.net.IMessageDispatcher;
import bt.net.pipeline.IChannelPipelineFactory;
import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/**
 * bt services replaced for transfer speed (docs/TUNING.md has the measurements) and for rate
 * limits. Bindings here override bt's own.
 */
public final class TransferModule extends AbstractModule {
    private final Bandwidth bandwidth;

    public TransferModule(Bandwidth bandwidth) {
        this.bandwidth = bandwidth;
    }

    @Override
    protected void configure() {
        bind(Bandwidth.class).toInstance(bandwidth);
        // every connection's reads are counted; the receive loop holds a connection back for a limit
        bind(MeteredPipelines.class).in(Singleton.class);
        bind(IChannelPipelineFactory.class).to(MeteredPipelines.class);
        if (Tuning.receiveLoop()) {
            bind(DataReceiver.class).to(ReceiveLoop.class).asEagerSingleton();
        }
        if (Tuning.messageLoop()) {
            bind(IMessageDispatcher.class).to(MessageLoop.class).asEagerSingleton();
        }
    }
}
