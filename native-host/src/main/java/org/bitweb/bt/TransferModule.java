package org.bitweb.bt;

import bt.module.ClientExecutor;
import bt.net.DataReceiver;
import bt.net.IMessageDispatcher;
import bt.net.pipeline.IChannelPipelineFactory;
import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import org.bitweb.log.Threads;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * bt services replaced for transfer speed (docs/TUNING.md has the measurements) and for rate
 * limits. Bindings here override bt's own.
 */
public final class TransferModule extends AbstractModule {
    private final Bandwidth bandwidth;
    private final ExecutorService clientExecutor;

    /** @param clientExecutor runs bt's per-site work (starting a site, its processing stages) */
    public TransferModule(Bandwidth bandwidth, ExecutorService clientExecutor) {
        this.bandwidth = bandwidth;
        this.clientExecutor = clientExecutor;
    }

    /**
     * bt's client executor is a cached pool whose threads linger 60 s: starting 1,000 sites at
     * once made hundreds of threads, each holding its stack for a minute after. This one lets a
     * thread go after 5 s idle.
     */
    public static ExecutorService clientExecutor() {
        return Threads.onDemand("bt-client", Duration.ofSeconds(5));
    }

    @Override
    protected void configure() {
        bind(Bandwidth.class).toInstance(bandwidth);
        bind(ExecutorService.class).annotatedWith(ClientExecutor.class).toInstance(clientExecutor);
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
