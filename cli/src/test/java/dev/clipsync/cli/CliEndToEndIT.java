package dev.clipsync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.clipsync.client.ClipSync;
import dev.clipsync.client.Draft;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import dev.clipsync.client.profile.Profile;
import dev.clipsync.client.testfleet.Fleet;
import dev.clipsync.common.testsupport.ForkedService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed {@code clipsync} command against a real fleet (each service from its jar,
 * in a process of its own): two profiles of one account, as two computers would be.
 */
class CliEndToEndIT {

	static final String PASSWORD = "correct horse battery";

	static final JsonMapper json = JsonMapper.builder().build();

	static Fleet fleet;

	@TempDir
	Path config;

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.shared();
	}

	@Test
	void twoProfilesPushWatchHistoryDeleteClearDevicesAndARevokedWatchIsToldItWasSignedOut() throws Exception {
		Cli cli = new Cli(this.config);
		String email = "cli-" + UUID.randomUUID() + "@example.com";
		String server = fleet.server().toString();
		assertThat(cli
			.run(PASSWORD + "\n", "--profile", "laptop", "register", "--server", server, "--email", email, "--device",
					"Laptop", "--password-stdin")
			.expect(0)
			.out()).contains("Account " + email + " created");
		cli.run(PASSWORD + "\n", "--profile", "phone", "login", "--server", server, "--email", email, "--device",
				"Phone", "--password-stdin")
			.expect(0);

		try (Cli.Running watch = cli.start(null, "--profile", "phone", "--json", "watch")) {
			watch.awaitErr("watching");
			assertThat(cli.run(null, "--profile", "laptop", "push", "hello from the laptop").expect(0).out())
				.startsWith("Pushed (#");
			cli.run("piped\nin", "--profile", "laptop", "push").expect(0);
			watch.awaitOut(2);
			JsonNode first = json.readTree(watch.out.get(0));
			assertThat(first.get("data").asString()).isEqualTo("hello from the laptop");
			assertThat(first.get("fromName").asString()).isEqualTo("Laptop");
			assertThat(json.readTree(watch.out.get(1)).get("data").asString()).isEqualTo("piped\nin");
			assertThat(cli.run(null, "--profile", "phone", "paste").expect(0).out()).isEqualTo("piped\nin");

			JsonNode history = json.readTree(cli.run(null, "--profile", "phone", "--json", "history").expect(0).out());
			assertThat(history.get("clips").findValuesAsString("data")).containsExactly("hello from the laptop",
					"piped\nin");
			long firstSeq = history.get("clips").get(0).get("seq").asLong();
			assertThat(cli.run(null, "--profile", "phone", "history").expect(0).out()).contains("Laptop")
				.contains("piped⏎in");
			cli.run(null, "--profile", "phone", "delete", Long.toString(firstSeq)).expect(0);
			assertThat(json.readTree(cli.run(null, "--profile", "phone", "--json", "history").expect(0).out())
				.get("clips")
				.findValuesAsString("data")).containsExactly("piped\nin");
			cli.run(null, "--profile", "laptop", "clear").expect(0);
			assertThat(cli.run(null, "--profile", "phone", "history").expect(0).out()).isEqualTo("No clips.");

			JsonNode devices = json.readTree(cli.run(null, "--profile", "laptop", "--json", "devices").expect(0).out());
			assertThat(devices.findValuesAsString("name")).containsExactlyInAnyOrder("Laptop", "Phone");
			// each command is a JVM start: on a busy machine only a few tries fit a
			// minute
			Awaitility.await()
				.atMost(Duration.ofSeconds(180))
				.until(() -> cli.run(null, "--profile", "laptop", "status")
					.out()
					.matches("(?s).*Phone\\s+linux\\s+online.*"));

			assertThat(cli.run(null, "--profile", "laptop", "revoke", "Phone").expect(0).out())
				.startsWith("Revoked Phone");
			assertThat(watch.awaitExit()).isEqualTo(Exit.AUTH);
			assertThat(watch.err).anyMatch((line) -> line.startsWith("clipsync: signed out"));
			assertThat(watch.out).hasSize(2);
		}
		Cli.Result revoked = cli.run(null, "--profile", "phone", "paste").expect(Exit.AUTH);
		assertThat(revoked.err()).startsWith("clipsync: ").doesNotContain("Exception").doesNotContain("\n");
	}

	@Test
	void badInputAWrongPasswordAndAnUnreachableServerEachGetOneLineAndTheirExitCode() {
		Cli cli = new Cli(this.config);
		String email = "cli-" + UUID.randomUUID() + "@example.com";
		String server = fleet.server().toString();
		cli.run(PASSWORD + "\n", "register", "--server", server, "--email", email, "--password-stdin").expect(0);
		assertOneLine(cli
			.run("wrong password\n", "--profile", "other", "login", "--server", server, "--email", email,
					"--password-stdin")
			.expect(Exit.AUTH));
		assertOneLine(cli
			.run("short\n", "--profile", "other", "register", "--server", server, "--email",
					"x-" + UUID.randomUUID() + "@example.com", "--password-stdin")
			.expect(Exit.REFUSED));
		assertOneLine(cli
			.run(PASSWORD + "\n", "--profile", "other", "login", "--server", "http://127.0.0.1:9", "--email", email,
					"--password-stdin")
			.expect(Exit.UNREACHABLE));
		assertOneLine(cli.run(null, "delete", "twelve").expect(Exit.USAGE));
		assertOneLine(cli.run(null, "--profile", "nobody", "paste").expect(Exit.AUTH));
		assertOneLine(cli.run(null, "revoke", "no-such-device").expect(Exit.REFUSED));
		assertOneLine(cli.run("", "push").expect(Exit.USAGE));
		assertOneLine(cli.run("x".repeat(1_100_000), "push").expect(Exit.REFUSED));
		assertThat(cli.run(null, "generate-completion").expect(0).out()).contains("complete -F");
	}

	@Test
	void aWatchAndAPusherRideOutAGatewayKilledWithSigkillLosingNothingAndShowingNothingTwice() throws Exception {
		Cli cli = new Cli(this.config);
		String email = "cli-" + UUID.randomUUID() + "@example.com";
		cli.run(PASSWORD + "\n", "--profile", "watcher", "register", "--server", fleet.server().toString(), "--email",
				email, "--password-stdin")
			.expect(0);
		ClipSync pusher = ClipSync.login(Profile.open(this.config.resolve("sdk"), "pusher"), fleet.server(), email,
				PASSWORD, "Pusher", "linux");
		try (Cli.Running watch = cli.start(null, "--profile", "watcher", "--json", "watch");
				SyncSession session = pusher.connect(new SyncListener() {
				}, false)) {
			watch.awaitErr("watching");
			Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.until(() -> session.state() == SyncSession.State.CONNECTED);
			List<String> pushed = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				pushed.add("clip " + i);
				session.push(Draft.text("clip " + i));
				if (i == 10) {
					ForkedService victim = fleet.gateways().get(0);
					fleet.killGateway(victim);
					fleet.addGateway();
				}
				Thread.sleep(100);
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(90))
				.until(() -> watch.out.size() >= 30 && session.outboxEmpty());
			Thread.sleep(1000);
			assertThat(watch.out.stream().map((line) -> json.readTree(line).get("data").asString()))
				.containsExactlyElementsOf(pushed);
			// Which gateway the balancer gave the watch varies, so whether the watch
			// itself had to reconnect is not asserted (it failed a clean-clone run when
			// the watch sat on the surviving gateway); the pusher's session always rides
			// out the kill.
		}
	}

	@Test
	void theOutboxSurvivesACliKilledBeforeTheAckWhileStorageIsDown() throws Exception {
		Cli cli = new Cli(this.config);
		String email = "cli-" + UUID.randomUUID() + "@example.com";
		cli.run(PASSWORD + "\n", "register", "--server", fleet.server().toString(), "--email", email,
				"--password-stdin")
			.expect(0);
		Path outbox = this.config.resolve("profiles").resolve("default").resolve("outbox");
		fleet.storageDown();
		try (Cli.Running push = cli.start(null, "push", "copied while the database was down")) {
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(outbox) == 1);
			Thread.sleep(2000);
			assertThat(push.process.isAlive()).isTrue();
			push.kill();
		}
		finally {
			fleet.storageUp();
		}
		assertThat(count(outbox)).isEqualTo(1);
		assertThat(cli.run(null, "status").expect(0).out()).contains("Outbox: 1 clip(s) not stored yet");
		cli.run(null, "push", "--timeout", "180s", "the next push").expect(0);
		assertThat(count(outbox)).isZero();
		assertThat(json.readTree(cli.run(null, "--json", "history").expect(0).out())
			.get("clips")
			.findValuesAsString("data")).containsExactly("copied while the database was down", "the next push");
	}

	private static long count(Path outbox) throws Exception {
		try (Stream<Path> files = Files.list(outbox)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".json")).count();
		}
	}

	private static void assertOneLine(Cli.Result result) {
		assertThat(result.err()).startsWith("clipsync: ")
			.doesNotContain("\n")
			.doesNotContain("Exception")
			.doesNotContain("\tat ");
	}

}
