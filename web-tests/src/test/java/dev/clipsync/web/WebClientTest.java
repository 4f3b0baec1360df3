package dev.clipsync.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client in Debian's Chromium, through the fleet's front door (the one origin and
 * its Content-Security-Policy), with another device of the same account on the other side
 * of every clip.
 */
class WebClientTest {

	private static final String PASSWORD = "correct horse";

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	static Path data;

	static LocalFleet fleet;

	static Playwright playwright;

	static Browser browser;

	static Api api;

	static String origin;

	private BrowserContext context;

	private Page page;

	private final List<String> problems = new ArrayList<>();

	private final List<AutoCloseable> others = new ArrayList<>();

	@BeforeAll
	static void start() throws Exception {
		Path chromium = Path.of(System.getProperty("clipsync.chromium", "/usr/bin/chromium"));
		if (!Files.isExecutable(chromium)) {
			throw new IllegalStateException("No Chromium at " + chromium
					+ ": install Debian's (apt-get install chromium), or name another with -Dchromium.path=...");
		}
		// -Dclipsync.origin=URL runs against a fleet already running there (for quick
		// loops)
		String running = System.getProperty("clipsync.origin", "");
		if (running.isEmpty()) {
			fleet = LocalFleet.start(data.resolve("fleet"));
			origin = fleet.origin();
		}
		else {
			origin = running;
		}
		api = new Api(origin);
		warmUp();
		// generous: these wait for conditions, they do not time anything
		PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
		playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(chromium)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
						"--disable-component-update", "--disable-sync", "--no-first-run")));
	}

	/**
	 * A first connection to each gateway fetches the token keys and warms a cold JVM:
	 * done here, so no test's waits include it.
	 */
	private static void warmUp() throws Exception {
		String email = "warm-up-" + UUID.randomUUID() + "@example.com";
		api.register(email, PASSWORD);
		String token = api.login(email, PASSWORD, "Warm-up").get("accessToken").asString();
		int warm = 0;
		for (int attempt = 0; attempt < 30 && warm < 4; attempt++) {
			// a cold gateway may miss the client's 5 s handshake timeout: try again
			try (SyncClient client = SyncClient.connect(api.sync(), token)) {
				client.push("warm-up " + attempt);
				client.next("ack");
				warm++;
			}
			catch (RuntimeException | AssertionError ex) {
				Thread.sleep(1000);
			}
		}
	}

	@AfterAll
	static void stop() throws Exception {
		if (browser != null) {
			browser.close();
		}
		if (playwright != null) {
			playwright.close();
		}
		if (fleet != null) {
			fleet.close();
		}
	}

	@BeforeEach
	void openPage() {
		this.context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
			.setPermissions(List.of("clipboard-read", "clipboard-write")));
		this.context.setDefaultTimeout(WAIT.toMillis());
		this.page = this.context.newPage();
		// anything the CSP refuses, and any script error, fails the test
		this.page.onConsoleMessage((message) -> {
			if ("error".equals(message.type()) && !message.text().contains("WebSocket")
					&& !message.text().contains("Failed to load resource")) {
				this.problems.add(message.text());
			}
		});
		this.page.onPageError((error) -> this.problems.add(error));
	}

	@AfterEach
	void closePage() throws Exception {
		for (AutoCloseable other : this.others) {
			other.close();
		}
		this.context.close();
		assertThat(this.problems).as("console errors and uncaught exceptions").isEmpty();
	}

	@Test
	void theFrontDoorServesThePageUnderAStrictContentSecurityPolicy() throws Exception {
		HttpResponse<String> response = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.build()
			.send(HttpRequest.newBuilder(URI.create(origin + "/")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(csp) -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.body()).contains("<cs-app>").doesNotContain("<script>").doesNotContain("style=");
		this.page.navigate(origin);
		assertThat(this.page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to ClipSync")))
			.isVisible();
		assertThat((Boolean) this.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")).isTrue();
		JsonNode manifest = SyncClient.json.readTree(HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.build()
			.send(HttpRequest.newBuilder(URI.create(origin + "/manifest.webmanifest")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body());
		assertThat(manifest.get("share_target").get("action").asString()).isEqualTo("/share");
	}

	@Test
	void registersAndSignsInAgainAsTheSameDevice() throws Exception {
		String email = signUp("Ann's phone");
		assertThat(this.page.locator(".device-name")).hasText("Ann's phone");
		String deviceId = api.devices(login(email, "CLI").get("accessToken").asString())
			.get(0)
			.get("deviceId")
			.asString();
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Settings")).click();
		this.page.locator("#sign-out").click();
		assertThat(this.page.getByText("You signed out.")).isVisible();
		this.page.locator("#email").fill(email);
		this.page.locator("#password").fill(PASSWORD);
		this.page.locator("#device-name").fill("Ann's phone");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		awaitLive();
		JsonNode devices = api.devices(login(email, "CLI 2").get("accessToken").asString());
		assertThat(devices.findValuesAsString("name")).containsExactly("Ann's phone", "CLI", "CLI 2");
		assertThat(devices.get(0).get("deviceId").asString()).isEqualTo(deviceId);
	}

	@Test
	void aClipPushedByAnotherDeviceAppearsAndCopyPutsItOnTheClipboard() throws Exception {
		String email = signUp("Phone");
		SyncClient laptop = connect(email, "Laptop");
		long pushedAt = System.currentTimeMillis();
		laptop.push("copied on the laptop");
		laptop.next("ack");
		Locator clip = this.page.locator("cs-feed .clip").first();
		assertThat(clip.locator(".content")).hasText("copied on the laptop",
				new LocatorAssertions.HasTextOptions().setTimeout(WAIT.toMillis()));
		assertThat(clip.locator(".from")).hasText("Laptop");
		long receivedAt = ((Number) this.page.evaluate("""
				() => new Promise((resolve) => {
					const open = indexedDB.open('clipsync');
					open.onsuccess = () => {
						const all = open.result.transaction('clips').objectStore('clips').getAll();
						all.onsuccess = () => resolve(Math.max(...all.result.map((c) => c.receivedAt)));
					};
				})""")).longValue();
		record("clip from another device to the page: " + (receivedAt - pushedAt) + " ms");
		clip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy")).click();
		assertThat(this.page.evaluate("() => navigator.clipboard.readText()")).isEqualTo("copied on the laptop");
	}

	@Test
	void aClipSentFromThePageReachesAnotherDevice() throws Exception {
		String email = signUp("Phone");
		SyncClient laptop = connect(email, "Laptop");
		this.page.locator("#send-text").fill("typed on the phone\nsecond line");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		JsonNode clip = laptop.next("clip");
		assertThat(clip.get("data").asString()).isEqualTo("typed on the phone\nsecond line");
		assertThat(clip.get("encrypted").asBoolean()).isFalse();
		assertThat(this.page.locator("cs-feed .clip[data-seq='" + clip.get("seq").asInt() + "'] .content"))
			.hasText("typed on the phone\nsecond line");
	}

	@Test
	void revokingADeviceFromThePageSignsItOut() throws Exception {
		String email = signUp("Phone");
		JsonNode cli = login(email, "Old laptop");
		SyncClient laptop = SyncClient.connect(api.sync(), cli.get("accessToken").asString());
		this.others.add(laptop);
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Devices")).click();
		Locator device = this.page.locator(".device[data-device-id='" + cli.get("deviceId").asString() + "']");
		assertThat(device.locator(".meta")).containsText("Online",
				new LocatorAssertions.ContainsTextOptions().setTimeout(WAIT.toMillis()));
		device.getByRole(AriaRole.BUTTON).click();
		this.page.locator("dialog")
			.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove"))
			.click();
		assertThat(laptop.closeCode(WAIT)).isEqualTo(4403);
		assertThat(api.status("GET", "/v1/devices", cli.get("accessToken").asString())).isEqualTo(401);
		assertThat(device).hasCount(0);
	}

	@Test
	void clipsMissedWhileOfflineArriveOnceAndInOrder() throws Exception {
		String email = signUp("Phone");
		SyncClient laptop = connect(email, "Laptop");
		laptop.push("before");
		laptop.next("ack");
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("before");
		this.context.setOffline(true);
		assertThat(this.page.locator("cs-status")).hasAttribute("data-state", "offline");
		for (int i = 1; i <= 5; i++) {
			laptop.push("missed " + i);
			laptop.next("ack");
		}
		this.context.setOffline(false);
		Locator texts = this.page.locator("cs-feed .clip .content");
		assertThat(texts).hasText(new String[] { "missed 5", "missed 4", "missed 3", "missed 2", "missed 1", "before" },
				new LocatorAssertions.HasTextOptions().setTimeout(WAIT.toMillis()));
		// and after a reload, from what the page kept and a resume from its last seq:
		// still once each
		this.page.reload();
		awaitLive();
		laptop.push("after");
		laptop.next("ack");
		assertThat(texts)
			.hasText(new String[] { "after", "missed 5", "missed 4", "missed 3", "missed 2", "missed 1", "before" });
	}

	@Test
	void encryptedClipsOpenBothWaysWithAnIndependentImplementation() throws Exception {
		String email = signUp("Phone");
		JsonNode cli = login(email, "Laptop");
		SyncClient laptop = SyncClient.connect(api.sync(), cli.get("accessToken").asString());
		this.others.add(laptop);
		laptop.send(Map.of("type", "sync", "after", 0));
		laptop.next("synced");
		ProtocolCrypto crypto = new ProtocolCrypto("tröt passphrase", cli.get("userId").asString());

		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Settings")).click();
		// NFD on the page, NFC in Java: the same key
		this.page.locator("#e2e-passphrase").fill("tro\u0308t passphrase");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use this passphrase")).click();
		assertThat(this.page.locator("#e2e-off"))
			.isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(WAIT.toMillis()));
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Clips")).click();

		String id = UUID.randomUUID().toString();
		laptop.send(Map.of("type", "push", "id", id, "mime", "application/x-clipsync-e2e", "encoding", "base64",
				"encrypted", true, "data", crypto.seal(id, "sealed in Java")));
		laptop.next("ack");
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("sealed in Java");

		ProtocolCrypto wrong = new ProtocolCrypto("another passphrase", cli.get("userId").asString());
		String other = UUID.randomUUID().toString();
		laptop.send(Map.of("type", "push", "id", other, "mime", "application/x-clipsync-e2e", "encoding", "base64",
				"encrypted", true, "data", wrong.seal(other, "not for this key")));
		laptop.next("ack");
		assertThat(this.page.locator("cs-feed .clip").first().locator(".locked")).isVisible();
		assertThat(this.page.locator("cs-feed .clip")
			.first()
			.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy"))).hasCount(0);

		this.page.locator("#send-text").fill("sealed in the browser");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		JsonNode clip = laptop.next("clip");
		assertThat(clip.get("encrypted").asBoolean()).isTrue();
		assertThat(clip.get("mime").asString()).isEqualTo("application/x-clipsync-e2e");
		assertThat(clip.get("data").asString()).doesNotContain("sealed");
		JsonNode inner = crypto.open(clip.get("id").asString(), clip.get("data").asString());
		assertThat(inner.get("data").asString()).isEqualTo("sealed in the browser");
		assertThat(inner.get("mime").asString()).isEqualTo("text/plain");
	}

	@Test
	void aSensitiveClipStaysHiddenUntilRevealedAndLeavesAfterItsTime() throws Exception {
		// the page's clock, so a minute can pass at once
		this.page.clock().install();
		String email = signUp("Phone");
		SyncClient laptop = connect(email, "Laptop");
		this.page.locator("#send-text").fill("123456");
		this.page.locator("#send-sensitive").check();
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		JsonNode pushed = laptop.next("clip");
		assertThat(pushed.get("data").asString()).isEqualTo("123456");
		assertThat(pushed.get("sensitive").asBoolean()).isTrue();
		laptop.send(Map.of("type", "push", "id", UUID.randomUUID().toString(), "mime", "text/plain", "encoding", "utf8",
				"data", "code 987654", "sensitive", true));
		long seq = laptop.next("ack").get("seq").asLong();
		Locator incoming = this.page.locator("cs-feed .clip[data-seq='" + seq + "']");
		assertThat(incoming.locator(".hidden-content")).isVisible();
		assertThat(incoming).not().containsText("987654");
		Locator clip = this.page.locator("cs-feed .clip[data-seq='" + pushed.get("seq").asInt() + "']");
		assertThat(clip.locator(".hidden-content")).isVisible();
		assertThat(clip).not().containsText("123456");
		assertThat(clip.locator(".badge.warn")).containsText("Sensitive, gone in");
		clip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reveal")).click();
		assertThat(clip.locator(".content")).hasText("123456");
		this.page.clock().fastForward(61_000);
		assertThat(clip).hasCount(0);
		assertThat(incoming).hasCount(0);
	}

	@Test
	void textSharedToTheInstalledAppIsSent() throws Exception {
		String email = signUp("Phone");
		SyncClient laptop = connect(email, "Laptop");
		this.page.evaluate("() => navigator.serviceWorker.ready");
		// the first visit is not yet controlled by the worker; the next one is
		this.page.reload();
		awaitLive();
		this.page.evaluate("""
				async () => {
					const form = new FormData();
					form.append('title', 'A page');
					form.append('text', 'shared from another app');
					form.append('url', 'https://example.com/a');
					await fetch('/share', { method: 'POST', body: form });
				}""");
		assertThat(laptop.next("clip").get("data").asString())
			.isEqualTo("shared from another app\nhttps://example.com/a");
	}

	@Test
	void phoneAndDesktopLayouts() throws Exception {
		String email = signUp("Pixel 9", "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
		SyncClient laptop = connect(email, "Work laptop");
		for (String text : List.of("https://clipsync.dev/docs/protocol", "git clone https://example.com/clipsync.git",
				"Meeting moved to 15:30, room 4.2")) {
			laptop.push(text);
			laptop.next("ack");
		}
		assertThat(this.page.locator("cs-feed .clip")).hasCount(3);
		Path shots = Path.of(System.getProperty("clipsync.screenshots", "target/screenshots"));
		Files.createDirectories(shots);
		this.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("web-phone.png")));
		assertThat((Boolean) this.page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"))
			.as("no sideways scrolling on a phone")
			.isTrue();
		this.page.setViewportSize(1280, 800);
		this.page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		this.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("web-desktop-dark.png")));
		assertThat(this.page.locator("cs-devices")).isVisible();
	}

	private String signUp(String deviceName) {
		return signUp(deviceName, "web-" + UUID.randomUUID() + "@example.com");
	}

	private String signUp(String deviceName, String email) {
		this.page.navigate(origin);
		this.page.locator("#email").fill(email);
		this.page.locator("#password").fill(PASSWORD);
		this.page.locator("#device-name").fill(deviceName);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
		awaitLive();
		return email;
	}

	private void awaitLive() {
		assertThat(this.page.locator("cs-status")).hasAttribute("data-state", "online",
				new LocatorAssertions.HasAttributeOptions().setTimeout(WAIT.toMillis()));
	}

	private JsonNode login(String email, String deviceName) throws Exception {
		return api.login(email, PASSWORD, deviceName);
	}

	/** Another device of the account, connected through the front door and caught up. */
	private SyncClient connect(String email, String deviceName) throws Exception {
		SyncClient client = SyncClient.connect(api.sync(), login(email, deviceName).get("accessToken").asString());
		this.others.add(client);
		client.send(Map.of("type", "sync", "after", 0));
		client.next("synced");
		return client;
	}

	private static void record(String line) throws Exception {
		System.out.println(line);
		Files.writeString(Path.of("target/web-timings.txt"), line + "\n", StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

}
