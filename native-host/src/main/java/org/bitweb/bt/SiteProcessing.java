package org.bitweb.bt;

import bt.torrent.data.DataWorker;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.event.EventSink;
import bt.event.EventSource;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.module.ClientExecutor;
import bt.module.MessagingAgents;
import bt.net.IConnectionSource;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.InetPeer;
import bt.peer.IPeerRegistry;
import bt.processor.ProcessingContext;
import bt.processor.ProcessingStage;
import bt.processor.Processor;
import bt.processor.ProcessorFactory;
import bt.processor.TerminateOnErrorProcessingStage;
import bt.processor.listener.ListenerSource;
import bt.processor.listener.ProcessingEvent;
import bt.processor.magnet.InitializeMagnetTorrentProcessingStage;
import bt.processor.magnet.MagnetContext;
import bt.processor.torrent.ChooseFilesStage;
import bt.processor.torrent.CreateSessionStage;
import bt.processor.torrent.FetchTorrentStage;
import bt.processor.torrent.InitializeTorrentProcessingStage;
import bt.processor.torrent.TorrentContext;
import bt.runtime.Config;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.messaging.BitfieldCollectingConsumer;
import bt.torrent.messaging.MessageContext;
import bt.torrent.messaging.MessageRouter;
import bt.torrent.messaging.RequestProducer;
import bt.data.DataDescriptor;
import bt.protocol.Message;
import com.google.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * bt's processing of a torrent, without a thread per torrent (issue 16, issue 12).
 *
 * <p>bt runs each torrent as a chain of stages on a thread of its own that stays for the
 * torrent's life: its metadata stage waits on a monitor until the metadata comes (a lookup for a
 * site nobody has held its thread even after it was stopped), its download stage waits for every
 * piece (a visited site is never downloaded whole), and its seeding stage sleeps in a one-second
 * loop until the torrent stops. 1,000 seeded sites were 1,000 sleeping threads.
 *
 * <p>Here the same stages run on bt's client executor only while they have work: set-up, then
 * (for a magnet) nothing until {@link MetadataFetch} completes, then the rest of the set-up, and
 * then nothing at all while the torrent is active. The future a client gets completes when the
 * client stops it, and only then is the torrent finalized (stopped, unregistered). bt's
 * {@code DOWNLOAD_COMPLETE} event is therefore never fired: BitWeb does not use it.
 */
public final class SiteProcessing implements ProcessorFactory {
    private static final Logger log = LoggerFactory.getLogger(SiteProcessing.class);

    private final TorrentRegistry torrents;
    private final DataWorker dataWorker;
    private final IBufferedPieceRegistry bufferedPieces;
    private final ExecutorService executor;
    private final IPeerRegistry peers;
    private final IConnectionSource connections;
    private final IPeerConnectionPool connectionPool;
    private final IMessageDispatcher dispatcher;
    private final Set<Object> agents;
    private final IMetadataService metadata;
    private final EventSource events;
    private final EventSink sink;
    private final Config config;
    private final boolean earlyInterest = EarlyInterest.enabled();
    private final boolean shortRequests = ShortRequestProducer.enabled();

