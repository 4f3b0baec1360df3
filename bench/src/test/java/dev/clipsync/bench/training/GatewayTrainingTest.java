package dev.clipsync.bench.training;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training the gateway's image is built with, on the jar this build made, extracted
 * as the image extracts it: it must write a cache that the gateway then starts with under
 * {@code -XX:AOTMode=on} (the training's own last step, which fails the run otherwise).
 */
class GatewayTrainingTest {

	private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

	@TempDir
	Path work;

	@Test
	void writesACacheTheGatewayStartsWith() throws Exception {
		Path jar = Path.of(System.getProperty("clipsync.gateway.jar"));
		Path extracted = this.work.resolve("app");
		Process extract = new ProcessBuilder(JAVA, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--layers",
				"--destination", extracted.toString())
			.inheritIO()
			.start();
		assertThat(extract.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(extract.exitValue()).isZero();
		// The layers merged, as the image's COPY steps merge them.
		Path app = merge(extracted, jar.getFileName().toString());
		Path cache = this.work.resolve("gateway.aot");

		int exit = new CommandLine(new GatewayTraining()).execute("--jar=" + app, "--cache=" + cache, "--users=100",
				"--rate=50", "--duration=3s", "--logs=" + this.work.resolve("logs"),
				"--java-option=-XX:+UseCompactObjectHeaders");

		assertThat(exit).isZero();
		assertThat(cache).isNotEmptyFile();
	}

	@Test
	void refusesAJarThatIsNotThere() {
		int exit = new CommandLine(new GatewayTraining()).execute("--jar=" + this.work.resolve("missing.jar"),
				"--cache=" + this.work.resolve("gateway.aot"));

		assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
		assertThat(this.work.resolve("gateway.aot")).doesNotExist();
	}

	private Path merge(Path layers, String jarName) throws Exception {
		Path app = this.work.resolve("merged");
		Process copy = new ProcessBuilder("bash", "-c",
				"mkdir -p \"$1\" && for layer in \"$2\"/*/; do cp -a \"$layer\". \"$1\"/; done", "merge",
				app.toString(), layers.toString())
			.inheritIO()
			.start();
		assertThat(copy.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(copy.exitValue()).isZero();
		return app.resolve(jarName);
	}

}
