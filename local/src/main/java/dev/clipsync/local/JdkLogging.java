package dev.clipsync.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

/**
 * java.util.logging has one root logger per JVM. Spring Boot bridges it to the
 * application's own logging, but only the first application in a JVM does, so Tomcat's
 * messages (it logs through java.util.logging) of every hosted service would end up in
 * one log. This handler, on the root in place of Boot's bridges, passes each record to
 * the bridge of the service whose code logged it, known by the thread's context class
 * loader (Tomcat's threads have the service's or a child of it), and anything else to the
 * launcher's own log.
 */
final class JdkLogging extends Handler {

	private static final String BRIDGE = "org.slf4j.bridge.SLF4JBridgeHandler";

	private static final JdkLogging INSTANCE = new JdkLogging();

	private final Map<ClassLoader, Handler> bridges = new ConcurrentHashMap<>();

	private @Nullable Handler launcher;

	private JdkLogging() {
	}

	/**
	 * Takes the root logger, before any Spring Boot application of this JVM starts (Boot
	 * then leaves it alone: it bridges only a root with no handler but the console's).
	 */
	static synchronized void install() {
		Logger root = LogManager.getLogManager().getLogger("");
		for (Handler handler : root.getHandlers()) {
			if (handler == INSTANCE) {
				return;
			}
			root.removeHandler(handler);
		}
		INSTANCE.launcher = bridge(JdkLogging.class.getClassLoader());
		root.addHandler(INSTANCE);
	}

	/** Records logged by code of {@code loader} go to its bridge to its own log. */
	static void route(ClassLoader loader) {
		Handler bridge = bridge(loader);
		if (bridge != null) {
			INSTANCE.bridges.put(loader, bridge);
		}
	}

	private static @Nullable Handler bridge(@Nullable ClassLoader loader) {
		try {
			return (Handler) Class.forName(BRIDGE, true, loader).getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// no bridge there: its records are dropped
			return null;
		}
	}

	@Override
	public void publish(LogRecord record) {
		Handler handler = this.launcher;
		for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader
			.getParent()) {
			Handler bridge = this.bridges.get(loader);
			if (bridge != null) {
				handler = bridge;
				break;
			}
		}
		if (handler != null) {
			handler.publish(record);
		}
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
