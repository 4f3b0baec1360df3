package dev.clipsync.cli.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.clipsync.cli.Cli;
import dev.clipsync.client.testfleet.Fleet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Desktop agents on real X displays (Xvfb), each its own {@code clipsync agent} process
 * started from the installed launcher, the clipboard driven with xclip as a user's
 * programs drive it, against a real fleet.
 */
class AgentEndToEndIT {

	static final String PASSWORD = "correct horse battery";

	static final JsonMapper json = JsonMapper.builder().build();

	static Fleet fleet;

	@TempDir
	Path config;

	private final List<AutoCloseable> running = new ArrayList<>();

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.shared();
	}

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable part : this.running.reversed()) {
			part.close();
		}
	}

	@Test
	void aCopyOnOneDisplayReachesTheOtherOnceWithoutALoopAndAConcealedCopyIsNotSent() throws Exception {
		Cli cli = new Cli(this.config);
		String email = account(cli, "one", "two");
		Display one = display();
		Display two = display();
		Cli.Running agentOne = agent(cli, "one", one);
		Cli.Running agentTwo = agent(cli, "two", two);

		String text = "copied on display one " + UUID.randomUUID();
		one.copy(text);
		long copiedAt = System.nanoTime();
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> text.equals(two.paste()));
		System.out.printf("display two held the copy after %d ms%n", (System.nanoTime() - copiedAt) / 1_000_000);
		// the clip applied on display two is not pushed back, however long we wait
		Thread.sleep(10_000);
		assertThat(history(cli, "one")).containsExactly(text);
		assertThat(one.paste()).isEqualTo(text);

		String back = "and back from display two, with\r\nWindows line endings";
		two.copy(back);
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> back.equals(one.paste()));
		Thread.sleep(3000);
		assertThat(history(cli, "two")).containsExactly(text, back);

		// a password manager's copy: text plus the KDE secret hint
		try (Helper concealed = Helper.offerConcealed(one, "hunter2-" + UUID.randomUUID())) {
			assertThat(one.targets()).contains("x-kde-passwordManagerHint");
			agentOne.awaitErr("a password manager marked it secret");
			Thread.sleep(2000);
			assertThat(history(cli, "one")).containsExactly(text, back);
			assertThat(two.paste()).isEqualTo(back);
		}

		// toggles from the command line reach the running agent
		cli.run(null, "--profile", "two", "agent", "pause").expect(0);
		agentTwo.awaitErr("settings changed: paused");
		String whilePaused = "while display two is paused";
		one.copy(whilePaused);
		agentTwo.awaitErr("not applied (paused)");
		assertThat(two.paste()).isEqualTo(back);
		assertThat(history(cli, "one")).containsExactly(text, back, whilePaused);
		assertThat(email).isNotEmpty();
	}

	@Test
	void endToEndAgentsWithOnePassphraseExchangeClipsAnotherPassphraseLeavesItsClipboardAloneAndTheDatabaseHoldsCiphertextOnly()
			throws Exception {
		Cli cli = new Cli(this.config);
		account(cli, "alice-laptop", "alice-desk", "stranger");
		for (String profile : List.of("alice-laptop", "alice-desk")) {
			cli.run("our shared passphrase\n", "--profile", profile, "e2e", "enable", "--passphrase-stdin").expect(0);
		}
		cli.run("a different passphrase\n", "--profile", "stranger", "e2e", "enable", "--passphrase-stdin").expect(0);
		Display laptop = display();
		Display desk = display();
		Display other = display();
		other.copy("left alone");
		agent(cli, "alice-laptop", laptop);
		agent(cli, "alice-desk", desk);
		Cli.Running stranger = agent(cli, "stranger", other);

		String secret = "the vault code is " + UUID.randomUUID();
		laptop.copy(secret);
		// The agents may still be starting (key derivation, first connect): copy again
		// until it is picked up, as a person would.
		Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(5)).until(() -> {
			if (secret.equals(desk.paste())) {
				return true;
			}
			laptop.copy(secret);
			return false;
		});
		stranger.awaitErr("is locked");
		assertThat(other.paste()).isEqualTo("left alone");

		UUID userId = UUID.fromString(json.readTree(cli.run(null, "--profile", "alice-desk", "--json", "status").out())
			.get("account")
			.get("userId")
			.asString());
		try (Connection db = fleet.database();
				PreparedStatement query = db
					.prepareStatement("select mime, encrypted, data from clips where user_id = ?")) {
			query.setObject(1, userId);
			try (ResultSet rows = query.executeQuery()) {
				int count = 0;
				while (rows.next()) {
					count++;
					assertThat(rows.getString("mime")).isEqualTo("application/x-clipsync-e2e");
					assertThat(rows.getBoolean("encrypted")).isTrue();
					assertThat(rows.getString("data")).doesNotContain("vault");
					assertThat(new String(java.util.Base64.getDecoder().decode(rows.getString("data")),
							StandardCharsets.ISO_8859_1))
						.doesNotContain("vault");
				}
				assertThat(count).isEqualTo(1);
			}
		}
	}

	@Test
	void aPngCopiedOnOneDisplayArrivesOnTheOtherWithTheSameBytesLargeOnesWaitAndFilesArriveAsAFileList()
			throws Exception {
		Cli cli = new Cli(this.config);
		account(cli, "one", "two");
		Display one = display();
		Display two = display();
		agent(cli, "one", one);
		Cli.Running agentTwo = agent(cli, "two", two);

		byte[] png = png(1340, 1340, 1);
		assertThat(png.length).isGreaterThan(5 * 1024 * 1024);
		one.copy("image/png", png);
		// copy again until the starting agents pick it up, as a person would
		Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(5)).until(() -> {
			if (java.util.Arrays.equals(png, two.paste("image/png"))) {
				return true;
			}
			one.copy("image/png", png);
			return false;
		});
		agentTwo.awaitErr("(image/png, 5.");
		// applied, not pushed back
		Thread.sleep(5000);
		JsonNode clips = json.readTree(cli.run(null, "--profile", "one", "--json", "history").expect(0).out())
			.get("clips");
		assertThat(clips).hasSize(1);
		assertThat(clips.get(0).get("mime").asString()).isEqualTo("image/png");
		assertThat(clips.get(0).get("blob").get("size").asLong()).isEqualTo(png.length);

		// above the fetch limit: logged, and the clipboard keeps what it had
		cli.run(null, "--profile", "two", "agent", "fetch-limit", "1MiB").expect(0);
		agentTwo.awaitErr("settings changed");
		byte[] large = png(800, 800, 2);
		one.copy("image/png", large);
		agentTwo.awaitErr("above the fetch limit (1.0 MiB): save it with 'clipsync paste --seq");
		assertThat(two.paste("image/png")).isEqualTo(png);

		// a file manager's copy: the file goes by reference and arrives as a file list
		Path notes = this.config.resolve("notes.txt");
		java.nio.file.Files.writeString(notes, "notes from display one " + UUID.randomUUID());
		one.copy("text/uri-list", (notes.toUri() + "\r\n").getBytes(StandardCharsets.UTF_8));
		agentTwo.awaitErr("as a file (");
		String list = new String(two.paste("text/uri-list"), StandardCharsets.UTF_8).trim();
		assertThat(list).startsWith("file:");
		Path received = Path.of(java.net.URI.create(list.lines().findFirst().orElseThrow()));
		assertThat(received).hasSameTextualContentAs(notes);
	}

	private static byte[] png(int width, int height, long seed) throws Exception {
		java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		java.util.Random random = new java.util.Random(seed);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, random.nextInt());
			}
		}
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		javax.imageio.ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	private String account(Cli cli, String first, String... others) {
		String email = "agent-" + UUID.randomUUID() + "@example.com";
		String server = fleet.server().toString();
		cli.run(PASSWORD + "\n", "--profile", first, "register", "--server", server, "--email", email, "--device",
				first, "--password-stdin")
			.expect(0);
		for (String profile : others) {
			cli.run(PASSWORD + "\n", "--profile", profile, "login", "--server", server, "--email", email, "--device",
					profile, "--password-stdin")
				.expect(0);
		}
		return email;
	}

	private Display display() throws Exception {
		Display display = Display.start();
		this.running.add(display);
		return display;
	}

	@Test
	void aReceivedSensitiveClipLeavesTheClipboardAfterItsTtl() throws Exception {
		Cli cli = new Cli(this.config);
		account(cli, "one", "two");
		Display two = display();
		Cli.Running agentTwo = cli.with("DISPLAY", two.name)
			.start(null, "--profile", "two", "agent", "--sensitive-ttl", "3s");
		this.running.add(agentTwo);
		agentTwo.awaitErr("connected");

		String code = "one-time code " + UUID.randomUUID();
		cli.run(null, "--profile", "one", "push", "--sensitive", code).expect(0);
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> code.equals(two.paste()));
		// gone from the clipboard once the TTL has passed
		agentTwo.awaitErr("sensitive: cleared in 3 s");
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "".equals(two.paste()));
		agentTwo.awaitErr("from the clipboard");
	}

	private Cli.Running agent(Cli cli, String profile, Display display) {
		Cli.Running agent = cli.with("DISPLAY", display.name).start(null, "--profile", profile, "agent");
		this.running.add(agent);
		agent.awaitErr("connected");
		return agent;
	}

	private static List<String> history(Cli cli, String profile) {
		JsonNode history = json.readTree(cli.run(null, "--profile", profile, "--json", "history").expect(0).out());
		return history.get("clips").findValuesAsString("data");
	}

	/** A helper program on a display, in a process of its own. */
	record Helper(Process process) implements AutoCloseable {

		static Helper offerConcealed(Display display, String text) throws Exception {
			ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
					System.getProperty("java.class.path"), OfferConcealed.class.getName(), text);
			builder.environment().put("DISPLAY", display.name);
			builder.environment().remove("JAVA_TOOL_OPTIONS");
			builder.redirectError(ProcessBuilder.Redirect.DISCARD);
			Process process = builder.start();
			String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			assertThat(line).isEqualTo("offered");
			return new Helper(process);
		}

		@Override
		public void close() {
			this.process.destroyForcibly();
		}

	}

}
