package dev.clipsync.web;

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocket;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSyncException;
import dev.clipsync.client.Draft;
import dev.clipsync.client.Progress;
import dev.clipsync.client.SyncSession;
import dev.clipsync.client.e2e.ClipCipher;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web client in Debian's Chromium, through the fleet's front door (the one origin and
 * its Content-Security-Policy), with another device of the same account on the other side
 * of every clip: the Java SDK where it has the calls, plain HTTP for blobs (the SDK has
 * none yet).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientTest {

	private static final String PASSWORD = "correct horse";

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** Every close code the page's sockets got, in {@code window.closeCodes}. */
	private static final String RECORD_CLOSE_CODES = """
			(() => {
				const Native = WebSocket;
				window.closeCodes = [];
				window.WebSocket = class extends Native {
					constructor(...args) {
						super(...args);
						this.addEventListener('close', (event) => window.closeCodes.push(event.code));
					}
				};
			})();""";

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
		open(ServiceWorkerPolicy.ALLOW);
	}

	/**
	 * A fresh browser context at a phone's size. With the service worker blocked,
	 * {@code page.route} sees every request of the page.
	 */
	private void open(ServiceWorkerPolicy serviceWorkers) {
		if (this.context != null) {
			this.context.close();
		}
		this.context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
			.setServiceWorkers(serviceWorkers)
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
		assertThat(manifest.get("share_target").get("params").get("files").get(0).get("name").asString())
			.isEqualTo("file");
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
		signIn(email, "Ann's phone");
		awaitLive();
		JsonNode devices = api.devices(login(email, "CLI 2").get("accessToken").asString());
		assertThat(devices.findValuesAsString("name")).containsExactly("Ann's phone", "CLI", "CLI 2");
		assertThat(devices.get(0).get("deviceId").asString()).isEqualTo(deviceId);
	}

	@Test
	void aClipPushedByAnotherDeviceAppearsAndCopyPutsItOnTheClipboard() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		long pushedAt = System.currentTimeMillis();
		laptop.push(Draft.text("copied on the laptop"));
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
		SdkDevice laptop = device(email, "Laptop", null);
		this.page.locator("#send-text").fill("typed on the phone\nsecond line");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		Clip clip = laptop.nextClip();
		assertThat(clip.text()).isEqualTo("typed on the phone\nsecond line");
		assertThat(clip.mime()).isEqualTo("text/plain");
		assertThat(clip.encrypted()).isFalse();
		assertThat(this.page.locator("cs-feed .clip[data-seq='" + clip.seq() + "'] .content"))
			.hasText("typed on the phone\nsecond line");
	}

	@Test
	void revokingADeviceFromThePageSignsItOut() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Old laptop", null);
		String deviceId = laptop.client.account().deviceId().toString();
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Devices")).click();
		Locator device = this.page.locator(".device[data-device-id='" + deviceId + "']");
		assertThat(device.locator(".meta")).containsText("Online",
				new LocatorAssertions.ContainsTextOptions().setTimeout(WAIT.toMillis()));
		device.getByRole(AriaRole.BUTTON).click();
		this.page.locator("dialog")
			.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove"))
			.click();
		// the SDK tells its user, as the CLI and the agent then do: signed out, for good
		Awaitility.await().atMost(WAIT).until(() -> laptop.session.state() == SyncSession.State.SIGNED_OUT);
		assertThat(laptop.states()).last().asString().startsWith("SIGNED_OUT: this device was signed out");
		assertThatThrownBy(laptop.client::devices).isInstanceOfSatisfying(ClipSyncException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(ClipSyncException.SIGNED_OUT));
		assertThat(device).hasCount(0);
	}

	@Test
	void clipsMissedWhileOfflineArriveOnceAndInOrder() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		laptop.push(Draft.text("before"));
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("before");
		this.context.setOffline(true);
		assertThat(this.page.locator("cs-status")).hasAttribute("data-state", "offline");
		for (int i = 1; i <= 5; i++) {
			laptop.push(Draft.text("missed " + i));
		}
		this.context.setOffline(false);
		Locator texts = this.page.locator("cs-feed .clip .content");
		assertThat(texts).hasText(new String[] { "missed 5", "missed 4", "missed 3", "missed 2", "missed 1", "before" },
				new LocatorAssertions.HasTextOptions().setTimeout(WAIT.toMillis()));
		// and after a reload, from what the page kept and a resume from its last seq:
		// still once each
		this.page.reload();
		awaitLive();
		laptop.push(Draft.text("after"));
		assertThat(texts)
			.hasText(new String[] { "after", "missed 5", "missed 4", "missed 3", "missed 2", "missed 1", "before" });
	}

	@Test
	void encryptedClipsOpenBothWaysBetweenThePageAndTheSdk() throws Exception {
		String email = signUp("Phone");
		// NFC in Java, NFD on the page: the same key
		SdkDevice laptop = device(email, "Laptop", "tröt passphrase");
		usePassphrase("tro\u0308t passphrase");

		laptop.push(Draft.text("sealed by the SDK"));
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("sealed by the SDK");

		SdkDevice tablet = device(email, "Tablet", "another passphrase");
		tablet.push(Draft.text("not for this key"));
		assertThat(this.page.locator("cs-feed .clip").first().locator(".locked")).isVisible();
		assertThat(this.page.locator("cs-feed .clip")
			.first()
			.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy"))).hasCount(0);
		assertThat(laptop.nextClip().locked()).as("the tablet's clip, on the laptop").isTrue();

		this.page.locator("#send-text").fill("sealed in the browser");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		Clip clip = laptop.nextClip();
		assertThat(clip.encrypted()).isTrue();
		assertThat(clip.locked()).isFalse();
		assertThat(clip.text()).isEqualTo("sealed in the browser");
		assertThat(clip.mime()).isEqualTo("text/plain");
		// and what the server holds is sealed
		JsonNode stored = storedClip(email, clip.seq());
		assertThat(stored.get("mime").asString()).isEqualTo("application/x-clipsync-e2e");
		assertThat(stored.get("data").asString()).doesNotContain("sealed");
	}

	@Test
	void aSensitiveClipStaysHiddenUntilRevealedAndLeavesAfterItsTime() throws Exception {
		// the page's clock, so a minute can pass at once
		this.page.clock().install();
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		this.page.locator("#send-text").fill("123456");
		this.page.locator("#send-sensitive").check();
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
		Clip pushed = laptop.nextClip();
		assertThat(pushed.text()).isEqualTo("123456");
		assertThat(pushed.sensitive()).isTrue();
		long seq = laptop.push(Draft.text("code 987654").sensitive(true));
		Locator incoming = this.page.locator("cs-feed .clip[data-seq='" + seq + "']");
		assertThat(incoming.locator(".hidden-content")).isVisible();
		assertThat(incoming).not().containsText("987654");
		Locator clip = this.page.locator("cs-feed .clip[data-seq='" + pushed.seq() + "']");
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
	void textAndFilesSharedToTheInstalledAppAreSent() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
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
		assertThat(laptop.nextClip().text()).isEqualTo("shared from another app\nhttps://example.com/a");

		byte[] shared = Base64.getDecoder().decode((String) this.page.evaluate("""
				async () => {
					const canvas = document.createElement('canvas');
					canvas.width = 64;
					canvas.height = 48;
					const context = canvas.getContext('2d');
					context.fillStyle = '#1f6feb';
					context.fillRect(0, 0, 64, 48);
					const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
					const form = new FormData();
					form.append('file', new File([png], 'shared.png', { type: 'image/png' }));
					await fetch('/share', { method: 'POST', body: form });
					const bytes = new Uint8Array(await png.arrayBuffer());
					return btoa(String.fromCharCode(...bytes));
				}"""));
		Clip clip = laptop.nextClip();
		assertThat(clip.mime()).isEqualTo("image/png");
		assertThat(downloaded(laptop, clip)).isEqualTo(shared);
	}

	@Test
	void anImageFromAnotherDeviceShowsItsPreviewAndDownloadsWithIdenticalBytes() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		byte[] png = Pictures.png(1600, 1000, 1);
		long seq = pushImage(laptop, png);
		Locator clip = this.page.locator("cs-feed .clip[data-seq='" + seq + "']");
		// the inline thumbnail, drawn: the image itself is fetched only on Download
		assertThat(clip.locator("img.preview")).isVisible();
		assertThat(clip.locator("img.preview").getAttribute("src")).startsWith("data:image/png;base64,");
		assertThat((Integer) clip.locator("img.preview").evaluate("(img) => img.complete ? img.naturalWidth : 0"))
			.isPositive();
		assertThat(clip.locator(".file-info")).containsText("image/png");
		Download download = this.page.waitForDownload(
				() -> clip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Download")).click());
		assertThat(download.suggestedFilename()).isEqualTo("clipsync-" + seq + ".png");
		assertThat(Blobs.sha256Hex(Files.readAllBytes(download.path()))).isEqualTo(Blobs.sha256Hex(png));

		clip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy")).click();
		assertThat(this.page.locator("cs-notice")).containsText("Copied to the clipboard.");
		assertThat(this.page.evaluate("""
				async () => {
					const [item] = await navigator.clipboard.read();
					const image = await createImageBitmap(await item.getType('image/png'));
					return image.width + 'x' + image.height;
				}""")).isEqualTo("1600x1000");
	}

	@Test
	void anImagePickedOnThePageReachesAnotherDeviceWithIdenticalBytes() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		byte[] png = Pictures.png(1400, 900, 2);
		Path file = Files.write(data.resolve("holiday-" + UUID.randomUUID() + ".png"), png);
		this.page.locator("#send-file").setInputFiles(file);
		Clip clip = laptop.nextClip();
		assertThat(clip.mime()).isEqualTo("image/png");
		assertThat(clip.encrypted()).isFalse();
		assertThat(clip.blob().size()).isEqualTo(png.length);
		assertThat(clip.blob().sha256()).isEqualTo(Blobs.sha256Hex(png));
		assertThat(downloaded(laptop, clip)).isEqualTo(png);
		// the thumbnail the page drew on a canvas: small, in the image's proportions
		var thumbnail = Pictures.read(clip.bytes());
		assertThat(thumbnail.getWidth()).isBetween(40, 320);
		assertThat(thumbnail.getHeight()).isEqualTo(Math.round(thumbnail.getWidth() * 900 / 1400f));
		Locator shown = this.page.locator("cs-feed .clip[data-seq='" + clip.seq() + "']");
		assertThat(shown.locator(".file-info")).containsText(file.getFileName().toString());
		assertThat(shown.locator("img.preview")).isVisible();
	}

	@Test
	void anImagePastedIntoTheBoxOrOnTheClipboardIsSentAsAFile() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", null);
		byte[] pasted = Base64.getDecoder().decode((String) this.page.evaluate("""
				async () => {
					const canvas = document.createElement('canvas');
					canvas.width = 80;
					canvas.height = 60;
					canvas.getContext('2d').fillRect(0, 0, 40, 30);
					const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
					const data = new DataTransfer();
					data.items.add(new File([png], 'pasted.png', { type: 'image/png' }));
					document.querySelector('#send-text').dispatchEvent(new ClipboardEvent('paste',
							{ clipboardData: data, bubbles: true, cancelable: true }));
					return btoa(String.fromCharCode(...new Uint8Array(await png.arrayBuffer())));
				}"""));
		Clip clip = laptop.nextClip();
		assertThat(clip.mime()).isEqualTo("image/png");
		assertThat(downloaded(laptop, clip)).isEqualTo(pasted);
		assertThat(this.page.locator("#send-text")).hasValue("");

		// an image on this device's clipboard, sent with one tap
		this.page.evaluate("""
				async () => {
					const canvas = document.createElement('canvas');
					canvas.width = 50;
					canvas.height = 40;
					canvas.getContext('2d').fillRect(10, 10, 20, 20);
					const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
					await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
				}""");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send clipboard")).click();
		Clip copied = laptop.nextClip();
		assertThat(copied.mime()).isEqualTo("image/png");
		// the browser's clipboard may encode the PNG anew: the picture is what must match
		var image = Pictures.read(downloaded(laptop, copied));
		assertThat(image.getWidth() + "x" + image.getHeight()).isEqualTo("50x40");
	}

	@Test
	void encryptedImagesTravelBothWaysAndTheServerHoldsNoPlaintext() throws Exception {
		String email = signUp("Phone");
		SdkDevice laptop = device(email, "Laptop", "pictures passphrase");
		usePassphrase("pictures passphrase");

		// laptop -> page: a blob of several chunks, sealed, with a sealed thumbnail
		byte[] png = Pictures.png(1200, 1600, 3);
		assertThat(png.length).isGreaterThan(2 * ClipCipher.BLOB_CHUNK);
		long seq = pushImage(laptop, png);
		Locator clip = this.page.locator("cs-feed .clip[data-seq='" + seq + "']");
		assertThat(clip.locator("img.preview")).isVisible();
		assertThat(clip.locator(".badge")).hasText("Encrypted");
		assertThat(clip.locator(".file-info"))
			.containsText(String.format(java.util.Locale.ROOT, "%.1f MB", png.length / 1024.0 / 1024.0));
		Download download = this.page.waitForDownload(
				() -> clip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Download")).click());
		assertThat(Blobs.sha256Hex(Files.readAllBytes(download.path()))).isEqualTo(Blobs.sha256Hex(png));

		// page -> laptop
		byte[] screenshot = Pictures.png(1300, 1100, 4);
		Path file = Files.write(data.resolve("screenshot-" + UUID.randomUUID() + ".png"), screenshot);
		this.page.locator("#send-file").setInputFiles(file);
		Clip sent = laptop.nextClip();
		assertThat(sent.encrypted()).isTrue();
		assertThat(sent.locked()).isFalse();
		assertThat(sent.mime()).isEqualTo("image/png");
		assertThat(sent.blob().size()).isEqualTo(screenshot.length);
		assertThat(sent.blob().sha256()).isEqualTo(Blobs.sha256Hex(screenshot));
		assertThat(Pictures.read(sent.bytes()).getWidth()).isBetween(40, 320);
		assertThat(downloaded(laptop, sent)).isEqualTo(screenshot);
		// what the server holds and serves is sealed: chunk by chunk, no run of the image
		String token = login(email, "Inspector").get("accessToken").asString();
		byte[] stored = Blobs.download(origin, token, sent.blob().blobId().toString());
		assertThat(stored).hasSize((int) ClipCipher.sealedSize(screenshot.length));
		HexFormat hex = HexFormat.of();
		assertThat(stored).asHexString()
			.doesNotContainIgnoringCase(hex.formatHex(screenshot, 0, 32),
					hex.formatHex(screenshot, screenshot.length / 2, screenshot.length / 2 + 32));
		JsonNode wire = storedClip(email, sent.seq());
		assertThat(wire.get("mime").asString()).isEqualTo("application/x-clipsync-e2e");
		assertThat(wire.get("blob").get("size").asLong()).isEqualTo(stored.length);
	}

	@Test
	void aFileOverTheLimitIsRefusedOnThePageWithTheLimitNamed() throws Exception {
		String email = signUp("Phone");
		Path huge = data.resolve("huge-" + UUID.randomUUID() + ".bin");
		try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
			file.setLength(33L * 1024 * 1024);
		}
		this.page.locator("#send-file").setInputFiles(huge);
		assertThat(this.page.locator("cs-notice")).containsText("ClipSync takes files up to 32.0 MB");
		assertThat(this.page.locator("cs-feed .clip")).hasCount(0);
		assertThat(api.clips(login(email, "Laptop").get("accessToken").asString()).get("clips")).isEmpty();
	}

	@Test
	void theAccessTokenIsSwappedOnTheOpenConnectionBeforeItExpires() throws Exception {
		assumeLaunchedFleet();
		List<WebSocket> sockets = new CopyOnWriteArrayList<>();
		List<String> sent = new CopyOnWriteArrayList<>();
		List<String> received = new CopyOnWriteArrayList<>();
		this.page.onWebSocket((socket) -> {
			sockets.add(socket);
			socket.onFrameSent((frame) -> sent.add(frame.text()));
			socket.onFrameReceived((frame) -> received.add(frame.text()));
		});
		String email = signUp("Phone");
		Instant firstTokenGone = Instant.now().plus(LocalFleet.ACCESS_TOKEN_LIFETIME).plusSeconds(3);
		SdkDevice laptop = device(email, "Laptop", null);
		// past the first token's expiry: without a swap the gateway would have closed the
		// socket with 4401 by now
		Thread.sleep(Math.max(0, Duration.between(Instant.now(), firstTokenGone).toMillis()));
		laptop.push(Draft.text("after the first token expired"));
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("after the first token expired");
		assertThat(sockets).hasSize(1);
		assertThat(sockets.get(0).isClosed()).isFalse();
		assertThat(sent).anySatisfy((frame) -> assertThat(frame).contains("\"type\":\"auth\""));
		assertThat(received).anySatisfy((frame) -> assertThat(frame).contains("\"type\":\"authed\""));
	}

	@Test
	void aConnectionClosedForAnExpiredTokenIsRefreshedAndResumedWithoutLosingClips() throws Exception {
		assumeLaunchedFleet();
		open(ServiceWorkerPolicy.BLOCK);
		this.context.addInitScript(RECORD_CLOSE_CODES);
		String email = signUp("Phone");
		// refreshing fails (a network that drops that one request) until the token is
		// dead
		this.page.route("**/v1/auth/refresh", Route::abort);
		SdkDevice laptop = device(email, "Laptop", null);
		Awaitility.await().atMost(LocalFleet.ACCESS_TOKEN_LIFETIME.plus(WAIT)).until(() -> closeCodes().contains(4401));
		laptop.push(Draft.text("missed 1"));
		laptop.push(Draft.text("missed 2"));
		this.page.unroute("**/v1/auth/refresh");
		assertThat(this.page.locator("cs-feed .clip .content")).hasText(new String[] { "missed 2", "missed 1" });
		awaitLive();
		laptop.push(Draft.text("live again"));
		assertThat(this.page.locator("cs-feed .clip .content"))
			.hasText(new String[] { "live again", "missed 2", "missed 1" });
	}

	@Test
	void overTheConnectionLimitThePageBacksOffAndCatchesUpWhenThereIsRoom() throws Exception {
		assumeLaunchedFleet();
		this.context.addInitScript(RECORD_CLOSE_CODES);
		String email = "web-" + UUID.randomUUID() + "@example.com";
		api.register(email, PASSWORD);
		String token = login(email, "Scripts").get("accessToken").asString();
		List<SyncClient> first = fill(1, token);
		List<SyncClient> second = fill(2, token);
		signIn(email, "Phone");
		Awaitility.await().atMost(WAIT).until(() -> closeCodes().contains(4429));
		assertThat(this.page.locator("cs-status")).hasAttribute("data-state", "waiting");
		for (int i = 1; i <= 3; i++) {
			api.push(token, Map.of("id", UUID.randomUUID().toString(), "mime", "text/plain", "encoding", "utf8", "data",
					"while refused " + i));
		}
		first.get(0).close();
		second.get(0).close();
		awaitLive();
		assertThat(this.page.locator("cs-feed .clip .content"))
			.hasText(new String[] { "while refused 3", "while refused 2", "while refused 1" });
	}

	@Test
	void phoneAndDesktopLayouts() throws Exception {
		String email = signUp("Pixel 9", "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
		SdkDevice laptop = device(email, "Work laptop", null);
		for (String text : List.of("https://clipsync.dev/docs/protocol", "git clone https://example.com/clipsync.git",
				"Meeting moved to 15:30, room 4.2")) {
			laptop.push(Draft.text(text));
		}
		pushImage(laptop, Pictures.png(1600, 1000, 5));
		assertThat(this.page.locator("cs-feed .clip")).hasCount(4);
		assertThat(this.page.locator("cs-feed .clip img.preview")).isVisible();
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

	/** Runs last: one gateway of the fleet is gone afterwards. */
	@Test
	@Order(Integer.MAX_VALUE)
	void aGatewayRestartSendsThePageToAnotherWithoutLosingClips() throws Exception {
		assumeLaunchedFleet();
		this.context.addInitScript(RECORD_CLOSE_CODES);
		double[] before = { connections(1), connections(2) };
		String email = signUp("Phone");
		int gateway = gatewayThatGained(before);
		SdkDevice laptop = device(email, "Laptop", null);
		laptop.push(Draft.text("before the restart"));
		assertThat(this.page.locator("cs-feed .clip .content").first()).hasText("before the restart");
		// SIGTERM: the gateway drains, closing its connections with 1012
		fleet.gateway(gateway).destroy();
		Awaitility.await().atMost(WAIT).until(() -> closeCodes().contains(1012));
		for (int i = 1; i <= 3; i++) {
			laptop.push(Draft.text("during the restart " + i));
		}
		assertThat(this.page.locator("cs-feed .clip .content")).hasText(new String[] { "during the restart 3",
				"during the restart 2", "during the restart 1", "before the restart" });
		awaitLive();
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

	private void signIn(String email, String deviceName) {
		if (!this.page.url().startsWith(origin)) {
			this.page.navigate(origin);
		}
		this.page.locator("#email").fill(email);
		this.page.locator("#password").fill(PASSWORD);
		this.page.locator("#device-name").fill(deviceName);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
	}

	private void awaitLive() {
		assertThat(this.page.locator("cs-status")).hasAttribute("data-state", "online",
				new LocatorAssertions.HasAttributeOptions().setTimeout(WAIT.toMillis()));
	}

	private void usePassphrase(String passphrase) {
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Settings")).click();
		this.page.locator("#e2e-passphrase").fill(passphrase);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use this passphrase")).click();
		assertThat(this.page.locator("#e2e-off"))
			.isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(WAIT.toMillis()));
		this.page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Clips")).click();
	}

	private JsonNode login(String email, String deviceName) throws Exception {
		return api.login(email, PASSWORD, deviceName);
	}

	/**
	 * Another device of the account: the Java SDK, connected through the front door and
	 * caught up.
	 */
	private SdkDevice device(String email, String deviceName, String passphrase) {
		SdkDevice device = SdkDevice.signIn(data.resolve("profiles-" + UUID.randomUUID()), origin, email, PASSWORD,
				deviceName, passphrase, WAIT);
		this.others.add(device);
		return device;
	}

	/** An image pushed by the SDK as a blob, with the preview it makes; its seq. */
	private static long pushImage(SdkDevice device, byte[] png) throws Exception {
		Path file = Files.write(data.resolve("picture-" + UUID.randomUUID() + ".png"), png);
		return device.push(device.client.upload(file, "image/png", Progress.NONE));
	}

	/** The content of a blob clip, downloaded by the SDK. */
	private static byte[] downloaded(SdkDevice device, Clip clip) throws Exception {
		Path target = data.resolve("download-" + UUID.randomUUID());
		device.client.download(clip, target, Progress.NONE);
		return Files.readAllBytes(target);
	}

	/** The first stored clip that matches, as REST answers it. */
	private static JsonNode awaitClip(String token, Predicate<JsonNode> matches) {
		return Awaitility.await().atMost(WAIT).until(() -> {
			for (JsonNode clip : api.clips(token).get("clips")) {
				if (matches.test(clip)) {
					return clip;
				}
			}
			return null;
		}, (clip) -> clip != null);
	}

	private JsonNode storedClip(String email, long seq) throws Exception {
		return awaitClip(login(email, "Inspector").get("accessToken").asString(),
				(clip) -> clip.get("seq").asLong() == seq);
	}

	private List<Integer> closeCodes() {
		List<Integer> codes = new ArrayList<>();
		for (Object code : (List<?>) this.page.evaluate("() => window.closeCodes || []")) {
			codes.add(((Number) code).intValue());
		}
		return codes;
	}

	/**
	 * Connections straight to one gateway until it refuses one with 4429: the user then
	 * holds all it allows. They close with the test.
	 */
	private List<SyncClient> fill(int gateway, String token) {
		URI direct = URI.create("ws://127.0.0.1:" + fleet.gatewayPort(gateway) + "/v1/sync");
		List<SyncClient> held = new ArrayList<>();
		for (int i = 0; i <= LocalFleet.CONNECTIONS_PER_USER; i++) {
			SyncClient client = SyncClient.connectRaw(direct, token);
			this.others.add(client);
			JsonNode first = Awaitility.await()
				.atMost(WAIT)
				.until(() -> client.isClosed() ? SyncClient.json.createObjectNode()
						: client.poll(Duration.ofMillis(200)), (message) -> message != null);
			if (client.isClosed() && !first.has("type")) {
				assertThat(client.closeCode(WAIT)).isEqualTo(4429);
				assertThat(held).hasSize(LocalFleet.CONNECTIONS_PER_USER);
				return held;
			}
			assertThat(first.get("type").asString()).isEqualTo("welcome");
			held.add(client);
		}
		throw new AssertionError("gateway " + gateway + " took more than " + LocalFleet.CONNECTIONS_PER_USER
				+ " connections of one user");
	}

	/**
	 * The gateway the page's connection went to: the one whose own connection gauge grew
	 * by one since {@code before} while the other's did not grow.
	 */
	private static int gatewayThatGained(double[] before) throws Exception {
		double[] after = { connections(1), connections(2) };
		double first = after[0] - before[0];
		double second = after[1] - before[1];
		if (first == 1 && second <= 0) {
			return 1;
		}
		if (second == 1 && first <= 0) {
			return 2;
		}
		throw new AssertionError("cannot tell the page's gateway: connections went from " + Arrays.toString(before)
				+ " to " + Arrays.toString(after));
	}

	private static double connections(int gateway) throws Exception {
		String metrics = HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + fleet.gatewayPort(gateway) + "/actuator/prometheus"))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
			.body();
		return metrics.lines()
			.filter((line) -> line.startsWith("clipsync_gateway_connections"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	/**
	 * Against a fleet this test did not start, its settings and processes are out of
	 * reach.
	 */
	private static void assumeLaunchedFleet() {
		Assumptions.assumeTrue(fleet != null, "needs the fleet the test launches (not -Dclipsync.origin)");
	}

	private static void record(String line) throws Exception {
		System.out.println(line);
		Files.writeString(Path.of("target/web-timings.txt"), line + "\n", StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

}
