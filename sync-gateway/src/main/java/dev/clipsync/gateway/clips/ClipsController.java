package dev.clipsync.gateway.clips;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.clipsync.common.web.Caller;
import dev.clipsync.common.web.ProblemException;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clipsync.common.wire.BlobRef;
import dev.clipsync.gateway.GatewayProperties;
import dev.clipsync.gateway.blobs.BlobStore;
import dev.clipsync.gateway.fanout.ClipPublisher;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Clips over plain HTTP, for scripts, shortcuts and one-shot command lines. A push here
 * is stored and fanned out exactly like a WebSocket push, with the same idempotency.
 */
@RestController
class ClipsController {

	/**
	 * A page of history stops after about this many bytes of clips (and holds at least
	 * one), so no request holds hundreds of megabytes; clients ask again from its last
	 * seq.
	 */
	private static final long PAGE_BYTES = 4 * 1024 * 1024;

	private final ClipStore store;

	private final BlobStore blobs;

	private final PushRates pushRates;

	private final ClipPublisher publisher;

	private final long maxClipBytes;

	ClipsController(ClipStore store, ClipPublisher publisher, GatewayProperties properties, BlobStore blobs,
			PushRates pushRates) {
		this.store = store;
		this.pushRates = pushRates;
		this.blobs = blobs;
		this.publisher = publisher;
		this.maxClipBytes = properties.clips().maxSize().toBytes();
	}

	@GetMapping("/v1/clips")
	ClipPage list(Caller caller, @RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		List<ClipView> clips = this.store.after(caller.userId(), after, limit, PAGE_BYTES)
			.stream()
			.map(ClipView::of)
			.toList();
		return new ClipPage(clips, this.store.latestSeq(caller.userId()));
	}

	@GetMapping("/v1/clips/latest")
	ResponseEntity<ClipView> latest(Caller caller) {
		return this.store.latest(caller.userId())
			.map((clip) -> ResponseEntity.ok(ClipView.of(clip)))
			.orElseGet(() -> ResponseEntity.noContent().build());
	}

	@PostMapping(path = "/v1/clips", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<PushResult> push(Caller caller, @Valid @RequestBody PushRequest request) {
		if (request.data() == null && request.blob() == null) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "validation_failed", "Clip refused",
					"data is required (or a blob reference with an optional preview in data)");
		}
		ClipDraft draft = new ClipDraft(request.id(), request.mime(), (request.data() != null) ? request.data() : "",
				(request.encoding() != null) ? request.encoding() : ClipDraft.UTF8,
				request.encrypted() != null && request.encrypted(), request.sensitive() != null && request.sensitive(),
				request.blob());
		ClipDraft.Refusal refusal = draft.check(this.maxClipBytes);
		if (refusal != null) {
			HttpStatus status = "too_large".equals(refusal.code()) ? HttpStatus.CONTENT_TOO_LARGE
					: HttpStatus.BAD_REQUEST;
			String code = "too_large".equals(refusal.code()) ? "too_large" : "validation_failed";
			throw new ProblemException(status, code, "Clip refused", refusal.message());
		}
		if (draft.blob() != null && !this.blobs.attach(caller.userId(), draft.blob())) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "validation_failed", "Clip refused",
					"The blob is unknown, not finished, or does not match size and sha256: upload it first "
							+ "(POST /v1/blobs) and send the reference it answered.");
		}
		// A REST push has no connection of its own to skip: every connection gets the
		// clip.
		if (!this.pushRates.tryPush(caller.deviceId())) {
			throw ProblemException.rateLimited(Duration.ofSeconds(1));
		}
		ClipStore.Stored stored;
		try {
			stored = this.store.push(caller.userId(), caller.deviceId(), UUID.randomUUID(), draft);
		}
		catch (ClipStore.QuotaExceeded ex) {
			throw new ProblemException(HttpStatus.INSUFFICIENT_STORAGE, "quota_exceeded", "Clip quota exceeded",
					ex.getMessage());
		}
		if (!stored.duplicate()) {
			this.publisher.publish(caller.userId(), stored.clip());
		}
		// 201 for a retry too, as the contract says: clients need not tell the two apart.
		return ResponseEntity.status(HttpStatus.CREATED)
			.body(new PushResult(draft.id(), stored.clip().seq(), stored.duplicate()));
	}

	@DeleteMapping("/v1/clips/{seq}")
	ResponseEntity<Void> delete(Caller caller, @PathVariable long seq) {
		if (!this.store.delete(caller.userId(), seq)) {
			throw ProblemException.notFound("No clip " + seq + ".");
		}
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/v1/clips")
	ResponseEntity<Void> clear(Caller caller) {
		this.store.clear(caller.userId());
		return ResponseEntity.noContent().build();
	}

	record PushRequest(@NotNull UUID id, @NotBlank String mime, @Nullable String data, @Nullable String encoding,
			@Nullable Boolean encrypted, @Nullable Boolean sensitive, @Valid @Nullable BlobRef blob) {
	}

	record PushResult(UUID id, long seq, boolean duplicate) {
	}

	record ClipPage(List<ClipView> clips, long latestSeq) {
	}

	record ClipView(long seq, UUID id, UUID from, String mime, String data, String encoding, boolean encrypted,
			boolean sensitive, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BlobRef blob, Instant createdAt) {

		static ClipView of(Clip clip) {
			return new ClipView(clip.seq(), clip.id(), clip.from(), clip.mime(), clip.data(), clip.encoding(),
					clip.encrypted(), clip.sensitive(), clip.blob(), clip.createdAt());
		}

	}

}
