package dev.clipsync.gateway.clips;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import dev.clipsync.gateway.GatewayProperties;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;

/**
 * Pushes of many users stored in shared transactions. Every push is durable before it is
 * answered, and a durable commit costs a disk flush, so pushes one commit at a time stop
 * at what the flush allows (about 140/s per connection on the 2-core benchmark machine).
 * <p>
 * A push that finds one of the few commit slots free is committed at once, alone, by its
 * own thread: when the database is idle, nobody waits for company. Pushes that arrive
 * while every slot is busy queue up, and the next slot to come free takes them all (up to
 * a count and a byte bound) into one transaction. A group is sorted by user, stably: one
 * user's pushes keep their order, and concurrent groups lock users in the same order, so
 * they cannot deadlock. When the group's transaction fails on one push's data, each push
 * is tried again alone, so that push alone fails.
 */
final class GroupCommit {

	private final Function<List<Push>, List<ClipStore.Stored>> store;

	private final int slots;

	private final int maxPushes;

	private final long maxBytes;

	private final Queue<Push> waiting = new ArrayDeque<>();

	/** Slots committing now; guarded by {@code waiting}. */
	private int committing;

	private final DistributionSummary groupSizes;

	/**
	 * @param store stores a group in one transaction and answers in the group's order
	 */
	GroupCommit(Function<List<Push>, List<ClipStore.Stored>> store, GatewayProperties.GroupCommit settings,
			MeterRegistry meters) {
		this.store = store;
		this.slots = settings.commits();
		this.maxPushes = settings.maxPushes();
		this.maxBytes = settings.maxBytes().toBytes();
		this.groupSizes = DistributionSummary.builder("clipsync.gateway.push.group.size")
			.description("pushes stored by one commit")
			.register(meters);
		meters.gauge("clipsync.gateway.push.waiting", this, GroupCommit::waiting);
	}

	/**
	 * Store a push, returning once it is committed.
	 * @param push the push
	 * @return what was stored
	 */
	ClipStore.Stored push(Push push) {
		boolean lead;
		synchronized (this.waiting) {
			this.waiting.add(push);
			lead = this.committing < this.slots;
			if (lead) {
				this.committing++;
			}
		}
		if (lead) {
			lead(push);
		}
		try {
			return push.outcome().get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			// It may still commit: the client's retry with the same id finds it.
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while the push was committed", ex);
		}
	}

	/**
	 * Commit on the pushing thread until its own push is done: when the database keeps
	 * up, a push costs no thread start nor switch. What is still waiting then goes to a
	 * thread of its own, so this connection's next message is not held up by others'.
	 */
	private void lead(Push push) {
		while (!push.outcome().isDone()) {
			List<Push> group = takeGroupOrRelease();
			if (group == null) {
				// Another slot took this push; this one is given back.
				return;
			}
			commit(group);
		}
		synchronized (this.waiting) {
			if (this.waiting.isEmpty()) {
				this.committing--;
				return;
			}
		}
		Thread.ofVirtual().name("group-commit").start(this::commitWhileWaiting);
	}

	private void commitWhileWaiting() {
		List<Push> group;
		while ((group = takeGroupOrRelease()) != null) {
			commit(group);
		}
	}

	/**
	 * The next group from the front of the queue, sorted by user; {@code null} when none
	 * waits, and then the caller's commit slot is given back in the same step, so a push
	 * queued meanwhile always finds a slot or a committer that will take it.
	 */
	private @Nullable List<Push> takeGroupOrRelease() {
		List<Push> group = new ArrayList<>();
		synchronized (this.waiting) {
			long bytes = 0;
			Push next;
			while (group.size() < this.maxPushes && (next = this.waiting.peek()) != null
					&& (group.isEmpty() || bytes + next.bytes() <= this.maxBytes)) {
				group.add(this.waiting.remove());
				bytes += next.bytes();
			}
			if (group.isEmpty()) {
				this.committing--;
				return null;
			}
		}
		group.sort(Comparator.comparing(Push::userId));
		return group;
	}

	private void commit(List<Push> group) {
		try {
			List<ClipStore.Stored> stored = this.store.apply(group);
			this.groupSizes.record(group.size());
			for (int i = 0; i < group.size(); i++) {
				group.get(i).outcome().complete(stored.get(i));
			}
		}
		catch (DataIntegrityViolationException ex) {
			if (group.size() == 1) {
				group.getFirst().outcome().completeExceptionally(ex);
				return;
			}
			for (Push push : group) {
				commit(List.of(push));
			}
		}
		catch (Throwable ex) {
			// The database is away (or worse): every push of the group fails, none is
			// acked, and clients retry with the same id.
			for (Push push : group) {
				push.outcome().completeExceptionally(ex);
			}
		}
	}

	int waiting() {
		synchronized (this.waiting) {
			return this.waiting.size();
		}
	}

	/**
	 * A push waiting for its commit.
	 *
	 * @param userId the user
	 * @param deviceId the pushing device
	 * @param sessionId the pushing connection
	 * @param draft the checked clip
	 * @param outcome completed once the push's transaction committed or failed
	 */
	record Push(UUID userId, UUID deviceId, UUID sessionId, ClipDraft draft,
			CompletableFuture<ClipStore.Stored> outcome) {

		Push(UUID userId, UUID deviceId, UUID sessionId, ClipDraft draft) {
			this(userId, deviceId, sessionId, draft, new CompletableFuture<>());
		}

		long bytes() {
			return this.draft.data().length();
		}

	}

}
