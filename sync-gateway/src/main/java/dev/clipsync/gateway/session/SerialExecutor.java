package dev.clipsync.gateway.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's work one task at a time, in submission order, on a shared executor.
 * An idle session holds no thread, only an empty queue.
 */
final class SerialExecutor {

	private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicBoolean running = new AtomicBoolean();

	private final Executor executor;

	SerialExecutor(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Queue a task.
	 * @param task the task
	 * @return how many tasks are waiting, this one included
	 */
	int submit(Runnable task) {
		this.tasks.add(task);
		int waiting = this.queued.incrementAndGet();
		schedule();
		return waiting;
	}

	private void schedule() {
		if (!this.tasks.isEmpty() && this.running.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	private void drain() {
		try {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				this.queued.decrementAndGet();
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Session task failed", ex);
				}
			}
		}
		finally {
			this.running.set(false);
			schedule(); // a task may have arrived after the last poll
		}
	}

}
