package dev.clipsync.bench.delivery;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.clipsync.bench.DurationConverter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Redis floor under any delivery figure: one PUBLISH on one connection until the
 * message is read on a subscribed connection, one message at a time, nothing else in
 * between. Neither system can deliver faster than this through Redis.
 */
@Command(name = "redis-round-trip", mixinStandardHelpOptions = true,
		description = { "Publishes --messages messages of --payload-bytes one at a time and measures each from "
				+ "PUBLISH to its arrival on a subscribed connection (both Lettuce, the gateway's client)." })
public final class RedisRoundTrip implements Callable<Integer> {

	@Option(names = "--redis-url", description = "(default: ${DEFAULT-VALUE})")
	String redisUrl = "redis://127.0.0.1:6379";

	@Option(names = "--messages", description = "(default: ${DEFAULT-VALUE})")
	int messages = 20_000;

	@Option(names = "--warmup-messages", description = "not counted (default: ${DEFAULT-VALUE})")
	int warmupMessages = 2_000;

	@Option(names = "--payload-bytes", description = "(default: ${DEFAULT-VALUE})")
	int payloadBytes = 300;

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "longest wait for one message (default: 5s)")
	Duration timeout = Duration.ofSeconds(5);

	public static void main(String[] args) {
		System.exit(new CommandLine(new RedisRoundTrip()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		String channel = "bench-floor:" + UUID.randomUUID();
		String payload = "x".repeat(Math.max(1, this.payloadBytes));
		BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
		Histogram micros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
		RedisClient client = RedisClient.create(this.redisUrl);
		try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				StatefulRedisConnection<String, String> publisher = client.connect()) {
			subscriber.addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String from, String message) {
					arrivals.offer(System.nanoTime());
				}
			});
			subscriber.sync().subscribe(channel);
			for (int i = 0; i < this.warmupMessages + this.messages; i++) {
				long start = System.nanoTime();
				publisher.sync().publish(channel, payload);
				Long arrived = arrivals.poll(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
				if (arrived == null) {
					System.err.println("Message " + i + " did not arrive within " + this.timeout);
					return 1;
				}
				if (i >= this.warmupMessages) {
					micros.recordValue(Math.max(0, (arrived - start) / 1000));
				}
			}
			subscriber.sync().unsubscribe(channel);
		}
		finally {
			client.shutdown();
		}
		System.out.printf(Locale.ROOT,
				"Redis publish-to-subscribe, %d messages of %d bytes, one at a time: p50 %.3f ms, p99 %.3f ms, "
						+ "p99.9 %.3f ms, max %.3f ms%n",
				micros.getTotalCount(), this.payloadBytes, micros.getValueAtPercentile(50) / 1000.0,
				micros.getValueAtPercentile(99) / 1000.0, micros.getValueAtPercentile(99.9) / 1000.0,
				micros.getMaxValue() / 1000.0);
		return 0;
	}

}
