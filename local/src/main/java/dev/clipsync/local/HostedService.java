package dev.clipsync.local;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.jspecify.annotations.Nullable;

/**
 * One service of the fleet run inside the launcher's JVM (decision 3): its Spring Boot
 * application started from the unpacked jar in a class loader of its own, whose parent is
 * the platform class loader, so it shares no class with the launcher or another service
 * (each has its own Spring, Tomcat and Logback). What a JVM has only one of is left
 * alone: it is configured by its application arguments alone (no system properties),
 * registers no shutdown hook (the launcher stops it in the fleet's order), writes nothing
 * on the console (its log goes to its file in the data folder), and does not take the
 * JVM's one URL stream handler factory, which Tomcat would.
 */
final class HostedService implements Service {

	private static final String TOMCAT_URL_FACTORY = "org.apache.catalina.webresources.TomcatURLStreamHandlerFactory";

	private final String name;

	private final int port;

	private final URLClassLoader loader;

	private final long startedAt = System.nanoTime();

	/** The running application context, once started. */
	private final CompletableFuture<AutoCloseable> context = new CompletableFuture<>();

	private HostedService(String name, int port, URLClassLoader loader) {
		this.name = name;
		this.port = port;
		this.loader = loader;
	}

	/**
	 * Starts the service without waiting for it to be ready.
	 * @param jar the unpacked jar, whose manifest names the main class and the libraries
	 */
	static HostedService start(String name, Path jar, int port, Map<String, String> settings, Path logs)
			throws IOException {
		String mainClass;
		try (JarFile file = new JarFile(jar.toFile())) {
			mainClass = file.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
		}
		// the loader follows the jar manifest's Class-Path to the libraries beside it
		URLClassLoader loader = new URLClassLoader(name, new URL[] { jar.toUri().toURL() },
				ClassLoader.getPlatformClassLoader());
		JdkLogging.route(loader);
		List<String> args = new ArrayList<>();
		args.add("--server.port=" + port);
		args.add("--spring.main.register-shutdown-hook=false");
		args.add("--logging.register-shutdown-hook=false");
		args.add("--spring.main.banner-mode=log");
		args.add("--logging.console.enabled=false");
		args.add("--logging.file.name=" + logs.resolve(name + ".log").toAbsolutePath());
		settings.forEach((key, value) -> args.add("--" + key + "=" + value));
		HostedService service = new HostedService(name, port, loader);
		Thread.ofPlatform().name(name + "-start").start(() -> service.run(mainClass, args.toArray(String[]::new)));
		return service;
	}

	private void run(String mainClass, String[] args) {
		// threads the application starts inherit its class loader from this one
		Thread.currentThread().setContextClassLoader(this.loader);
		try {
			try {
				Class.forName(TOMCAT_URL_FACTORY, true, this.loader).getMethod("disable").invoke(null);
			}
			catch (ClassNotFoundException ex) {
				// not on Tomcat
			}
			Class<?> springApplication = Class.forName("org.springframework.boot.SpringApplication", true, this.loader);
			Class<?> main = Class.forName(mainClass, true, this.loader);
			Object application = springApplication.getConstructor(Class[].class)
				.newInstance((Object) new Class<?>[] { main });
			// its log names it (Spring Boot looks for a main method on the stack)
			springApplication.getMethod("setMainApplicationClass", Class.class).invoke(application, main);
			// a ConfigurableApplicationContext, which is Closeable
			this.context.complete((AutoCloseable) springApplication.getMethod("run", String[].class)
				.invoke(application, (Object) args));
		}
		catch (InvocationTargetException ex) {
			// Spring Boot has logged why, in the service's log
			this.context.completeExceptionally(ex.getCause());
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			this.context.completeExceptionally(ex);
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public long startedAt() {
		return this.startedAt;
	}

	@Override
	public @Nullable String failure() {
		if (!this.context.isCompletedExceptionally()) {
			return null;
		}
		Throwable cause = this.context.exceptionNow();
		String message = (cause.getMessage() != null) ? cause.getMessage().lines().findFirst().orElse("") : "";
		return "failed to start (" + cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message) + ")";
	}

	/** Closes its application context (it drains), then its class loader. */
	@Override
	public void close() {
		try {
			// a start under way is let finish, so that nothing it starts stays behind
			this.context.get(2, TimeUnit.MINUTES).close();
		}
		catch (ExecutionException ex) {
			// it never started
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			if (ex instanceof TimeoutException) {
				System.err.println(this.name + " did not finish starting; stopping without it");
			}
			else {
				System.err.println("While stopping " + this.name + ": " + ex.getMessage());
			}
		}
		try {
			this.loader.close();
		}
		catch (IOException ex) {
			// its jars stay open until the JVM exits
		}
	}

}
