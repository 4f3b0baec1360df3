package dev.clipsync.gateway;

import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.TestTokens;

/**
 * Two gateways and a token issuer shared by the test classes of this module, started
 * once. The push rate limit is raised (burst 600, 200/s) so bursts of hundreds of pushes
 * fit; a flood past it is still refused.
 */
public final class TwoGateways {

	private static TwoGateways shared;

	public final TestTokens tokens = new TestTokens();

	public final RunningGateway a;

	public final RunningGateway b;

	private TwoGateways() {
		// Closed at the JVM's exit with test connections still open: a graceful stop
		// would wait its full 30 s for them, and Surefire kills a fork that takes that
		// long.
		Map<String, Object> settings = Map.of("clipsync.connections.pushes-per-second", "200",
				"clipsync.connections.push-burst", "600", "server.shutdown", "immediate");
		this.a = RunningGateway.start(this.tokens, settings);
		this.b = RunningGateway.start(this.tokens, settings);
	}

	public static synchronized TwoGateways get() {
		if (shared == null) {
			shared = new TwoGateways();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				shared.a.close();
				shared.b.close();
				shared.tokens.close();
			}));
		}
		return shared;
	}

	/** A token for a new device of the user. */
	public String token(UUID userId) {
		return this.tokens.token(userId, UUID.randomUUID());
	}

}
