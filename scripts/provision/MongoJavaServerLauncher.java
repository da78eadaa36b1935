// Starts mongo-java-server (de.bwaldvogel) for the local stack. Compiled by
// scripts/provision.ts into the cache, next to the library's jars.
//
//   java -cp "<lib>/*:<classes>" MongoJavaServerLauncher --host 127.0.0.1 --port 27017 [--h2 <file>]
//
// Without --h2 the data lives in memory (tests, benchmarks); with it, in one H2
// MVStore file that survives restarts (npm start). Port 0 takes a free port. Once
// it accepts connections it prints one line, "mongo-java-server ready on host:port",
// which the launcher in scripts/stack/infra.ts may wait for.
import java.net.InetSocketAddress;
import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

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

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 27017;
        String h2File = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) usage("missing value after " + arg);
            switch (arg) {
                case "--host" -> host = args[++i];
                case "--port" -> port = parsePort(args[++i]);
                case "--h2" -> h2File = args[++i];
                default -> usage("unknown argument " + arg);
            }
        }

        MongoBackend backend = h2File == null ? new MemoryBackend() : new H2Backend(h2File);
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress(host, port));

        // Runs on SIGTERM and SIGINT: shutdownNow() closes the clients, then the backend,
        // and closing the H2 backend commits and closes its file, so nothing acknowledged is lost.
        Thread stopper = new Thread(() -> {
            server.shutdownNow();
            System.out.println("mongo-java-server stopped");
            System.out.flush();
        }, "mongo-java-server-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        InetSocketAddress bound = server.getLocalAddress();
        System.out.println("mongo-java-server ready on " + bound.getHostString() + ":" + bound.getPort()
            + " (" + (h2File == null ? "memory" : "h2 " + h2File) + ", reports MongoDB "
            + REPORTED_VERSION.toVersionString() + ")");
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
        System.err.println("usage: MongoJavaServerLauncher [--host 127.0.0.1] [--port 27017] [--h2 <file>]");
        System.exit(2);
    }
}