    @Inject
    public SiteProcessing(TorrentRegistry torrents, DataWorker dataWorker, IBufferedPieceRegistry bufferedPieces,
                          @ClientExecutor ExecutorService executor, IPeerRegistry peers,
                          IConnectionSource connections, IPeerConnectionPool connectionPool,
                          IMessageDispatcher dispatcher, @MessagingAgents Set<Object> agents,
                          IMetadataService metadata, EventSource events, EventSink sink, Config config,
                          Bandwidth bandwidth) {
        this.torrents = torrents;
        // pieces come back as long as they were asked for: a shortened block is filled in as it is written
        DataWorker padded = shortRequests ? new PaddedBlocks(dataWorker, torrents) : dataWorker;
        // each block counted for its site as it came, before any padding is added
        this.dataWorker = new CountedBlocks(padded, bandwidth);
        this.bufferedPieces = bufferedPieces;
        this.executor = executor;
        this.peers = peers;
        this.connections = connections;
        this.connectionPool = connectionPool;
        this.dispatcher = dispatcher;
        this.agents = agents;
        this.metadata = metadata;
        this.events = events;
        this.sink = sink;
        this.config = config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <C extends ProcessingContext> Processor<C> processor(Class<C> contextType) {
        if (contextType == MagnetContext.class) {
            return (Processor<C>) (Processor<MagnetContext>) this::processMagnet;
        }
        if (contextType == TorrentContext.class) {
            return (Processor<C>) (Processor<TorrentContext>) this::processTorrent;
        }
        throw new IllegalArgumentException("no processing for " + contextType.getName());
    }

    private CompletableFuture<?> processTorrent(TorrentContext context, ListenerSource<TorrentContext> listeners) {
        CompletableFuture<Void> life = new CompletableFuture<>();
        Chain<TorrentContext> setUp = new Chain<>(context, listeners, life);
        ProcessingStage<TorrentContext> start = new Start<>(setUp.end);
        ProcessingStage<TorrentContext> choose = new ChooseFilesStage<>(start, torrents, config);
        ProcessingStage<TorrentContext> init = shortRequests(new InitializeTorrentProcessingStage<>(choose, connectionPool,
                torrents, dataWorker, bufferedPieces, sink, config));
        ProcessingStage<TorrentContext> session = new CreateSessionStage<>(init, torrents, events, connections,
                dispatcher, agents, config);
        setUp.runAsync(new FetchTorrentStage(session, sink), executor);
        finalizeWhenDone(context, life);
        return life;
    }

    private CompletableFuture<?> processMagnet(MagnetContext context, ListenerSource<MagnetContext> listeners) {
        CompletableFuture<Void> life = new CompletableFuture<>();
        TorrentId id = context.getMagnetUri().getTorrentId();
        MetadataFetch fetch = new MetadataFetch(id, metadata, config.getMetadataExchangeMaxSize());
        EarlyInterest interest = earlyInterest ? new EarlyInterest() : null;
        BitfieldCollectingConsumer bitfields = new BitfieldCollectingConsumer();

        Chain<MagnetContext> setUp = new Chain<>(context, listeners, life);
        ProcessingStage<MagnetContext> ask = new AskForMetadata(setUp.end, fetch, interest, bitfields);
        setUp.runAsync(new CreateSessionStage<>(ask, torrents, events, connections, dispatcher, agents, config), executor);

        setUp.done.thenCompose(ignored -> fetch.fetched()).whenCompleteAsync((torrent, error) -> {
            if (life.isDone()) {
                return; // stopped meanwhile
            }
            if (error != null) {
                life.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
                return;
            }
            context.getRouter().unregisterMessagingAgent(fetch);
            context.setTorrent(torrent);
            sink.fireMetadataAvailable(id, torrent);
            context.setBitfieldConsumer(bitfields);
            Chain<MagnetContext> rest = new Chain<>(context, listeners, life);
            ProcessingStage<MagnetContext> start = new Start<>(rest.end);
            ProcessingStage<MagnetContext> choose = new ChooseFilesStage<>(start, torrents, config);
            ProcessingStage<MagnetContext> init = shortRequests(new InitializeMagnetTorrentProcessingStage(choose,
                    connectionPool, torrents, dataWorker, bufferedPieces, sink, config));
            try {
                // the site checks the metadata here: refusing it ends the torrent's life
                rest.run(rest.listen(ProcessingEvent.TORRENT_FETCHED, init));
            } catch (RuntimeException e) {
                life.completeExceptionally(e);
            } finally {
                // only now: bt's own consumer of (un)chokes came with the set-up, so none falls in a gap;
                // bt decides interest from here on
                if (interest != null) {
                    context.getRouter().unregisterMessagingAgent(interest);
                }
            }
        }, executor);
        finalizeWhenDone(context, life);
        return life;
    }

    /**
     * bt's set-up of a torrent's messaging, with {@link ShortRequestProducer} in place of bt's
     * request producer: the stage registers bt's on the context's router, which cannot take an
     * agent off again (bt 1.10's router ignores that), so the router it registers on swaps it.
     */
    private <C extends TorrentContext> ProcessingStage<C> shortRequests(ProcessingStage<C> init) {
        if (!shortRequests) {
            return init;
        }
        return new ProcessingStage<>() {
            @Override
            public ProcessingEvent after() {
                return init.after();
            }

            @Override
            public ProcessingStage<C> execute(C context) {
                MessageRouter router = context.getRouter();
                context.setRouter(new SwappingRouter(router, context));
                try {
                    return init.execute(context);
                } finally {
                    context.setRouter(router);
                }
            }
        };
    }

    /** A torrent's router while bt sets it up: bt's request producer is registered wrapped. */
    private final class SwappingRouter implements MessageRouter {
        private final MessageRouter router;
        private final TorrentContext context;

        SwappingRouter(MessageRouter router, TorrentContext context) {
            this.router = router;
            this.context = context;
        }

        @Override
        public void registerMessagingAgent(Object agent) {
            if (agent instanceof RequestProducer requests) {
                TorrentId id = context.getTorrentId().orElseThrow();
                DataDescriptor data = torrents.getDescriptor(id).orElseThrow().getDataDescriptor();
                router.registerMessagingAgent(new ShortRequestProducer(requests, data::getChunkDescriptors));
            } else {
                router.registerMessagingAgent(agent);
            }
        }

        @Override
        public void unregisterMessagingAgent(Object agent) {
            router.unregisterMessagingAgent(agent);
        }

        @Override
        public void consume(Message message, MessageContext messageContext) {
            router.consume(message, messageContext);
        }

        @Override
        public void produce(Consumer<Message> messages, MessageContext messageContext) {
            router.produce(messages, messageContext);
        }
    }

    /** What bt's finalizer does once processing ends: the torrent stops and leaves the registry. */
    private <C extends TorrentContext> void finalizeWhenDone(C context, CompletableFuture<Void> life) {
        life.whenComplete((ok, error) -> context.getTorrentId().ifPresent(id -> {
            torrents.getDescriptor(id).ifPresent(TorrentDescriptor::stop);
            sink.fireTorrentStopped(id);
        }));
    }

    /**
     * Stages run one after the other, as bt's chain runs them, with the listeners of each stage's
     * event. A stage that fails returns no next stage (bt's stages log their own errors): the
     * torrent's life then ends. Reaching {@link #end} completes {@link #done}.
     */
    private static final class Chain<C extends ProcessingContext> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final ProcessingStage<C> end = new End<>(done);
        private final C context;
        private final ListenerSource<C> listeners;
        private final CompletableFuture<Void> life;

        Chain(C context, ListenerSource<C> listeners, CompletableFuture<Void> life) {
            this.context = context;
            this.listeners = listeners;
            this.life = life;
        }

        /** Runs the stages on bt's client executor, whose threads exist only while they have work. */
        void runAsync(ProcessingStage<C> first, ExecutorService executor) {
            CompletableFuture.runAsync(() -> run(first), executor);
        }

        void run(ProcessingStage<C> first) {
            ProcessingStage<C> stage = first;
            try {
                while (stage != null && stage != end && !life.isDone()) {
                    ProcessingStage<C> next = stage.execute(context);
                    if (next == null) {
                        throw new IllegalStateException("setting up the torrent failed at " + stage.getClass().getSimpleName());
                    }
                    stage = stage.after() == null ? next : listen(stage.after(), next);
                }
                if (stage == end) {
                    end.execute(context);
                }
            } catch (RuntimeException e) {
                log.debug("torrent processing ended: {}", e.toString());
                life.completeExceptionally(e);
            }
        }

        /** Runs the listeners of an event; they may change the next stage (bt's contract). */
        ProcessingStage<C> listen(ProcessingEvent event, ProcessingStage<C> next) {
            for (BiFunction<C, ProcessingStage<C>, ProcessingStage<C>> listener : listeners.getListeners(event)) {
                next = listener.apply(context, next);
            }
            return next;
        }
    }

