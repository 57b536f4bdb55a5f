package stege.neo4jserver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j 5.26 Community, embedded, with only the Bolt connector, for tests.
 *
 * <pre>
 *   java -jar target/neo4j-server.jar [PORT|0|auto] [DATA_DIR]
 * </pre>
 *
 * Listens on 127.0.0.1 only, auth disabled, no TLS. PORT 0 / "auto" (the
 * default) lets the OS pick a free port, read back after the bind, so there
 * is no race between choosing and binding. DATA_DIR defaults to a fresh temp
 * directory that is deleted on exit; a DATA_DIR given on the command line is
 * left in place (its owner cleans it up).
 *
 * stdout carries exactly one line, {@code NEO4J_READY bolt://127.0.0.1:PORT},
 * once the default database "neo4j" accepts Bolt sessions. Everything else
 * (Neo4j's own logging included) goes to stderr. SIGTERM/SIGINT shut the
 * database down cleanly through a shutdown hook, and so does the end of the
 * process named by -Dstege.parent (a PID; run.sh passes
 * NEO4J_SERVER_PARENT_PID), when set.
 */
public final class Main {
    private static final String HOST = "127.0.0.1";
    private static final String DATABASE = "neo4j";

    public static void main(String[] args) {
        try {
            run(args);
        } catch (UsageException e) {
            // A bad argument: say which, no stack trace (exit 2, as for usage errors).
            System.err.println("neo4j-server: " + e.getMessage());
            System.exit(2);
        } catch (Throwable t) {
            // e.g. port in use, an unusable DATA_DIR: report and exit non-zero
            // (the shutdown hook, if registered, still cleans up).
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        // Keep stdout clean for the ready line: anything that prints to
        // System.out from here on (log4j console appenders etc.) lands on stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        int port = parsePort(args.length > 0 ? args[0] : "auto");
        boolean ownDir = args.length < 2;
        Path home = ownDir ? Files.createTempDirectory("stege-neo4j-")
                           : Files.createDirectories(Path.of(args[1]));

        // Shutdown hook first, so that SIGTERM at any point (or a failed
        // start) still stops Neo4j cleanly and removes our temp directory.
        AtomicReference<DatabaseManagementService> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DatabaseManagementService dbms = running.getAndSet(null);
            if (dbms != null) {
                System.err.println("neo4j-server: shutting down");
                try {
                    dbms.shutdown();  // checkpoints and closes the stores
                } catch (Throwable t) {
                    t.printStackTrace();
                }
            }
            if (ownDir) {
                deleteTree(home);
            }
            System.err.println("neo4j-server: stopped");
            stopped.countDown();
        }, "neo4j-server-shutdown"));

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                // Bolt on loopback only; plain text; no HTTP.
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnector.thread_pool_max_size, 50)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Small footprint for a 2-core CI box by default (heap is set by
                // run.sh); benchmarks size it for their store (NEO4J_SERVER_PAGECACHE).
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes())
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(8))
                // No usage-data "phone home" (dbms.usage_report.enabled) from tests.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Test suites wipe and reload tiny data before every test; at
                // Neo4j's 10 s default each statistics swing replans every
                // query (the contract suite's Neo4j half: 360 s at the default,
                // 127 s at 1h). Left at the default unless asked (the bench
                // needs plans that follow its load).
                .setConfig(GraphDatabaseSettings.cypher_min_replan_interval, minReplanInterval())
                // Internal settings (pinned to 5.26): Netty's graceful shutdown
                // otherwise waits a 5 s quiet period per event-loop group, i.e.
                // ~10 s for every stop.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();
        running.set(dbms);
        exitWithParent(System.getProperty("stege.parent", ""));

        // build() returns with Bolt bound; wait until the default database is
        // actually online so the first query does not race its start-up.
        GraphDatabaseService db = dbms.database(DATABASE);
        if (!db.isAvailable(120_000)) {
            System.err.println("neo4j-server: database '" + DATABASE + "' did not become available");
            System.exit(1);
        }
        db.executeTransactionally("RETURN 1");  // warm up the Cypher stack

        // The port actually bound (differs from `port` when port == 0).
        HostnamePort bound = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        stdout.println("NEO4J_READY bolt://" + HOST + ":" + bound.getPort());
        stdout.flush();

        stopped.await();  // park the main thread; the hook does the work
    }

    /**
     * Stops the server (through the shutdown hook) once process {@code pid}
     * has ended. A test run or bench killed with SIGKILL cannot stop the
     * server it started, and an orphaned JVM would keep its heap, page cache
     * and port for good. The handle is taken now, so a later process that
     * reuses the PID is not mistaken for the parent.
     */
    private static void exitWithParent(String pid) {
        if (pid.isBlank()) {
            return;
        }
        long parent = Long.parseLong(pid.trim());
        ProcessHandle handle = ProcessHandle.of(parent).orElse(null);
        Thread watcher = new Thread(() -> {
            while (handle != null && handle.isAlive()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("neo4j-server: process " + parent + " has ended; stopping");
            System.exit(0);
        }, "neo4j-server-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Least time between replans of a query, from -Dstege.minReplan (e.g. "1h"); Neo4j's 10 s when unset. */
    private static Duration minReplanInterval() {
        String value = System.getProperty("stege.minReplan", "").trim();
        if (value.isEmpty()) {
            return GraphDatabaseSettings.cypher_min_replan_interval.defaultValue();
        }
        try {
            return SettingValueParsers.DURATION.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "NEO4J_SERVER_MIN_REPLAN must be a duration such as 10s or 1h, got '" + value + "'");
        }
    }

    /** Page cache size from -Dstege.pagecache (e.g. "64m", "2g"); 64 MiB when unset. */
    private static long pageCacheBytes() {
        String value = System.getProperty("stege.pagecache", "64m").trim().toLowerCase();
        if (!value.matches("[0-9]+[kmg]?")) {
            throw new IllegalArgumentException(
                    "stege.pagecache must be a size such as 64m or 2g, got '" + value + "'");
        }
        char unit = value.charAt(value.length() - 1);
        long number = Long.parseLong(Character.isDigit(unit) ? value : value.substring(0, value.length() - 1));
        return switch (unit) {
            case 'k' -> ByteUnit.kibiBytes(number);
            case 'm' -> ByteUnit.mebiBytes(number);
            case 'g' -> ByteUnit.gibiBytes(number);
            default -> number;
        };
    }

    /** A command-line argument that cannot be used, named in the message. */
    private static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    private static int parsePort(String arg) {
        if (arg.isEmpty() || arg.equals("auto")) {
            return 0;
        }
        int p;
        try {
            p = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw new UsageException(
                "PORT must be 0-65535 or \"auto\", got \"" + arg + "\" (run.sh --help)");
        }
        return p;
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-server: could not delete " + root + ": " + e);
        }
    }

    private Main() {}
}
