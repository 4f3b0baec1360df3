package dev.clipsync.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What the server stores and serves for a blob, read over plain HTTP: to see that it
 * holds ciphertext when the clip is end-to-end encrypted.
 */
final class Blobs {

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Blobs() {
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

	static String sha256Hex(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
