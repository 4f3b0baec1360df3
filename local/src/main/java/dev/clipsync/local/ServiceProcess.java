package dev.clipsync.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * One service of the fleet, run from its jar in a JVM of its own, its output in the data
 * directory's logs.
 */
final class ServiceProcess implements Service {

	private final String name;

	private final Process process;

	private final int port;

	private final long startedAt = System.nanoTime();

	/**
	 * Long enough to write the AOT cache (a JVM of its own) after the service has
	 * stopped.
	 */
	private final Duration stopTimeout;

	private ServiceProcess(String name, Process process, int port, Duration stopTimeout) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.stopTimeout = stopTimeout;
	}

	static ServiceProcess start(String name, ServiceJars.Launch launch, int port, Map<String, String> settings,
			Map<String, String> environment, Path logs) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		// names the process in ps and for bench/footprint.sh
		command.add("-Dclipsync.local.service=" + name);
		command.addAll(launch.options());
		command.add("-jar");
		command.add(launch.jar().toAbsolutePath().toString());
		command.add("--server.port=" + port);
		command.add("--logging.structured.format.console=");
		settings.forEach((key, value) -> command.add("--" + key + "=" + value));
		ProcessBuilder builder = new ProcessBuilder(Detached.command(command));
		// Secrets go in the environment, not the command line other users can read.
		builder.environment().putAll(JvmOptions.environment());
		builder.environment().putAll(environment);
		Process process = builder.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
			.start();
		return new ServiceProcess(name, process, port,
				launch.recordsCache() ? Duration.ofMinutes(3) : Duration.ofSeconds(20));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	@Override
	public long startedAt() {
		return this.startedAt;
	}

	@Override
	public @Nullable String failure() {
		return this.process.isAlive() ? null : "exited with " + this.process.exitValue();
	}

	/**
	 * SIGTERM first, so it drains and shuts down cleanly; SIGKILL if it takes too long.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
