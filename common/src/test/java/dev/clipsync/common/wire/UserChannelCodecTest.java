package dev.clipsync.common.wire;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class UserChannelCodecTest {

	private final UserChannelCodec codec = new UserChannelCodec(JsonMapper.builder().build());

	@Test
	void signOutHasItsDocumentedShapeAndRoundTrips() {
		UUID device = UUID.fromString("7f7c0e1e-2c1b-4f57-9a57-0d3f1b1f2a10");
		SignOut signOut = new SignOut(SignOut.Reason.PASSWORD_CHANGED, List.of(device),
				Instant.parse("2026-11-22T12:00:00Z"));
		String json = this.codec.encode(signOut);
		assertThat(json).isEqualTo("{\"type\":\"signout\",\"reason\":\"password_changed\",\"deviceIds\":"
				+ "[\"7f7c0e1e-2c1b-4f57-9a57-0d3f1b1f2a10\"],\"at\":\"2026-11-22T12:00:00Z\"}");
		assertThat(this.codec.decode(json)).isEqualTo(signOut);
	}

	@Test
	void aGatewayKnowsItsOwnClipsWithoutDecodingThem() {
		ClipPublished clip = new ClipPublished("gateway-1", 7, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
				"text/plain", "hi", "utf8", false, false, null, Instant.parse("2026-11-22T12:00:00Z"));
		String json = this.codec.encode(clip);
		assertThat(this.codec.decode(json)).isEqualTo(clip);
		assertThat(this.codec.isClipFrom(json, "gateway-1")).isTrue();
		assertThat(this.codec.isClipFrom(json, "gateway-")).isFalse();
		assertThat(this.codec.isClipFrom(json, "gateway-2")).isFalse();
		String signOut = this.codec.encode(new SignOut(SignOut.Reason.DEVICE_REVOKED, List.of(), Instant.now()));
		assertThat(this.codec.isClipFrom(signOut, "gateway-1")).isFalse();
	}

}
