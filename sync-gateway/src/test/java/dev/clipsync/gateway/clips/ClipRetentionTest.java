package dev.clipsync.gateway.clips;

import java.util.UUID;

import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

class ClipRetentionTest {

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void clipsOlderThanTheMaximumAgeAreDeletedByAnyGateway() {
		UUID user = UUID.randomUUID();
		ClipStore store = this.gateways.a.bean(ClipStore.class);
		UUID session = UUID.randomUUID();
		store.push(user, UUID.randomUUID(), session,
				new ClipDraft(UUID.randomUUID(), "text/plain", "old", "utf8", false, false, null));
		store.push(user, UUID.randomUUID(), session,
				new ClipDraft(UUID.randomUUID(), "text/plain", "new", "utf8", false, false, null));
		this.gateways.a.bean(JdbcClient.class)
			.sql("update clips set created_at = now() - interval '31 days' where user_id = ? and seq = 1")
			.param(user)
			.update();

		this.gateways.b.bean(ClipRetention.class).deleteExpired();

		assertThat(store.after(user, 0, 10, 1024)).extracting(Clip::data).containsExactly("new");
	}

}
