package dev.clipsync.gateway.blobs;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blobs over real HTTP against a gateway with small limits: 3 MB per blob, 5 MB per user.
 */
class BlobsTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static RunningGateway gateway;

	private static TwoGateways shared;

	@BeforeAll
	static void start() {
		shared = TwoGateways.get();
		gateway = RunningGateway.start(shared.tokens, Map.of("clipsync.blobs.max-size", "3MB",
				"clipsync.blobs.quota-per-user", "5MB", "clipsync.blobs.unreferenced-ttl", "1s"));
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void anUploadComesBackWholeAndInRangesWithItsDigestAsETag() throws Exception {
		String token = shared.token(UUID.randomUUID());
		byte[] bytes = random(2 * 1024 * 1024 + 123);
		HttpResponse<String> created = upload(token, "image/png", bytes, digestHeader(bytes));
		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode ref = SyncClient.json.readTree(created.body());
		assertThat(ref.get("size").asLong()).isEqualTo(bytes.length);
		assertThat(ref.get("sha256").asString()).isEqualTo(sha256(bytes));
		String blobId = ref.get("blobId").asString();

		HttpResponse<byte[]> whole = download(token, blobId, null);
		assertThat(whole.statusCode()).isEqualTo(200);
		assertThat(whole.headers().firstValue("Content-Type")).hasValue("image/png");
		assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + sha256(bytes) + "\"");
		assertThat(whole.body()).isEqualTo(bytes);

		// across a chunk boundary, as a resumed download asks
		long from = 1024 * 1024 - 10;
		HttpResponse<byte[]> part = download(token, blobId, "bytes=" + from + "-");
		assertThat(part.statusCode()).isEqualTo(206);
		assertThat(part.headers().firstValue("Content-Range"))
			.hasValue("bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
		assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, (int) from, bytes.length));
		assertThat(download(token, blobId, "bytes=-5").body())
			.isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 5, bytes.length));

		HttpResponse<byte[]> past = download(token, blobId, "bytes=" + bytes.length + "-");
		assertThat(past.statusCode()).isEqualTo(416);
		assertThat(problemCode(past)).isEqualTo("range_not_satisfiable");

		// another user's, or an unknown one: not found
		assertThat(download(shared.token(UUID.randomUUID()), blobId, null).statusCode()).isEqualTo(404);
		assertThat(download(token, UUID.randomUUID().toString(), null).statusCode()).isEqualTo(404);
	}

	@Test
	void badUploadsAreRefusedClearlyAndLeaveNothingStored() throws Exception {
		UUID user = UUID.randomUUID();
		String token = shared.token(user);
		byte[] bytes = random(200_000);

		HttpResponse<String> wrongDigest = upload(token, "application/pdf", bytes, digestHeader(random(10)));
		assertThat(wrongDigest.statusCode()).isEqualTo(400);
		assertThat(problemCode(wrongDigest)).isEqualTo("digest_mismatch");

		// streamed with no declared length: the limit is counted as the bytes arrive
		byte[] big = random(3 * 1024 * 1024 + 1);
		HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/blobs"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "video/mp4")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(tooLarge.statusCode()).isEqualTo(413);
		assertThat(problemCode(tooLarge)).isEqualTo("too_large");

		HttpResponse<String> noType = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/blobs"))
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(noType.statusCode()).isEqualTo(415);

		// over the quota: the second 3 MB blob would make 6 MB
		assertThat(upload(token, "image/png", random(3 * 1000 * 1000), null).statusCode()).isEqualTo(201);
		HttpResponse<String> overQuota = upload(token, "image/png", random(3 * 1000 * 1000), null);
		assertThat(overQuota.statusCode()).isEqualTo(507);
		assertThat(problemCode(overQuota)).isEqualTo("quota_exceeded");

		assertThat(storedBlobs(user)).isEqualTo(1);
	}

	@Test
	void anUploadThatBreaksOffLeavesNothingStored() throws Exception {
		UUID user = UUID.randomUUID();
		String token = shared.token(user);
		try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /v1/blobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
					+ "\r\nContent-Type: image/png\r\nContent-Length: 2000000\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(random(1_100_000));
			out.flush();
			// the first chunk is stored before the break
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> storedChunks(user) > 0);
		}
		Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> storedBlobs(user) == 0);
	}

	@Test
	void aPushCarriesTheReferenceToEveryDeviceAndTheBlobGoesWithItsLastClip() throws Exception {
		UUID user = UUID.randomUUID();
		String token = shared.token(user);
		byte[] bytes = random(1_500_000);
		JsonNode ref = SyncClient.json.readTree(upload(token, "image/png", bytes, null).body());
		try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), token);
				SyncClient receiver = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
			receiver.send(Map.of("type", "sync", "after", 0));
			receiver.next("synced");
			UUID id = UUID.randomUUID();
			pusher.send(Map.of("type", "push", "id", id.toString(), "mime", "image/png", "data", "", "encoding",
					"base64", "blob", ref));
			long seq = pusher.next("ack").get("seq").asLong();
			JsonNode clip = receiver.next("clip");
			assertThat(clip.get("blob").get("blobId").asString()).isEqualTo(ref.get("blobId").asString());
			assertThat(clip.get("blob").get("sha256").asString()).isEqualTo(sha256(bytes));

			// a reference that does not match what was uploaded is refused
			pusher.send(Map.of("type", "push", "id", UUID.randomUUID().toString(), "mime", "image/png", "blob",
					Map.of("blobId", ref.get("blobId").asString(), "size", 1, "sha256", sha256(bytes))));
			assertThat(pusher.next("error").get("message").asString()).contains("POST /v1/blobs");

			BlobStore store = gateway.bean(BlobStore.class);
			Instant later = Instant.now().plus(Duration.ofHours(2));
			store.deleteUnreferenced(later, Instant.now().minus(Duration.ofHours(2)));
			assertThat(storedBlobs(user)).isEqualTo(1);
			http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/clips/" + seq))
				.header("Authorization", "Bearer " + token)
				.DELETE()
				.build(), HttpResponse.BodyHandlers.discarding());
			store.deleteUnreferenced(later, Instant.now().minus(Duration.ofHours(2)));
			assertThat(storedBlobs(user)).isZero();
		}
	}

	@Test
	void anUploadNoClipRefersToIsDeletedAfterItsTime() throws Exception {
		UUID user = UUID.randomUUID();
		upload(shared.token(user), "text/plain", random(1000), null);
		assertThat(storedBlobs(user)).isEqualTo(1);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			gateway.bean(BlobRetention.class).deleteUnreferenced();
			return storedBlobs(user) == 0;
		});
	}

	private static HttpResponse<String> upload(String token, String mime, byte[] bytes, String digest)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/blobs"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", mime)
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
		if (digest != null) {
			request.header("Digest", digest);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<byte[]> download(String token, String blobId, String range) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/blobs/" + blobId))
			.header("Authorization", "Bearer " + token);
		if (range != null) {
			request.header("Range", range);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static String problemCode(HttpResponse<?> response) {
		return Problems.code(response);
	}

	private static long storedBlobs(UUID user) {
		return gateway.bean(JdbcClient.class)
			.sql("select count(*) from blobs where user_id = ?")
			.param(user)
			.query(Long.class)
			.single();
	}

	private static long storedChunks(UUID user) {
		return gateway.bean(JdbcClient.class)
			.sql("select count(*) from blob_chunks c join blobs b using (blob_id) where b.user_id = ?")
			.param(user)
			.query(Long.class)
			.single();
	}

	private static byte[] random(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	private static String digestHeader(byte[] bytes) throws Exception {
		return "sha-256=" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
