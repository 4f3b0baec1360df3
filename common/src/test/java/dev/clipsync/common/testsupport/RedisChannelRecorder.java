package dev.clipsync.common.testsupport;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

/**
 * Subscribes to a Redis channel of the test run's server and keeps what is published, so
 * a test can assert on the messages a service sends.
 */
public final class RedisChannelRecorder implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisPubSubConnection<String, String> connection;

	private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

	private RedisChannelRecorder(String channel) {
		this.client = RedisClient.create(TestInfrastructure.redis().url());
		this.connection = this.client.connectPubSub();
		this.connection.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String from, String message) {
				RedisChannelRecorder.this.messages.add(message);
			}
		});
		this.connection.sync().subscribe(channel);
	}

	/**
	 * Start recording a channel; the subscription is active when this returns.
	 * @param channel the full channel name
	 * @return the recorder, to close after the test
	 */
	public static RedisChannelRecorder subscribe(String channel) {
		return new RedisChannelRecorder(channel);
	}

	/**
	 * The next message, waiting at most {@code timeout}.
	 * @param timeout how long to wait
	 * @return the message, or {@code null} if none came
	 */
	public @Nullable String next(Duration timeout) {
		try {
			return this.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
