// Starts mongo-java-server (de.bwaldvogel) for the local stack. Compiled by
// scripts/provision.ts into the cache, next to the library's jars.
//
//   java -cp "<lib>/*:<classes>" MongoJavaServerLauncher --host 127.0.0.1 --port 27017
//        [--h2 <file> [--h2-commit per-write|background]]
//
// Without --h2 the data lives in memory (tests, benchmarks); with it, in one H2
// MVStore file that survives restarts (npm start). Port 0 takes a free port. Once
// it accepts connections it prints one line, "mongo-java-server ready on host:port",
// which the launcher in scripts/stack/infra.ts may wait for.
//
// --h2-commit per-write (the default) commits every write command to the file before
// answering it, so an acknowledged write survives a kill -9 of this process; see
// DurableH2Backend. `background` is the library's own H2Backend, which writes changes
// out about once a second (acknowledged writes of the last second die with the
// process); it is kept for the benchmark that measures what per-write costs.
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

public final class MongoJavaServerLauncher {

    // The library reports MongoDB 5.0 with wire version 8 by default; the official
    // Node driver 7.x refuses anything below wire version 9 (MongoDB 4.4), so the
    // server says it is a 7.0 (wire version 21), the version the stores target.
    private static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(7, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 21;
        }
    };

    private MongoJavaServerLauncher() {
    }

    /**
     * An H2 backend whose every write is in the file (handed to the OS) before it is
     * acknowledged, and whose file stays bounded.
     * <ul>
     * <li>The MVStore is opened without its background writer: every store of the file
     * happens here, in commit(), called after each command that is not a known read
     * (any unknown command counts as a write), before the answer goes out. A commit
     * stores whatever every client changed so far, so concurrent clients share stores.</li>
     * <li>commit() write()s but does not fsync. A thread fsyncs the file once a second,
     * so a power cut of the machine (not of this process) may lose the writes
     * acknowledged within about the last second.</li>
     * <li>MVStore appends changes as new chunks and reuses the space of chunks no longer
     * needed once they are older than a retention time (45 s by default: with a commit
     * per write the file grew by hundreds of MB per minute of writes). Here the
     * retention is 0, and instead the fsync thread keeps the versions written since
     * its last fsync in use, so a chunk is overwritten only once the chunks that
     * replaced it are on disk: after a power cut the file still opens on its last
     * synced state.</li>
     * </ul>
     */
    static final class DurableH2Backend extends H2Backend {
        // Commands that never change data; any other (insert, update, delete,
        // findAndModify, createIndexes, drop, aggregate with $out, ...) is committed.
        private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "dbstats", "collstats", "validate", "ping", "hello", "ismaster",
            "buildinfo", "serverstatus", "whatsmyuri", "killcursors", "endsessions", "getlasterror", "getparameter",
            "connectionstatus", "hostinfo", "explain");
        private static final long SYNC_EVERY_MS = 1_000;

        private final MVStore store;
        // Held while storing: the fsync thread pins a version between two stores, never during one.
        private final Object storing = new Object();

        DurableH2Backend(String file) {
            this(new MVStore.Builder().fileName(file).autoCommitDisabled()
                // 0: no store from inside a write that outgrew a memory budget (outside `storing`).
                .autoCommitBufferSize(0).open());
        }

        private DurableH2Backend(MVStore store) {
            super(store);
            this.store = store;
            store.setRetentionTime(0);
            Thread syncer = new Thread(this::syncLoop, "mvstore-fsync");
            syncer.setDaemon(true);
            syncer.start();
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            try {
                return super.handleCommand(channel, database, command, query);
            } finally {
                // Also when the command failed half-way (e.g. a duplicate key in the third of five inserts).
                if (!READS.contains(command.toLowerCase(Locale.ROOT))) {
                    synchronized (storing) {
                        store.commit();
                    }
                }
            }
        }

        private void syncLoop() {
            MVStore.TxCounter synced = null;
            while (!store.isClosed()) {
                try {
                    MVStore.TxCounter pin;
                    synchronized (storing) {
                        pin = store.registerVersionUsage(); // every version below it is written
                    }
                    store.sync();
                    // Now on disk: the chunks that those versions made obsolete may be overwritten.
                    store.deregisterVersionUsage(synced);
                    synced = pin;
                    Thread.sleep(SYNC_EVERY_MS);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (store.isClosed()) return; // closing: close() syncs the file itself
                    e.printStackTrace();
                }
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 27017;
        String h2File = null;
        String h2Commit = "per-write";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) usage("missing value after " + arg);
            switch (arg) {
                case "--host" -> host = args[++i];
                case "--port" -> port = parsePort(args[++i]);
                case "--h2" -> h2File = args[++i];
                case "--h2-commit" -> h2Commit = args[++i];
                default -> usage("unknown argument " + arg);
            }
        }
        if (!h2Commit.equals("per-write") && !h2Commit.equals("background")) usage("--h2-commit is per-write or background");

        MongoBackend backend = h2File == null ? new MemoryBackend()
            : h2Commit.equals("per-write") ? new DurableH2Backend(h2File) : new H2Backend(h2File);
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress(host, port));

        // Runs on SIGTERM and SIGINT: shutdownNow() closes the clients, then the backend,
        // and closing the H2 backend commits, syncs and closes its file.
        Thread stopper = new Thread(() -> {
            server.shutdownNow();
            System.out.println("mongo-java-server stopped");
            System.out.flush();
        }, "mongo-java-server-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        InetSocketAddress bound = server.getLocalAddress();
        String storage = h2File == null ? "memory" : "h2 " + h2File + ", commit " + h2Commit;
        System.out.println("mongo-java-server ready on " + bound.getHostString() + ":" + bound.getPort()
            + " (" + storage + ", reports MongoDB " + REPORTED_VERSION.toVersionString() + ")");
        System.out.flush();
        // Netty's event loops keep the JVM alive; the main thread has nothing left to do.
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) usage("port out of range: " + value);
            return port;
        } catch (NumberFormatException e) {
            usage("not a port: " + value);
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println(
            "usage: MongoJavaServerLauncher [--host 127.0.0.1] [--port 27017] [--h2 <file> [--h2-commit per-write|background]]");
        System.exit(2);
    }
}
