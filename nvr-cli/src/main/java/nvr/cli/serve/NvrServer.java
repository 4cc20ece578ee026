package nvr.cli.serve;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import nvr.cli.CliException;
import nvr.cli.admin.AdminServer;
import nvr.cli.admin.TokenFile;
import nvr.cli.config.NvrConfig;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * A running recorder: wires storage, ingest, SIP, playback, retention and the admin API from one
 * {@link NvrConfig}, and takes them down in reverse order (last: flush and fsync the store) on SIGTERM.
 */
public final class NvrServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NvrServer.class.getName());

    private final NvrConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile boolean ready;
    private volatile boolean closed;

    private NvrServer(NvrConfig config) {
        this.config = config;
    }

    /** {@code nvr serve}: starts, prints where things are, blocks until SIGTERM/Ctrl-C, shuts down cleanly. */
    public static int runUntilStopped(NvrConfig config, boolean demo) {
        Logging.configure(config.log().level());
        NvrServer server = start(config, demo);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: SIGTERM/interrupt received");
            server.close();
            stopped.countDown();
        }, "nvr-shutdown"));
        System.out.println("nvr is running: admin http://" + config.admin().host() + ":" + config.admin().port()
                + " (token in " + TokenFile.path(config.firstRoot()) + "), SIP " + config.sip().id() + " on port "
                + config.sip().port() + (demo ? ", demo cameras on" : ""));
        System.out.println("try: bin/nvr cameras list --config " + config.file() + "    (Ctrl-C stops it)");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    public static NvrServer start(NvrConfig config, boolean demo) {
        NvrServer s = new NvrServer(config);
        try {
            s.startComponents(demo);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startComponents(boolean demo) {
        toClose.push(DataRootLock.acquire(config.storage().roots()));
        PrometheusMeterRegistry meters = Metrics.create();
        NvrConfig.Storage st = config.storage();
        Store store;
        try {
            store = Store.open(new StoreConfig(st.roots(), st.segmentMaxSeconds(), st.segmentMaxBytes(), st.fsyncMs(),
                    st.writerQueueBytes()), meters);
        } catch (IOException e) {
            throw CliException.failed("cannot open storage in " + st.roots() + ": " + e.getMessage());
        }
        toClose.push(() -> {
            store.flush();
            store.close();
            LOG.info("storage flushed and closed");
        });
        AdminService admin = new AdminService(config, store);
        String token;
        try {
            token = TokenFile.create(config.firstRoot());
        } catch (IOException e) {
            throw CliException.failed("cannot write the admin token in " + config.firstRoot() + ": " + e.getMessage());
        }
        AdminServer http;
        try {
            http = new AdminServer(new InetSocketAddress(config.admin().host(), config.admin().port()), token, admin, meters::scrape);
        } catch (BindException e) {
            throw CliException.failed("admin.listen " + config.admin().host() + ":" + config.admin().port()
                    + " is in use by another program; stop it or change admin.listen in " + config.file());
        } catch (IOException e) {
            throw CliException.failed("cannot open admin.listen " + config.admin().host() + ":" + config.admin().port() + ": " + e.getMessage());
        }
        http.start();
        toClose.push(http);
        ready = true;
        admin.markReady();
        LOG.info("ready: admin=" + config.admin().host() + ":" + config.admin().port() + " roots=" + st.roots()
                + " cameras=" + config.cameras().size());
    }

    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "shutdown step failed: " + e, e);
            }
        }
    }
}
