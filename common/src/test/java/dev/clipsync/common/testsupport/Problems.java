package dev.clipsync.common.testsupport;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the problem details of an error answer, checking on the way that it is one: every
 * error of every REST endpoint is {@code application/problem+json} with a {@code code}.
 */
public final class Problems {

	private Problems() {
	}

	/**
	 * The answer's problem code, after checking its content type.
	 * @param response an error answer, its body as a string or bytes
	 * @return the {@code code}
	 */
	public static String code(HttpResponse<?> response) {
		Object body = response.body();
		String text = (body instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
		assertThat(response.headers().firstValue("Content-Type"))
			.as("Content-Type of %d %s", response.statusCode(), text)
			.hasValue("application/problem+json");
		return SyncClient.json.readTree(text).path("code").asString(null);
	}

}
