package dev.clipsync.client.testfleet;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clipsync.common.testsupport.ForkedService;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestPostgres;

/**
 * The whole fleet as clients meet it, each service from its jar in a process of its own:
 * auth-service (which serves discovery), two sync-gateways behind a TCP load balancer,
 * and presence-service. The gateways reach PostgreSQL through a proxy the test can cut
 * ("storage down") without stopping the shared database. One fleet per test JVM: started
 * on first use, stopped when the JVM exits.
 */
public final class Fleet {

	private static Fleet shared;

	private final TcpProxy gatewayDoor = new TcpProxy();

	private final TcpProxy presenceDoor = new TcpProxy();

	private final TcpProxy storage = new TcpProxy();

	private final List<ForkedService> gateways = new ArrayList<>();

	private final ForkedService auth;

	private final ForkedService presence;

	private final TestPostgres postgres = TestInfrastructure.postgres();

	private Fleet() {
		URI postgresUri = URI.create(this.postgres.jdbcUrl().substring("jdbc:".length()));
		this.storage.backends(List.of(postgresUri.getPort()));
		Map<String, Object> authProperties = database(this.postgres.jdbcUrl());
		authProperties.put("clipsync.discovery.sync", "ws://127.0.0.1:" + this.gatewayDoor.port() + "/v1/sync");
		authProperties.put("clipsync.discovery.clips", "http://127.0.0.1:" + this.gatewayDoor.port() + "/v1/clips");
		authProperties.put("clipsync.discovery.blobs", "http://127.0.0.1:" + this.gatewayDoor.port() + "/v1/blobs");
		authProperties.put("clipsync.discovery.presence",
				"http://127.0.0.1:" + this.presenceDoor.port() + "/v1/presence");
		authProperties.put("clipsync.login.registrations-per-address", "100000");
		authProperties.put("clipsync.login.failures-per-address", "100000");
		authProperties.put("clipsync.passwords.bcrypt-cost", "4");
		// short-lived access tokens: clients swap them in band within the tests' time
		authProperties.put("clipsync.tokens.access-token-lifetime", "60s");
		// one at a time: on a busy machine, services starting together all start slowly
		this.auth = ForkedService.fromJar(jar("auth-service"), authProperties);
		try {
			this.gateways.add(newGateway());
			this.gateways.add(newGateway());
			this.presence = ForkedService.fromJar(jar("presence-service"), common());
		}
		catch (RuntimeException ex) {
			this.gateways.forEach(ForkedService::close);
			this.auth.close();
			throw ex;
		}
		this.presenceDoor.backends(List.of(this.presence.port()));
		balance();
		Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
	}

	/**
	 * @return the fleet of this test JVM, started on first use
	 */
	public static synchronized Fleet shared() {
		if (shared == null) {
			shared = new Fleet();
		}
		return shared;
	}

	/**
	 * @return the one URL a client needs
	 */
	public URI server() {
		return URI.create("http://127.0.0.1:" + this.auth.port());
	}

	public synchronized List<ForkedService> gateways() {
		return List.copyOf(this.gateways);
	}

	/** SIGKILL a gateway; the load balancer sends new connections to the others. */
	public synchronized void killGateway(ForkedService gateway) {
		gateway.kill();
		this.gateways.remove(gateway);
		balance();
	}

	/** Start one more gateway behind the load balancer. */
	public ForkedService addGateway() {
		ForkedService gateway = newGateway();
		synchronized (this) {
			this.gateways.add(gateway);
			balance();
		}
		return gateway;
	}

	/**
	 * PostgreSQL is gone for the gateways: open connections die, new ones are refused.
	 */
	public void storageDown() {
		this.storage.cut();
	}

	public void storageUp() {
		this.storage.restore();
	}

	/**
	 * @return a connection to the gateways' database (schema {@code sync}), not through
	 * the cuttable proxy
	 */
	public Connection database() throws SQLException {
		Connection connection = this.postgres.username().isEmpty()
				? DriverManager.getConnection(this.postgres.jdbcUrl()) : DriverManager
					.getConnection(this.postgres.jdbcUrl(), this.postgres.username(), this.postgres.password());
		connection.setSchema("sync");
		return connection;
	}

	private ForkedService newGateway() {
		URI direct = URI.create(this.postgres.jdbcUrl().substring("jdbc:".length()));
		String viaProxy = this.postgres.jdbcUrl()
			.replaceFirst("//" + direct.getHost() + ":" + direct.getPort() + "/",
					"//127.0.0.1:" + this.storage.port() + "/");
		Map<String, Object> properties = database(viaProxy);
		properties.put("spring.datasource.hikari.connection-timeout", "2000");
		properties.put("clipsync.presence.gateway-ttl", "3s");
		properties.put("clipsync.drain.window", "100ms");
		// small enough for a test to reach with two uploads, large enough for one of 30
		// MiB
		properties.put("clipsync.blobs.quota-per-user", "40MB");
		return ForkedService.fromJar(jar("sync-gateway"), properties);
	}

	private void balance() {
		this.gatewayDoor.backends(this.gateways.stream().map(ForkedService::port).toList());
	}

	private Map<String, Object> database(String jdbcUrl) {
		Map<String, Object> properties = common();
		properties.put("spring.datasource.url", jdbcUrl);
		if (!this.postgres.username().isEmpty()) {
			properties.put("spring.datasource.username", this.postgres.username());
			properties.put("spring.datasource.password", this.postgres.password());
		}
		return properties;
	}

	private Map<String, Object> common() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.data.redis.url", TestInfrastructure.redis().url());
		properties.put("clipsync.redis.key-prefix", TestInfrastructure.redis().keyPrefix());
		properties.put("logging.structured.format.console", "");
		if (this.auth != null) {
			properties.put("clipsync.tokens.jwks-uri",
					"http://127.0.0.1:" + this.auth.port() + "/.well-known/jwks.json");
		}
		return properties;
	}

	private static Path jar(String module) {
		return Path.of(System.getProperty("clipsync.repository", ".."), module, "target",
				module + "-0.1.0-SNAPSHOT.jar");
	}

	private synchronized void stop() {
		this.gateways.forEach(ForkedService::close);
		this.presence.close();
		this.auth.close();
		this.gatewayDoor.close();
		this.presenceDoor.close();
		this.storage.close();
	}

}
