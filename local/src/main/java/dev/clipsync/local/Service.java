package dev.clipsync.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One service of the fleet, in a process of its own ({@link ServiceProcess}) or in the
 * launcher's JVM ({@link HostedService}); either way ready once its readiness probe says
 * so, and stopped with {@link #close()}.
 */
sealed interface Service extends AutoCloseable permits ServiceProcess, HostedService {

	String name();

	int port();

	/** When it was started, from {@link System#nanoTime()}. */
	long startedAt();

	/** Why it cannot become ready any more (it stopped), or {@code null}. */
	@Nullable String failure();

	/** Stops it (and waits until it has): it drains first, as on a SIGTERM. */
	@Override
	void close();

	/** Wait until the service says it is ready, or fail naming its log. */
	default void awaitReady(Duration timeout, Path logs) throws IOException {
		HttpClient http = HttpClient.newHttpClient();
		URI readiness = URI.create("http://127.0.0.1:" + port() + "/actuator/health/readiness");
		Path log = logs.resolve(name() + ".log");
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String failure = failure();
			if (failure != null) {
				throw new IOException(name() + " " + failure + "; see " + log);
			}
			try {
				if (http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted", ex);
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted", ex);
			}
		}
		throw new IOException(name() + " not ready within " + timeout + "; see " + log);
	}

}
