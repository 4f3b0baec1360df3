package dev.clipsync.auth.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.web.ProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordsTest {

	@Test
	void aBurstOfChecksBeyondThePoolAndItsQueueIsRefusedWith503AndRetryAfter() throws Exception {
		// one thread, one waiting check: of 12 simultaneous checks, most cannot even wait
		Passwords passwords = new Passwords(properties(Map.of("clipsync.passwords.bcrypt-cost", "12",
				"clipsync.passwords.hashing-threads", "1", "clipsync.passwords.max-waiting-checks", "1")),
				new SimpleMeterRegistry());
		try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
			CyclicBarrier start = new CyclicBarrier(12);
			List<Future<Object>> outcomes = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				outcomes.add(requests.submit(() -> {
					start.await();
					try {
						return passwords.matches("a wrong password", null);
					}
					catch (ProblemException ex) {
						return ex;
					}
				}));
			}
			List<ProblemException> refused = new ArrayList<>();
			int checked = 0;
			for (Future<Object> outcome : outcomes) {
				if (outcome.get() instanceof ProblemException problem) {
					refused.add(problem);
				}
				else {
					assertThat(outcome.get()).isEqualTo(false);
					checked++;
				}
			}
			assertThat(checked).isBetween(2, 11);
			assertThat(refused).isNotEmpty();
			for (ProblemException problem : refused) {
				assertThat(problem.problem().getStatus()).isEqualTo(503);
				assertThat(problem.problem().getProperties()).containsEntry("code", "unavailable");
				assertThat(problem.headers().getFirst("Retry-After")).isEqualTo("1");
			}
		}
		finally {
			passwords.destroy();
		}
	}

	@Test
	void checksWithinTheBoundAllComplete() throws Exception {
		Passwords passwords = new Passwords(properties(Map.of("clipsync.passwords.bcrypt-cost", "4",
				"clipsync.passwords.hashing-threads", "1", "clipsync.passwords.max-waiting-checks", "8")),
				new SimpleMeterRegistry());
		try {
			String hash = passwords.hash("correct horse battery");
			assertThat(hash).startsWith("$2a$04$");
		}
		finally {
			passwords.destroy();
		}
	}

	private static AuthProperties properties(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("clipsync", AuthProperties.class);
	}

}
