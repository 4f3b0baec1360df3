package dev.clipsync.gateway;

import dev.clipsync.common.testsupport.SyncClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityTest {

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void probesAndMetricsAreExposed() throws Exception {
		UUID user = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient receiver = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user))) {
			pusher.push("measured");
			pusher.next("ack");
			receiver.next("clip");
			assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
			HttpResponse<String> readiness = get("/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(200);
			String metrics = get("/actuator/prometheus").body();
			assertThat(metrics).contains("clipsync_gateway_connections{")
				.contains("clipsync_gateway_pushes_total")
				.contains("clipsync_gateway_deliveries_total")
				.contains("clipsync_gateway_pushes_duplicate_total")
				.contains("clipsync_gateway_delivery_latency_seconds_bucket")
				.contains("clipsync_gateway_slow_consumer_closes_total")
				// HTTP requests are observed, but not the upgrades to /v1/sync
				.contains("uri=\"/actuator/health/**\"")
				.doesNotContain("uri=\"/v1/sync\"");
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.gateways.a.baseUrl() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

}
