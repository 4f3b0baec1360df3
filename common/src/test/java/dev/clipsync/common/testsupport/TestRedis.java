package dev.clipsync.common.testsupport;

/**
 * A real Redis server for one test run, with a key prefix of its own so runs sharing a
 * server never see each other's keys or channels.
 *
 * @param host the server's host
 * @param port the server's port
 * @param keyPrefix the prefix for every key and channel of this run
 * @param origin where the server came from, for the log
 */
public record TestRedis(String host, int port, String keyPrefix, String origin) {

	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

}