    /** The chain's end: set-up is over. */
    private record End<C extends ProcessingContext>(CompletableFuture<Void> done) implements ProcessingStage<C> {
        @Override
        public ProcessingEvent after() {
            return null;
        }

        @Override
        public ProcessingStage<C> execute(C context) {
            done.complete(null);
            return null;
        }
    }

    /** bt's ProcessTorrentStage without its wait for every piece: the torrent starts exchanging pieces. */
    private final class Start<C extends TorrentContext> extends TerminateOnErrorProcessingStage<C> {
        Start(ProcessingStage<C> next) {
            super(next);
        }

        @Override
        protected void doExecute(C context) {
            TorrentId id = context.getTorrentId().orElseThrow();
            torrents.getDescriptor(id).orElseThrow().start();
            sink.fireTorrentStarted(id);
            peers.triggerPeerCollection(id);
        }

        @Override
        public ProcessingEvent after() {
            return null;
        }
    }

    /**
     * bt's FetchMetadataStage without its wait: asks peers for the metadata, and tells those that
     * have pieces that we are interested ({@link EarlyInterest}), and returns.
     */
    private final class AskForMetadata extends TerminateOnErrorProcessingStage<MagnetContext> {
        private final MetadataFetch fetch;
        private final EarlyInterest interest;
        private final BitfieldCollectingConsumer bitfields;

        AskForMetadata(ProcessingStage<MagnetContext> next, MetadataFetch fetch, EarlyInterest interest,
                       BitfieldCollectingConsumer bitfields) {
            super(next);
            this.fetch = fetch;
            this.interest = interest;
            this.bitfields = bitfields;
        }

        @Override
        protected void doExecute(MagnetContext context) {
            TorrentId id = context.getMagnetUri().getTorrentId();
            context.getRouter().registerMessagingAgent(fetch);
            if (interest != null) {
                context.getRouter().registerMessagingAgent(interest);
            }
            // bitfields and haves that come before the metadata, for when the piece count is known
            context.getRouter().registerMessagingAgent(bitfields);
            torrents.getDescriptor(id).orElseThrow().start();
            context.getMagnetUri().getPeerAddresses().forEach(peer -> peers.addPeer(id, InetPeer.build(peer)));
        }

        @Override
        public ProcessingEvent after() {
            return null;
        }
    }

}
