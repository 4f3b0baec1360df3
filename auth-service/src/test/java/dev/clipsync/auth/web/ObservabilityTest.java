package dev.clipsync.auth.web;

import java.util.Map;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest {

	@LocalServerPort
	int port;

	@Test
	void probesAndMetricsAreExposed() {
		AuthApi api = new AuthApi(this.port);
		Account account = api.register();
		Session session = api.login(account, "Laptop");
		api.post("/v1/auth/login", Map.of("email", account.email(), "password", "wrong password", "device",
				Map.of("name", "x", "platform", "linux")));
		api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));

		assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
		assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
		String metrics = api.get("/actuator/prometheus", null).body();
		assertThat(metrics).contains("clipsync_auth_registrations_total")
			.contains("clipsync_auth_logins_total{application=\"auth-service\",outcome=\"ok\"}")
			.contains("clipsync_auth_logins_total{application=\"auth-service\",outcome=\"failed\"}")
			.contains("clipsync_auth_refreshes_total{application=\"auth-service\",outcome=\"ok\"}")
			.contains("clipsync_auth_refreshes_total{application=\"auth-service\",outcome=\"reused\"}")
			.contains("clipsync_auth_token_reuse_detected_total");
	}

	@Test
	void discoveryTellsWhereEverythingIs() {
		AuthApi api = new AuthApi(this.port);
		var discovery = api.get("/.well-known/clipsync", null);
		assertThat(discovery.status()).isEqualTo(200);
		assertThat(discovery.body()).isEqualTo("{\"api\":\"v1\",\"auth\":\"/v1/auth\",\"sync\":\"/v1/sync\","
				+ "\"clips\":\"/v1/clips\",\"presence\":\"/v1/presence\",\"devices\":\"/v1/devices\","
				+ "\"account\":\"/v1/account\",\"blobs\":\"/v1/blobs\",\"jwks\":\"/.well-known/jwks.json\",\"web\":\"/\"}");
	}

	@Test
	void logsNeverContainPasswordsTokensOrHashes(CapturedOutput output) {
		AuthApi api = new AuthApi(this.port);
		Account account = api.register();
		Session session = api.login(account, "Laptop");
		api.post("/v1/auth/login", Map.of("email", account.email(), "password", "a wrong guess", "device",
				Map.of("name", "x", "platform", "linux")));
		api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		api.post("/v1/auth/password", Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "the next secret"),
				session.accessToken());

		assertThat(output.getAll()).contains(account.userId().toString())
			.doesNotContain(AuthApi.PASSWORD)
			.doesNotContain("a wrong guess")
			.doesNotContain("the next secret")
			.doesNotContain(session.accessToken())
			.doesNotContain(session.refreshToken())
			.doesNotContain("$2a$");
	}

}
