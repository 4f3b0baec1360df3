package dev.clipsync.web;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.clipsync.common.testsupport.SyncClient;
import tools.jackson.databind.JsonNode;

/**
 * Blobs over plain HTTP ({@code POST /v1/blobs}, {@code GET /v1/blobs/{id}}) and their
 * end-to-end encryption in 1 MiB chunks, done with the JDK's own crypto, independently of
 * the page's WebCrypto code. The Java SDK has no blob calls yet; when it has, these move
 * to it.
 */
final class Blobs {

	static final int CHUNK = 1024 * 1024;

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static final SecureRandom random = new SecureRandom();

	private Blobs() {
	}

	/** Uploads the bytes; the ref the gateway answered ({blobId, size, sha256}). */
	static Map<String, Object> upload(String origin, String token, byte[] bytes, String mime) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(origin + "/v1/blobs"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", mime)
			.header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(sha256(bytes)))
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 201) {
			throw new AssertionError("upload answered " + response.statusCode() + " " + response.body());
		}
		JsonNode ref = SyncClient.json.readTree(response.body());
		return Map.of("blobId", ref.get("blobId").asString(), "size", ref.get("size").asLong(), "sha256",
				ref.get("sha256").asString());
	}

	static byte[] download(String origin, String token, String blobId) throws Exception {
		HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(origin + "/v1/blobs/" + blobId))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		if (response.statusCode() != 200) {
			throw new AssertionError("download answered " + response.statusCode());
		}
		return response.body();
	}

	static byte[] sha256(byte[] bytes) throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

	static String sha256Hex(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(sha256(bytes));
	}

	/**
	 * The blob of encrypted clip {@code clipId}: chunk i sealed with "userId:clipId:i".
	 */
	static byte[] seal(byte[] key, String userId, String clipId, byte[] plain) throws Exception {
		ByteArrayOutputStream sealed = new ByteArrayOutputStream();
		int index = 0;
		for (int offset = 0; offset < plain.length || index == 0; offset += CHUNK, index++) {
			byte[] nonce = new byte[12];
			random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
			cipher.updateAAD(associated(userId, clipId, index));
			byte[] chunk = cipher.doFinal(plain, offset, Math.min(CHUNK, plain.length - offset));
			sealed.write(1);
			sealed.write(nonce);
			sealed.write(chunk);
		}
		return sealed.toByteArray();
	}

	static byte[] open(byte[] key, String userId, String clipId, byte[] sealed) throws Exception {
		ByteArrayOutputStream plain = new ByteArrayOutputStream();
		int sealedChunk = 1 + 12 + CHUNK + 16;
		ByteBuffer rest = ByteBuffer.wrap(sealed);
		for (int index = 0; rest.hasRemaining(); index++) {
			byte[] chunk = new byte[Math.min(sealedChunk, rest.remaining())];
			rest.get(chunk);
			if (chunk[0] != 1) {
				throw new IllegalArgumentException("chunk " + index + " has format version " + chunk[0]);
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, chunk, 1, 12));
			cipher.updateAAD(associated(userId, clipId, index));
			plain.write(cipher.doFinal(chunk, 13, chunk.length - 13));
		}
		return plain.toByteArray();
	}

	private static byte[] associated(String userId, String clipId, int index) {
		return (userId + ":" + clipId + ":" + index).getBytes(StandardCharsets.UTF_8);
	}

}
